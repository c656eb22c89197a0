"""Photos with their credits, the photographers who made them, and their renditions."""

import errno
import logging
import re
import uuid
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from newsroom.i18n import agency_name_genitive, current_language
from newsroom.people import Person
from photos import credentials
from photos.images import (
    CROPS,
    RENDITION_FORMATS,
    CleanImage,
    cropped,
    rendition_widths,
    resized,
)

logger = logging.getLogger(__name__)


class Photographer(Person):
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    author = models.OneToOneField(
        "authors.Author",
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photographer",
        help_text=_("When the photographer also writes for the agency."),
    )

    class Meta:
        verbose_name = _("photographer")
        verbose_name_plural = _("photographers")
        ordering = ["name_en", "name_ru"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_ru="") | ~models.Q(name_en=""),
                name="photographer_has_a_name",
            )
        ]


class PhotoNotStored(OSError):
    """The storage refused a photo's file: a full disk, a folder it may not write to.

    Raised by write_whole(), which has removed whatever part of the file was written.
    """

    @property
    def message(self) -> str:
        """What the newsroom is told, in the current language."""
        if self.errno in (errno.ENOSPC, errno.EDQUOT):
            reason = gettext("the server's disk is full")
        elif self.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = gettext("the server may not write to its media folder")
        else:
            reason = gettext("the server could not write the file")
        return gettext(
            "The photo was not saved: %(reason)s. Nothing was stored; please tell "
            "the site's administrator and try again later."
        ) % {"reason": reason}


def write_whole(file: FieldFile, name: str, content: bytes) -> None:
    """Store `content` as `file`'s new file, whole or not at all.

    A full disk stops a local write midway and Django keeps the truncated file: it
    is removed here, the error logged and raised as PhotoNotStored.
    """
    name = file.field.generate_filename(file.instance, name)
    try:
        name = file.storage.save(
            name, ContentFile(content), max_length=file.field.max_length
        )
    except OSError as error:
        logger.error("Could not store %s: %s", name, error)
        with suppress(OSError):
            file.storage.delete(name)  # names are random: no one else's file
        raise PhotoNotStored(error.errno, error.strerror) from error
    setattr(file.instance, file.field.attname, name)


# A photo placed in a story's body: a paragraph holding only [photo:ID].
BODY_PHOTO = re.compile(r"<p>\s*\[photo:(\d+)\]\s*</p>")


def photo_ids_in(body: str) -> list[int]:
    return [int(pk) for pk in BODY_PHOTO.findall(body)]


def private_storage() -> FileSystemStorage:
    """Where replaced originals are kept for the record, never served.

    PHOTO_PRIVATE_ROOT, or the folder "private-photos" beside MEDIA_ROOT (the proxy
    serves MEDIA_ROOT alone).
    """
    root = getattr(settings, "PHOTO_PRIVATE_ROOT", None)
    return FileSystemStorage(
        location=root or Path(settings.MEDIA_ROOT).parent / "private-photos",
        base_url=None,
    )


def original_path(photo, filename: str) -> str:
    # A random name: the uploaded file name may say where or whom it shows.
    return f"photos/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


# The apps that show photos sit above this one (Article.lead_photo in articles/):
# each registers a function giving the languages of its live pages showing a photo.
live_language_sources: list[Callable[["Photo"], set[str]]] = []


def add_live_language_source(source: Callable[["Photo"], set[str]]) -> None:
    """Have `source` asked which languages' readers see a photo (live_languages)."""
    if source not in live_language_sources:
        live_language_sources.append(source)


class Photo(models.Model):
    class Credit(models.TextChoices):
        PHOTO_BY_FOR_AGENCY = "photo_by_for_agency", _("Photo by X for the agency")
        PHOTO_AGENCY = "photo_agency", _("Photo: agency or outlet")
        VIDEO_SCREENSHOT_BY = "video_screenshot_by", _("Screenshot of a video by X")
        FREE_TEXT = "free_text", _("Free text (last resort)")

    # The photo's identity beyond this database: an export names it by this, and
    # bodies exported say [photo:<key>].
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    image = models.ImageField(
        _("image"), upload_to=original_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    # The SHA-256 of the image file, once the publication record needed it
    # (record/material.py); emptied when the image is replaced.
    image_sha256 = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    # Uploaded, its sizes for the pages not made yet (the worker's: photos/tasks.py);
    # no story is published with it until they are.
    resizing_since = models.DateTimeField(
        _("being resized since"), null=True, editable=False
    )
    # Where the photo's subject is, as fractions of its width and height: the
    # fixed-shape crops (CROPS) are cut around it. Set by a click on the photo.
    focal_x = models.FloatField(
        _("focal point, across"),
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    focal_y = models.FloatField(
        _("focal point, down"),
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    caption_ru = models.TextField(_("caption in Russian"), blank=True)
    caption_en = models.TextField(_("caption in English"), blank=True)
    alt_ru = models.CharField(
        _("alt text in Russian"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the photo shows, for readers who cannot see it. Defaults to the caption."
        ),
    )
    alt_en = models.CharField(_("alt text in English"), max_length=300, blank=True)
    credit_form = models.CharField(
        _("credit"), max_length=20, choices=Credit, blank=True
    )
    photographer = models.ForeignKey(
        Photographer,
        verbose_name=_("photographer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
    )
    credit_text = models.CharField(
        _("agency, outlet or free credit"),
        max_length=200,
        blank=True,
        help_text=_(
            "For “Photo: …” the agency or outlet; for free text, the whole credit."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.caption(current_language())[:80] or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("admin:photos_photo_change", args=[self.pk])

    def clean(self):
        """A photo that readers see in a story keeps its credit and alt text there."""
        if self.pk is None:
            return
        errors = {}
        for language in sorted(self.live_languages(fresh=True)):
            if not self.credit(language):
                errors.setdefault(
                    self.credit_field(),
                    ValidationError(
                        _(
                            "A published story uses this photo: its credit cannot be "
                            "empty."
                        ),
                        code="credit_in_use",
                    ),
                )
            if not self.alt(language):
                field = self._meta.get_field(f"alt_{language}")
                errors[field.name] = ValidationError(
                    _(
                        "A published story uses this photo: its %(field)s (or the "
                        "caption standing in for it) cannot be empty."
                    ),
                    code="alt_in_use",
                    params={"field": field.verbose_name},
                )
        if errors:
            raise ValidationError(errors)

    def credit_field(self) -> str:
        """The field the credit line lacks, to name in an error."""
        if not self.credit_form:
            return "credit_form"
        if self.credit_form in (
            self.Credit.PHOTO_BY_FOR_AGENCY,
            self.Credit.VIDEO_SCREENSHOT_BY,
        ):
            return "photographer"
        return "credit_text"

    def live_languages(self, *, fresh: bool = False) -> set[str]:
        """The languages of the published (or scheduled) stories using this photo,
        as lead photo or placed in the body: live_language_sources answer.

        It runs when a photo is opened or saved in the admin or by the importer,
        never for a reader's page.
        """
        if self.pk is None:
            return set()
        if not fresh and hasattr(self, "_live_languages"):
            return self._live_languages
        languages = set()
        for source in live_language_sources:
            languages |= source(self)
        self._live_languages = languages
        return languages

    def may_be_changed_by(self, user) -> bool:
        """Editors' alone once readers see it (or will, when scheduled)."""
        return (
            user.is_superuser
            or user.has_perm("articles.publish_article")
            or not self.live_languages()
        )

    def store_image(self, clean: CleanImage) -> None:
        """Keep an image already passed through photos.images.clean_image.

        Raises PhotoNotStored, leaving no file behind, when the storage refuses it.
        Renditions made beforehand (photos.images.with_renditions) are kept for
        rendition() to store once the photo has an id.
        """
        write_whole(self.image, f"upload.{clean.extension}", clean.content)
        self.width, self.height = clean.width, clean.height
        self._prepared = clean.renditions

    def put_image(self, clean: CleanImage, *, by=None) -> None:
        """Store `clean` as this photo's image and save it: whole or not at all
        (PhotoNotStored; nothing written is left behind). Its renditions are stored
        with it when made beforehand, else made by the worker.

        A replaced image leaves public view once the change is committed: its
        renditions are deleted and its original moved to private_storage(), its
        new path kept in a ReplacedImage.
        """
        old_files = None
        if self.pk:
            stored = Photo.objects.filter(pk=self.pk).values_list("image", flat=True)
            old_files = (
                stored.get(),
                list(self.renditions.values_list("file", flat=True)),
            )
        self.store_image(clean)
        self.image_sha256 = ""
        written = [self.image.name]
        try:
            with transaction.atomic():
                if old_files:
                    # Waits for a worker making the old image's renditions
                    # (photos/tasks.py), then clears them all.
                    Photo.objects.select_for_update().filter(pk=self.pk).exists()
                    old_files = (
                        old_files[0],
                        list(self.renditions.values_list("file", flat=True)),
                    )
                    self.renditions.all().delete()
                self.save()
                if clean.renditions:  # made beforehand (an import): stored now
                    for image_format in RENDITION_FORMATS:
                        for width in rendition_widths(self.width, self.height):
                            rendition = self.rendition(width, image_format)
                            written.append(rendition.file.name)
                else:  # an upload answers at once; the worker makes them
                    from background.queue import enqueue_with
                    from photos.tasks import make_renditions

                    self.resizing_since = timezone.now()
                    Photo.objects.filter(pk=self.pk).update(
                        resizing_since=self.resizing_since
                    )
                    enqueue_with(make_renditions, self.pk, self.image.name)
                if old_files:
                    self.retire_image(*old_files, by=by)
        except BaseException:
            for name in written:
                with suppress(OSError):
                    self.image.storage.delete(name)
            raise

    def retire_image(self, original: str, renditions: list[str], *, by=None) -> None:
        """Take a replaced image's files out of the public folder after the commit."""
        record = ReplacedImage.objects.create(
            photo=self,
            path=f"{self.pk}/{uuid.uuid4().hex}{PurePosixPath(original).suffix}",
            replaced_by=by,
        )
        storage = self.image.storage

        def move():
            for name in renditions:
                with suppress(OSError):
                    storage.delete(name)
            try:
                with storage.open(original, "rb") as old:
                    private_storage().save(record.path, old)
            except OSError as error:
                # Out of view matters more than the private copy: deleted all the same.
                logger.error("Could not keep replaced image %s: %s", original, error)
            with suppress(OSError):
                storage.delete(original)

        transaction.on_commit(move)

    def caption(self, language: str) -> str:
        return getattr(self, f"caption_{language}")

    def photographer_name(self, language: str) -> str:
        return self.photographer.name_in(language) if self.photographer else ""

    @staticmethod
    def in_every_language(text: Callable[[str], str]) -> str:
        """`text` in each of the site's languages, once each: what a file that
        serves readers in every language says (its Content Credentials)."""
        texts = dict.fromkeys(text(code) for code, _name in settings.LANGUAGES)
        return " / ".join(each for each in texts if each)

    def alt(self, language: str) -> str:
        return getattr(self, f"alt_{language}") or self.caption(language)

    def credit(self, language: str) -> str:
        """The credit line in `language`, or "" when the photo has none yet."""
        # «Фото Нины Беридзе для «Горного вестника»»: Russian declines both.
        person = self.photographer.name_of(language) if self.photographer else ""
        with override(language):
            if self.credit_form == self.Credit.PHOTO_BY_FOR_AGENCY and person:
                return gettext("Photo by %(person)s for %(agency)s") % {
                    "person": person,
                    "agency": agency_name_genitive(language),
                }
            if self.credit_form == self.Credit.VIDEO_SCREENSHOT_BY and (
                person or self.credit_text
            ):
                return gettext("Screenshot of a video by %(person)s") % {
                    "person": person or self.credit_text
                }
            if self.credit_form == self.Credit.PHOTO_AGENCY and self.credit_text:
                return gettext("Photo: %(source)s") % {"source": self.credit_text}
            if self.credit_form == self.Credit.FREE_TEXT:
                return self.credit_text
        return ""

    def publication_problems(self, language: str) -> list[str]:
        """Why this photo may not be published on a page in `language`."""
        problems = []
        if not self.credit(language):
            problems.append(gettext("photo #%(pk)s has no credit") % {"pk": self.pk})
        if not self.alt(language):
            problems.append(
                gettext("photo #%(pk)s has no alt text or caption") % {"pk": self.pk}
            )
        return problems

    def rendition(self, width: int, image_format: str) -> "Rendition":
        """The whole photo `width` pixels wide in JPEG or WEBP, made once, whoever
        asks first."""
        existing = Rendition.objects.filter(
            photo=self, width=width, format=image_format, crop=""
        ).first()
        if existing:
            return existing
        made = getattr(self, "_prepared", {}).get((width, image_format))
        if made is None:
            made = resized(self.read_image(), width, image_format)
        return self.keep_rendition(made, image_format, crop="")

    def crop_name(self, shape: str) -> str:
        """A crop's name: its shape and the focal point it was cut around, so a
        crop of an earlier focal point is never taken for the current one."""
        return f"{shape} {self.focal_x:.3f} {self.focal_y:.3f}"

    def cropped(self, shape: str) -> "Rendition":
        """The photo cut to one of CROPS around its focal point (JPEG), made once."""
        name = self.crop_name(shape)
        existing = Rendition.objects.filter(photo=self, crop=name).first()
        if existing:
            return existing
        made = cropped(self.read_image(), shape, (self.focal_x, self.focal_y))
        return self.keep_rendition(made, "JPEG", crop=name)

    def crops(self) -> dict[str, "Rendition"]:
        """Every crop of the current focal point, by shape, made when missing."""
        return {shape: self.cropped(shape) for shape in CROPS}

    def signed(self, content: bytes, image_format: str, crop: str) -> bytes:
        """`content` with the agency's Content Credentials. A signing that fails
        (a broken key or chain file) is logged and the file kept unsigned: readers
        get the photo, and `sign_photos` signs it once the files are put right."""
        actions = [credentials.CROPPED] if crop else []
        try:
            return credentials.sign(
                content,
                image_format,
                author=self.in_every_language(self.photographer_name),
                publisher=credentials.agency_publisher(),
                credit=self.in_every_language(self.credit),
                actions=[*actions, credentials.RESIZED],
            )
        except (credentials.SigningError, ImproperlyConfigured) as error:
            logger.error("Photo %s left unsigned: %s", self.pk, error)
            return content

    def read_image(self) -> bytes:
        # From storage, not through the field's file: that one is shared by whoever
        # holds this instance (two threads making two renditions).
        with self.image.storage.open(self.image.name, "rb") as file:
            return file.read()

    def keep_rendition(self, made: CleanImage, image_format: str, crop: str):
        content = made.content
        if credentials.signing_enabled():
            content = self.signed(content, image_format, crop)
        rendition = Rendition(
            photo=self,
            width=made.width,
            height=made.height,
            format=image_format,
            crop=crop,
        )
        shape = crop.split(" ")[0]
        write_whole(
            rendition.file,
            f"{self.pk}-{shape + '-' if shape else ''}{made.width}-"
            f"{uuid.uuid4().hex[:8]}.{made.extension}",
            content,
        )
        try:
            with transaction.atomic():
                rendition.save()
            return rendition
        except IntegrityError:
            # Someone made the same rendition meanwhile: keep theirs, drop ours.
            rendition.file.delete(save=False)
            return Rendition.objects.get(
                photo=self, width=made.width, format=image_format, crop=crop
            )


class Rendition(models.Model):
    """A resized copy of a photo, unique per photo, width and format."""

    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        WEBP = "WEBP", "WebP"

    photo = models.ForeignKey(
        Photo, on_delete=models.CASCADE, related_name="renditions"
    )
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Format)
    # Empty for the whole photo; a crop's name (Photo.crop_name) for a fixed shape.
    crop = models.CharField(max_length=40, blank=True, default="", db_default="")
    file = models.ImageField(upload_to="renditions/")

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "width", "format", "crop"],
                name="one_rendition_per_spec",
            )
        ]

    def __str__(self):
        return f"{self.photo_id} {self.width}w {self.format} {self.crop}".strip()


class ReplacedImage(models.Model):
    """An image a photo no longer shows, kept out of public view for the record."""

    photo = models.ForeignKey(
        Photo,
        verbose_name=_("photo"),
        on_delete=models.CASCADE,
        related_name="replaced_images",
    )
    path = models.CharField(
        _("path in the private folder"),
        max_length=200,
        help_text=_("Relative to PHOTO_PRIVATE_ROOT, never served."),
    )
    replaced_at = models.DateTimeField(_("replaced"), auto_now_add=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("replaced image")
        verbose_name_plural = _("replaced images")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return self.path
