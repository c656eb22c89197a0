"""The record in public: each story's versions as they stood, and what anyone needs
to check them (the entries, the head, the signed heads, the public key)."""

import json
from datetime import date, datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from articles.html import sanitize_html
from articles.views import PublicPageMixin
from newsroom.i18n import current_language
from photos.models import Photo, Rendition
from photos.rendering import BODY_PHOTO, sources
from record import signing
from record.material import file_sha256, restored
from record.models import Entry, Head, Removal, SignedHead, canonical_json


class VersionView(PublicPageMixin, TemplateView):
    """/<lang>/news/<id>/<slug>/v/<n>/: version n of the story, as it stood."""

    template_name = "record/version.html"

    def get(self, request, *args, **kwargs):
        self.entry = get_object_or_404(
            Entry.objects.select_related("article"),
            article_id=kwargs["pk"],
            version=kwargs["version"],
            article__language=current_language(),
        )
        url = version_url(self.entry)
        if request.path != url:
            return redirect(url, permanent=True)
        if removal := removal_of(self.entry.article_id):
            return removed_notice(request, removal)
        return super().get(request, *args, **kwargs)

    def calendar_month(self) -> date:
        return timezone.localdate(self.entry.at).replace(day=1)

    def alternates(self) -> dict[str, str]:
        return {self.entry.article.language: version_url(self.entry)}

    def get_context_data(self, **kwargs):
        entry = self.entry
        value = restored(entry.parts)
        photos = recorded_photos(value)
        versions = list(
            Entry.objects.filter(article_id=entry.article_id)
            .only("version", "at", "event", "article_id")
            .order_by("version")
        )
        following = next((v for v in versions if v.version == entry.version + 1), None)
        return super().get_context_data(
            entry=entry,
            material=value,
            # As the one label partial reads them (articles/material.html#labels).
            recorded_labels=[{"text": text} for text in value["labels"] if text],
            body=shown_body(value, photos),
            lead_figure=recorded_figure(value, value.get("lead_photo"), photos),
            published_at=datetime.fromisoformat(value["published_at"])
            if value["published_at"]
            else None,
            until=following.at if following else None,
            versions=versions,
            story_url=entry.article.get_absolute_url(),
            material_url=version_url(entry) + "material.json",
            entry_url=reverse("record:entry", args=[entry.position]),
            head_url=reverse("record:head"),
            **kwargs,
        )


@require_safe
def latest_version(request: HttpRequest, pk: int, slug: str):
    """The story's page links here: its latest recorded version."""
    entry = (
        Entry.objects.select_related("article")
        .filter(article_id=pk, article__language=current_language())
        .order_by("-version")
        .first()
    )
    if entry is None:
        raise Http404("This story has no version in the record yet")
    return redirect(version_url(entry))


def withdrawn_notice(request: HttpRequest, pk: int) -> HttpResponse | None:
    """A withdrawn story's address answers 410 Gone with the date it was withdrawn
    and its recorded versions, if readers ever had it; None otherwise."""
    if not 0 < pk < 2**63:
        return None
    withdrawal = (
        Entry.objects.select_related("article")
        .filter(
            article_id=pk,
            article__status="withdrawn",
            article__language=current_language(),
        )
        .order_by("-version")
        .first()
    )
    if withdrawal is None or withdrawal.event != Entry.Event.WITHDRAWN:
        return None
    if removal := removal_of(pk):
        return removed_notice(request, removal)
    return WithdrawnView.as_view(entry=withdrawal)(request)


def removal_of(article_id: int) -> Removal | None:
    return Removal.objects.filter(article_id=article_id).first()


def removed_notice(request: HttpRequest, removal: Removal) -> HttpResponse:
    return RemovedView.as_view(removal=removal)(request)


class RemovedView(PublicPageMixin, TemplateView):
    """A story removed on legal grounds: when and why, and the hashes the record
    keeps of each of its versions; none of its text."""

    template_name = "record/removed.html"
    removal: Removal | None = None  # (as_view)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.status_code = 410
        return response

    def alternates(self) -> dict[str, str]:
        return {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            removal=self.removal,
            versions=list(
                Entry.objects.filter(article_id=self.removal.article_id).order_by(
                    "version"
                )
            ),
            **kwargs,
        )


class WithdrawnView(PublicPageMixin, TemplateView):
    template_name = "record/withdrawn.html"
    entry: Entry | None = None  # the withdrawal (as_view)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.status_code = 410
        return response

    def calendar_month(self) -> date:
        return timezone.localdate(self.entry.at).replace(day=1)

    def alternates(self) -> dict[str, str]:
        return {}

    def get_context_data(self, **kwargs):
        entry = self.entry
        return super().get_context_data(
            entry=entry,
            headline=restored(entry.parts)["headline"],
            versions=list(
                Entry.objects.filter(article_id=entry.article_id).order_by("version")
            ),
            story_url=entry.article.get_absolute_url(),
            **kwargs,
        )


def version_url(entry: Entry) -> str:
    return entry.article.get_absolute_url() + f"v/{entry.version}/"


def shown_body(value: dict, photos: dict[int, Photo]):
    """The recorded body, each [photo:ID] paragraph shown as the photo with the
    caption and credit recorded with it (`photos`: recorded_photos)."""
    return mark_safe(
        BODY_PHOTO.sub(
            lambda match: recorded_figure(value, int(match.group(1)), photos),
            sanitize_html(value["body"] or ""),
        )
    )


def recorded_photos(value: dict) -> dict[int, Photo]:
    """The version's photos as stored now, with their renditions (two queries)."""
    return Photo.objects.prefetch_related("renditions").in_bulk(
        [photo["id"] for photo in value["photos"]]
    )


def recorded_figure(value: dict, pk: int | None, photos: dict[int, Photo]) -> str:
    """A photo of the version, with the caption and credit recorded with it; the
    image is the photo's file if it is still the one recorded (its SHA-256)."""
    recorded = next((photo for photo in value["photos"] if photo["id"] == pk), None)
    if recorded is None:
        return ""
    photo = photos.get(pk)
    same_file = photo is not None and file_sha256(photo) == recorded["sha256"]
    # Shown from its largest rendition (the original itself stays private).
    image = (
        f'<img src="{escape(sources(photo, Rendition.Format.JPEG)[-1].file.url)}" '
        f'alt="{escape(recorded["alt"])}">'
        if same_file
        else ""
    )
    return mark_safe(
        f"<figure>{image}<figcaption>{escape(recorded['caption'])} "
        f"<small>{escape(recorded['credit'])}</small></figcaption></figure>"
    )


@require_safe
def version_material(request: HttpRequest, pk: int, slug: str, version: int):
    """The version's material, byte for byte what its SHA-256 is of."""
    entry = get_object_or_404(Entry, article_id=pk, version=version)
    if removal := removal_of(pk):
        response = json_bytes(
            canonical_json({"removed": removal.removed_at.date().isoformat()})
        )
        response.status_code = 410
        return response
    return json_bytes(canonical_json(restored(entry.parts)))


@require_safe
def entry_document(request: HttpRequest, position: int):
    """One entry, byte for byte what its SHA-256 is of."""
    entry = get_object_or_404(Entry, position=position)
    return json_bytes(canonical_json(entry.document()))


@require_safe
def head(request: HttpRequest):
    head = Head.objects.filter(pk=1).first() or Head()
    return json_bytes(
        canonical_json({"position": head.position, "sha256": head.sha256})
    )


@require_safe
def signed_head(request: HttpRequest, day: str, extension: str):
    try:
        signed = SignedHead.objects.filter(day=date.fromisoformat(day)).first()
    except ValueError:
        signed = None
    if signed is None:
        raise Http404("No head was signed that day")
    if extension == "sig":
        return HttpResponse(signed.signature + "\n", content_type="text/plain")
    return json_bytes(signed.document.encode())


@require_safe
def signed_heads(request: HttpRequest):
    """Every signed head, newest first: day, position, hash."""
    return json_bytes(
        json.dumps(
            [
                json.loads(document)
                for document in SignedHead.objects.values_list("document", flat=True)
            ],
            ensure_ascii=False,
        ).encode()
    )


@require_safe
def public_key(request: HttpRequest):
    return HttpResponse(signing.public_key_pem(), content_type="application/x-pem-file")


def json_bytes(content: bytes) -> HttpResponse:
    return HttpResponse(content, content_type="application/json; charset=utf-8")
