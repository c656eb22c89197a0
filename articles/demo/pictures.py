"""Demo photos drawn with Pillow: simple landscapes, no downloads needed."""

import io
import random

from PIL import Image, ImageDraw

SKIES = {
    "dusk": ((38, 52, 96), (236, 160, 98)),
    "lake": ((120, 170, 214), (224, 236, 244)),
    "mountains": ((70, 110, 170), (210, 226, 240)),
    "steppe": ((150, 190, 230), (246, 232, 190)),
    "sea": ((90, 150, 200), (236, 240, 246)),
}


def landscape(scene: str, width: int = 1600, height: int = 1000) -> bytes:
    """A JPEG of a sky gradient over layered hills, the same for the same scene."""
    rng = random.Random(scene)
    top, bottom = SKIES[scene]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        share = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(
                round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True)
            ),
        )
    for layer in range(4):
        base = height * (0.45 + 0.14 * layer)
        points = [(0, height)]
        for x in range(0, width + 80, 80):
            points.append((x, base - rng.uniform(0, height * 0.18)))
        points.append((width, height))
        shade = 40 + 30 * layer
        draw.polygon(points, fill=(shade // 2, shade, shade // 2 + 10))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
