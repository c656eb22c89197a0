"""Checking and cleaning uploaded images with Pillow.

Every stored image, the original included, is re-encoded from its pixels alone: EXIF
(GPS position, camera serial numbers), XMP, IPTC and PNG text chunks never reach the
disk. Correspondents' safety depends on it.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# Pillow's name for each accepted format, and how it is stored.
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}


@dataclass
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int


def clean_image(upload) -> CleanImage:
    """Validate an uploaded image and return it re-encoded without any metadata.

    Raises ValidationError (with a code) for anything that is not a sound JPEG, PNG,
    WebP or AVIF image of acceptable size.
    """
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > settings.PHOTO_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.PHOTO_MAX_UPLOAD_BYTES),
            },
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            # Pillow only warns between the pixel limit and twice it; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                if image_format not in ACCEPTED:
                    raise ValidationError(
                        _(
                            "%(format)s images are not accepted; upload JPEG, PNG, WebP or AVIF."
                        )
                        % {"format": image_format or _("This kind of")},
                        code="format",
                    )
                check_pixels(probe.size)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # a truncated or corrupt file fails here
                upright = ImageOps.exif_transpose(image)
                return encode(upright, image_format)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image has too many pixels to be processed safely."), code="bomb"
        ) from None
    except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError):
        raise ValidationError(
            _("The file is not a readable image, or it is damaged."), code="invalid"
        ) from None


def check_pixels(size: tuple[int, int]) -> None:
    if size[0] * size[1] > settings.PHOTO_MAX_PIXELS:
        raise ValidationError(
            _("The image has too many pixels to be processed safely."), code="bomb"
        )


def encode(image: Image.Image, image_format: str) -> CleanImage:
    """The image's pixels alone, in `image_format` (no EXIF, XMP or text chunks)."""
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert(
            "RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB"
        )
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    pixels = Image.new(image.mode, image.size)
    pixels.paste(image)
    buffer = io.BytesIO()
    options = {"quality": 88, "optimize": True} if image_format == "JPEG" else {}
    pixels.save(buffer, image_format, **options)
    return CleanImage(buffer.getvalue(), ACCEPTED[image_format], *pixels.size)


def resized(content: bytes, width: int, image_format: str) -> CleanImage:
    """A copy of a stored (already clean) image `width` pixels wide, in JPEG or WEBP."""
    with Image.open(io.BytesIO(content)) as image:
        image = image.convert("RGB")
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, image_format, quality=82)
        extension = "jpg" if image_format == "JPEG" else "webp"
        return CleanImage(buffer.getvalue(), extension, width, height)
