"""Photos on pages: <picture> with WebP and JPEG widths, sizes known in advance."""

import logging
from collections.abc import Iterable

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from photos import credentials
from photos.images import WIDTHS, rendition_widths
from photos.models import BODY_PHOTO, Photo, Rendition, photo_ids_in

__all__ = ["BODY_PHOTO", "WIDTHS", "photo_ids_in"]  # where articles/ finds them

logger = logging.getLogger(__name__)


def photos_by_id(ids, known: Iterable[Photo] = ()) -> dict[int, Photo]:
    """The photos with everything their figures need: those `known` as they are
    (read with their photographer and renditions already), the rest in two queries."""
    found = {photo.pk: photo for photo in known}
    ids = set(ids) - found.keys()
    if not ids:
        return found
    photos = (
        Photo.objects.filter(pk__in=ids)
        .select_related("photographer")
        .prefetch_related("renditions")
    )
    return found | {photo.pk: photo for photo in photos}


def sources(photo: Photo, image_format: str) -> list[Rendition]:
    """The photo's renditions in `image_format`, narrowest first, made when missing."""
    have = {
        rendition.width: rendition
        for rendition in photo.renditions.all()
        if rendition.format == image_format and not rendition.crop
    }
    widths = rendition_widths(photo.width, photo.height)
    return [have.get(width) or photo.rendition(width, image_format) for width in widths]


def make_renditions(photo: Photo, crops: bool = True) -> None:
    """Make every rendition now (after an upload), so no reader waits for one;
    without the `crops` (an import's speed), the first page that needs one cuts it."""
    for image_format in Rendition.Format.values:
        sources(photo, image_format)
    if crops:
        photo.crops()


def crop(photo: Photo, shape: str) -> Rendition | None:
    """The photo's crop of `shape` around its focal point (prefetched, or made).
    None when it cannot be cut (an original missing from storage, or unreadable):
    the page goes without it rather than down."""
    name = photo.crop_name(shape)
    for rendition in photo.renditions.all():
        if rendition.crop == name:
            return rendition
    try:
        return photo.cropped(shape)
    except OSError as error:  # PIL's unreadable image is one too
        logger.error(
            "Photo %s: its %s crop could not be cut: %s", photo.pk, shape, error
        )
        return None


def figure(photo: Photo, language: str, *, lead: bool = False) -> SafeString:
    jpegs = sources(photo, Rendition.Format.JPEG)
    fallback = jpegs[min(1, len(jpegs) - 1)]
    return render_to_string(
        "photos/_figure.html",
        {
            "photo": photo,
            "webp": sources(photo, Rendition.Format.WEBP),
            "jpeg": jpegs,
            "fallback": fallback,
            "caption": photo.caption(language),
            "credit": photo.credit(language),
            "alt": photo.alt(language),
            "lead": lead,
            # The files carry signed Content Credentials: a page says what they hold.
            "credentials_url": reverse("articles:photo-credentials", args=[photo.key])
            if credentials.signing_enabled()
            else "",
        },
    )


def place_body_photos(body: str, photos: dict[int, Photo], language: str) -> str:
    """Replace each [photo:ID] paragraph with its figure; unknown ids vanish."""

    def replace(match):
        photo = photos.get(int(match.group(1)))
        return figure(photo, language) if photo else ""

    return BODY_PHOTO.sub(replace, body)
