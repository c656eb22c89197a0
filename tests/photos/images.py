"""Real image files made in the tests: with GPS and a camera serial, broken, hostile."""

import io

from PIL import Image, ImageDraw
from PIL.ExifTags import GPS, IFD, Base

SERIAL = "SN-CAMERA-93817"


def photo_bytes(
    image_format="JPEG", size=(1600, 1000), orientation=None, exif=True
) -> bytes:
    image = Image.new("RGB", size, (40, 90, 140))
    ImageDraw.Draw(image).rectangle(
        [0, 0, size[0] // 2, size[1] // 3], fill=(220, 180, 40)
    )
    buffer = io.BytesIO()
    options = {}
    if exif:
        tags = Image.Exif()
        tags[Base.Make] = "Canon"
        tags[Base.Model] = "EOS R6"
        if orientation:
            tags[Base.Orientation] = orientation
        tags.get_ifd(IFD.Exif)[Base.BodySerialNumber] = SERIAL
        gps = tags.get_ifd(IFD.GPSInfo)
        gps[GPS.GPSLatitudeRef] = "N"
        gps[GPS.GPSLatitude] = (43.0, 1.0, 30.0)
        gps[GPS.GPSLongitudeRef] = "E"
        gps[GPS.GPSLongitude] = (47.0, 30.0, 15.0)
        options["exif"] = tags
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def png_with_location_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Location", "43.0252 N, 47.5042 E")
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), "green").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def bomb_bytes() -> bytes:
    """A tiny PNG that claims to be 20000 x 20000 pixels."""
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def mpo_bytes(size=(1200, 800)) -> bytes:
    """A multi-picture JPEG, as many phones write: the photo and a second frame."""
    buffer = io.BytesIO()
    first = Image.new("RGB", size, (200, 40, 40))
    second = Image.new("RGB", size, (40, 40, 200))
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()
