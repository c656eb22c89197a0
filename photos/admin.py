"""Photo upload with preview, and photographers with the photos they made."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_rules import NewsroomAdmin, NewsroomTabularInline
from background.queue import enqueue_with
from newsroom.people import forget_old_genitive
from photos.credentials import signing_enabled
from photos.forms import PhotoUploadField
from photos.models import Photo, Photographer, PhotoNotStored, Rendition
from photos.tasks import CREDITED, recrop, sign_again


class PhotoForm(forms.ModelForm):
    image = PhotoUploadField(label=_("image"))

    class Meta:
        model = Photo
        fields = [
            "image",
            "focal_x",
            "focal_y",
            "caption_ru",
            "caption_en",
            "alt_ru",
            "alt_en",
            "credit_form",
            "photographer",
            "credit_text",
        ]
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.001", "min": 0, "max": 1}),
            "focal_y": forms.NumberInput(attrs={"step": "0.001", "min": 0, "max": 1}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (an upload from elsewhere, a script): the point stays where it is.
        for name in ("focal_x", "focal_y"):
            if name in self.fields:  # not when shown read-only
                self.fields[name].required = False

    def clean_focal_x(self):
        return self.kept_if_empty("focal_x")

    def clean_focal_y(self):
        return self.kept_if_empty("focal_y")

    def kept_if_empty(self, name: str) -> float:
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value


class ChosenUploadForm(PhotoForm):
    """An upload from the body editor's photo button: it goes into the story at
    once, so its credit and alt text in the story's language come first."""

    language = settings.LANGUAGE_CODE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_form"].required = True
        self.fields[f"alt_{self.language}"].required = True

    def clean(self):
        cleaned = super().clean()
        credited = Photo(
            **{name: cleaned.get(name) for name in ("credit_form", "credit_text")},
            photographer=cleaned.get("photographer"),
        )
        if not self.errors and not credited.credit(self.language):
            raise ValidationError(
                gettext(
                    "Give the photo's credit in full (the photographer, or the agency "
                    "or outlet) before it goes into the story."
                )
            )
        return cleaned


class ChooserSearch(forms.Form):
    q = forms.CharField(label=_("Caption or photographer"), required=False)
    date = forms.DateField(label=_("Uploaded on"), required=False)


# The languages a story may be in: the chooser asks for that language's alt text.
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def preview(photo: Photo, width: int = 240, focal: bool = False) -> str:
    """The photo from its smallest whole JPEG at least `width` wide (prefetch the
    renditions for a list): never the original, which may weigh megabytes."""
    jpegs = sorted(
        (
            rendition
            for rendition in photo.renditions.all()
            if rendition.format == Rendition.Format.JPEG and not rendition.crop
        ),
        key=lambda rendition: rendition.width,
    )
    if not jpegs:
        return _("being resized") if photo.image else "—"
    shown = next((each for each in jpegs if each.width >= width), jpegs[-1])
    image = format_html(
        '<img src="{}" width="{}" alt="" class="photo-preview">', shown.file.url, width
    )
    if not focal:
        return image
    # A click on the photo sets its focal point (js/focal-point.js).
    return format_html(
        '<span class="focal-point" data-focal-x="{}" data-focal-y="{}">{}'
        '<span class="focal-point-mark" aria-hidden="true"></span></span>',
        photo.focal_x,
        photo.focal_y,
        image,
    )


@admin.register(Photo)
class PhotoAdmin(NewsroomAdmin):
    form = PhotoForm
    list_display = [
        "thumbnail",
        "__str__",
        "credit_form",
        "photographer",
        "uploaded_at",
    ]
    list_filter = ["credit_form", "photographer"]
    list_select_related = ["photographer"]
    search_fields = [
        "caption_ru",
        "caption_en",
        "credit_text",
        "photographer__name_ru",
        "photographer__name_en",
    ]
    autocomplete_fields = ["photographer"]
    readonly_fields = ["large_preview", "width", "height", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["image", "width", "height"]}),
        (
            _("Focal point"),
            {
                "fields": ["large_preview", "focal_x", "focal_y"],
                "description": _(
                    "Click the subject on the photo: social cards and square and "
                    "wide crops are cut around it."
                ),
            },
        ),
        (
            _("Caption and alt text"),
            {"fields": ["caption_ru", "caption_en", "alt_ru", "alt_en"]},
        ),
        (_("Credit"), {"fields": ["credit_form", "photographer", "credit_text"]}),
        (_("History"), {"fields": ["uploaded_by", "uploaded_at"]}),
    ]
    show_full_result_count = False
    # Stories show their photos by id (in the body too, unprotected).
    kept = True

    class Media:
        js = ["js/focal-point.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def get_urls(self):
        return [
            path(
                "choose/",
                self.admin_site.admin_view(self.choose_view),
                name="photos_photo_choose",
            ),
            *super().get_urls(),
        ]

    def choose_view(self, request):
        """The body editor's photo chooser (a window of its own): photos by caption,
        photographer or upload day, with small thumbnails; choosing one hands its
        id to the editor (js/photo-chooser.js)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        language = chooser_language(request)
        search = ChooserSearch(request.GET)
        photos = self.get_queryset(request).select_related("photographer")
        if search.is_valid():
            photos, _duplicates = self.get_search_results(
                request, photos, search.cleaned_data["q"]
            )
            if day := search.cleaned_data["date"]:
                photos = photos.filter(uploaded_at__date=day)
        else:
            photos = photos.none()  # a date that is none: said, nothing listed
        page = Paginator(photos, 24).get_page(request.GET.get("page"))
        chosen = Photo.objects.filter(pk=request.GET.get("chosen") or 0).first()
        return TemplateResponse(
            request,
            "admin/photos/photo/choose.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Choose a photo"),
                "is_popup": True,
                "search": search,
                "page": page,
                "cards": [
                    (photo, preview(photo, 160), photo.credit(language))
                    for photo in page.object_list
                ],
                "chosen": chosen,
                "upload_url": reverse("admin:photos_photo_add")
                + "?"
                + urlencode({"_chooser": 1, "language": language}),
                "query": urlencode(
                    {
                        key: value
                        for key, value in request.GET.items()
                        if key not in ("page", "chosen")
                    }
                ),
            },
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None and "_chooser" in request.GET:
            # The language is the story's: its alt text is the one asked for.
            kwargs["form"] = type(
                "ChosenUpload",
                (ChosenUploadForm,),
                {"language": chooser_language(request)},
            )
        return super().get_form(request, obj, change, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        if "_chooser" in request.GET:  # back to the chooser, which hands it over
            return redirect(
                reverse("admin:photos_photo_choose")
                + "?"
                + urlencode({"chosen": obj.pk, "language": chooser_language(request)})
            )
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("photo"))
    def thumbnail(self, photo):
        return preview(photo, 96)

    @admin.display(description=_("preview"))
    def large_preview(self, photo):
        return preview(photo, 480, focal=True)

    def has_change_permission(self, request, obj=None):
        # A photo readers see in a story is the editors' (shown read-only to others).
        return super().has_change_permission(request, obj) and (
            obj is None or obj.may_be_changed_by(request.user)
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        if "image" in form.changed_data:
            # Whole or nothing, renditions included; a replaced image's files leave
            # the public folder once the change is committed.
            obj.put_image(form.cleaned_data["image"].clean, by=request.user)
        else:
            super().save_model(request, obj, form, change)
            if {"focal_x", "focal_y"} & set(form.changed_data):
                enqueue_with(recrop, obj.pk)
            if signing_enabled() and CREDITED & set(form.changed_data):
                enqueue_with(sign_again, obj.pk)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PhotoNotStored as error:
            # Nothing of the upload was kept (a full disk, an unwritable folder).
            self.message_user(request, error.message, messages.ERROR)
            return redirect(request.get_full_path())


def chooser_language(request) -> str:
    language = request.GET.get("language")
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


class PhotoInline(NewsroomTabularInline):
    model = Photo
    fields = ["thumbnail", "caption_ru", "caption_en", "credit_form"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    @admin.display(description=_("photo"))
    def thumbnail(self, photo):
        return preview(photo, 96)


@admin.register(Photographer)
class PhotographerAdmin(NewsroomAdmin):
    list_display = ["name_en", "name_ru", "name_ru_genitive", "author"]
    search_fields = ["name_en", "name_ru"]
    autocomplete_fields = ["author"]
    inlines = [PhotoInline]

    def save_model(self, request, obj, form, change):
        forget_old_genitive(obj, form)
        super().save_model(request, obj, form, change)
        # Their credit lines name them (in Russian, in the genitive).
        named = {"name_ru", "name_en", "name_ru_genitive"}
        if change and signing_enabled() and named & set(form.changed_data):
            for photo_id in obj.photos.values_list("pk", flat=True):
                enqueue_with(sign_again, photo_id)
