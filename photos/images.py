"""Checking and cleaning uploaded images with Pillow.

Every stored image, the original included, is re-encoded from its pixels alone: EXIF
(GPS position, camera serial numbers), XMP, IPTC and PNG text chunks never reach the
disk. Correspondents' safety depends on it.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# Pillow's name for each accepted format, and how it is stored.
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif", "MPO": "jpg"}
# Multi-picture JPEGs (what many phones write) keep their first picture, as a JPEG.
STORED_AS = {"MPO": "JPEG"}

# Renditions: these widths, never taller than MAX_HEIGHT. A scrolling screenshot
# (1080 x 20000) gets 320 and 540 wide, readable on a phone; WebP cannot go past
# 16383 pixels anyway.
WIDTHS = (320, 640, 960, 1280)
MAX_HEIGHT = 10_000
RENDITION_FORMATS = ("JPEG", "WEBP")

# Fixed shapes cut around the photo's focal point, in JPEG: (ratio, width made).
# Narrower photos give narrower crops: nothing is enlarged.
CROPS = {
    "social": ((1.91, 1), 1200),  # OpenGraph and Twitter cards
    "wide": ((16, 9), 1280),  # search engines' 16:9
    "square": ((1, 1), 1200),
}


@dataclass
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int
    # (width, format) -> the rendition, made before anything is stored (with_renditions)
    renditions: dict = field(default_factory=dict, repr=False)


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
        # Pillow only warns between the pixel limit and twice it: check_pixels
        # refuses those (and PhotosConfig makes the warning an error).
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
            # Turned in place: a copy of a camera's photo is 70 MB more, per import
            # thread. encode() copies the pixels alone anyway.
            ImageOps.exif_transpose(image, in_place=True)
            return encode(image, STORED_AS.get(image_format, image_format))
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


def rendition_widths(width: int, height: int) -> list[int]:
    """The widths a `width` x `height` photo is served in, narrowest first."""
    largest = max(1, min(width, width * MAX_HEIGHT // height))
    widths = [each for each in WIDTHS if each < largest]
    if largest < min(width, WIDTHS[-1]) or not widths:
        widths.append(largest)  # too tall for the wider ones, or narrower than all
    return widths


def rendition_height(width: int, height: int, new_width: int) -> int:
    return max(1, round(height * new_width / width))


def fitted(image: Image.Image, width: int, height: int, image_format: str):
    """`image` (RGB) resized to width x height and encoded in JPEG or WEBP."""
    return encoded(shrunk(image, width, height), image_format)


def shrunk(image: Image.Image, width: int, height: int) -> Image.Image:
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def encoded(image: Image.Image, image_format: str) -> CleanImage:
    buffer = io.BytesIO()
    image.save(buffer, image_format, quality=82)
    extension = "jpg" if image_format == "JPEG" else "webp"
    return CleanImage(buffer.getvalue(), extension, image.width, image.height)


def resized(content: bytes, width: int, image_format: str) -> CleanImage:
    """A copy of a stored (already clean) image `width` pixels wide, in JPEG or WEBP."""
    with Image.open(io.BytesIO(content)) as image:
        height = rendition_height(image.width, image.height, width)
        return fitted(decoded_for(image, width, height), width, height, image_format)


def decoded_for(image: Image.Image, width: int, height: int) -> Image.Image:
    """`image`'s pixels (RGB) for a copy width x height or smaller: a JPEG is
    decoded at a half, a quarter or an eighth of its size when that is still at least
    as large, for a fraction of the time (a 4000-pixel photo: 56 ms whole, 10 ms at
    half)."""
    image.draft("RGB", (width, height))
    return image.convert("RGB")


def crop_box(
    width: int, height: int, ratio: tuple[float, float], focal: tuple[float, float]
) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside a width x height image, centred on the
    focal point (fractions of the width and height) as far as the edges allow, so
    the point is always inside it: (left, top, right, bottom)."""
    box_width = min(width, max(1, round(height * ratio[0] / ratio[1])))
    box_height = min(height, max(1, round(box_width * ratio[1] / ratio[0])))
    left = round(focal[0] * width - box_width / 2)
    top = round(focal[1] * height - box_height / 2)
    left = min(max(left, 0), width - box_width)
    top = min(max(top, 0), height - box_height)
    return left, top, left + box_width, top + box_height


def cropped(content: bytes, shape: str, focal: tuple[float, float]) -> CleanImage:
    """A stored (clean) image cut to one of CROPS around `focal`, as a JPEG."""
    ratio, most = CROPS[shape]
    with Image.open(io.BytesIO(content)) as image:
        box = crop_box(image.width, image.height, ratio, focal)
        piece = image.convert("RGB").crop(box)
    width = min(most, piece.width)
    height = max(1, round(width * ratio[1] / ratio[0]))
    return fitted(piece, width, height, "JPEG")


def with_renditions(clean: CleanImage) -> CleanImage:
    """`clean` with every rendition made, in memory, before anything is stored.

    An image Pillow cannot resize or encode (out of memory, a size an encoder
    refuses) is refused here as a ValidationError, so nothing reaches the disk.
    """
    try:
        widths = sorted(rendition_widths(clean.width, clean.height), reverse=True)
        with Image.open(io.BytesIO(clean.content)) as image:
            source = decoded_for(
                image, widths[0], rendition_height(clean.width, clean.height, widths[0])
            )
            # Widest first, each narrower one from the one before: resizing the
            # original for every width and format took most of an import's time.
            for width in widths:
                height = rendition_height(clean.width, clean.height, width)
                source = shrunk(source, width, height)
                for image_format in RENDITION_FORMATS:
                    clean.renditions[width, image_format] = encoded(
                        source, image_format
                    )
    except (
        OSError,
        ValueError,
        MemoryError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,  # an error: PhotosConfig
    ):
        clean.renditions.clear()
        raise ValidationError(
            _(
                "The image could not be resized for the site's pages, so it was not "
                "stored. Try a smaller image."
            ),
            code="renditions",
        ) from None
    return clean
