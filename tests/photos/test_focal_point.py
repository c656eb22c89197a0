"""The focal point: crops in fixed shapes cut around it, the cards that use them,
and the admin's lists that never load an original."""

import io
import json
import random
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from photos.images import CROPS, clean_image, crop_box
from photos.models import Photo, Rendition
from photos.rendering import make_renditions
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db

MARK = (255, 0, 0)


def marked_photo(size, focal) -> Photo:
    """A grey photo with a red disc where its subject is."""
    image = Image.new("RGB", size, (128, 128, 128))
    x, y = round(focal[0] * size[0]), round(focal[1] * size[1])
    ImageDraw.Draw(image).ellipse([x - 12, y - 12, x + 12, y + 12], fill=MARK)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    photo = Photo(
        caption_en="Subject",
        caption_ru="Объект",
        credit_form=Photo.Credit.PHOTO_AGENCY,
        credit_text="Highland Herald",
        focal_x=focal[0],
        focal_y=focal[1],
    )
    photo.store_image(clean_image(ContentFile(buffer.getvalue())))
    photo.save()
    make_renditions(photo)
    return photo


def shows_mark(path) -> bool:
    with Image.open(path) as image:
        pixels = image.convert("RGB").get_flattened_data()
        return any(r > 200 and g < 60 and b < 60 for r, g, b in pixels)


def test_every_crop_box_has_its_shape_and_holds_the_focal_point():
    chance = random.Random(7)
    for _round in range(2000):
        width, height = chance.randint(1, 5000), chance.randint(1, 5000)
        focal = (chance.random(), chance.random())
        for (ratio_x, ratio_y), _most in CROPS.values():
            left, top, right, bottom = crop_box(
                width, height, (ratio_x, ratio_y), focal
            )
            assert 0 <= left < right <= width and 0 <= top < bottom <= height
            # The point is inside (to the pixel), and the box is the largest fit.
            assert left <= focal[0] * width <= right
            assert top <= focal[1] * height <= bottom
            assert right - left == width or bottom - top == height
            if min(right - left, bottom - top) > 50:
                shape = (right - left) / (bottom - top)
                assert shape == pytest.approx(ratio_x / ratio_y, rel=0.03)


@pytest.mark.parametrize(
    ("size", "focal"),
    [
        ((3000, 1200), (0.92, 0.5)),
        ((900, 2400), (0.3, 0.08)),
        ((2400, 2000), (0.05, 0.95)),
    ],
)
def test_each_crop_shows_the_subject(media_root, size, focal):
    photo = marked_photo(size, focal)
    for shape, ((ratio_x, ratio_y), most) in CROPS.items():
        rendition = photo.cropped(shape)
        assert rendition.width <= most
        assert rendition.width / rendition.height == pytest.approx(
            ratio_x / ratio_y, rel=0.01
        )
        assert shows_mark(rendition.file.path), shape
    # A square cut at the centre would have lost the subject.
    with Image.open(photo.image.path) as whole:
        centred = whole.convert("RGB").crop(
            crop_box(*size, CROPS["square"][0], (0.5, 0.5))
        )
    assert not any(
        r > 200 and g < 60 and b < 60 for r, g, b in centred.get_flattened_data()
    )


def test_moving_the_focal_point_recuts_the_crops_and_drops_the_old(
    client, make_staff, media_root, django_capture_on_commit_callbacks
):
    photo = marked_photo((3000, 1000), (0.1, 0.5))
    old = photo.crops()
    assert all(shows_mark(rendition.file.path) for rendition in old.values())
    client.force_login(make_staff("Editor"))
    change = client.get(f"/admin/photos/photo/{photo.pk}/change/").text
    assert 'class="focal-point"' in change and "js/focal-point.js" in change
    data = {
        "caption_ru": "Объект",
        "caption_en": "Subject",
        "credit_form": "photo_agency",
        "credit_text": "Highland Herald",
        "focal_x": "0.9",
        "focal_y": "0.5",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/photos/photo/{photo.pk}/change/", data)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (0.9, 0.5)
    crops = photo.renditions.exclude(crop="")
    assert sorted(rendition.crop for rendition in crops) == sorted(
        photo.crop_name(shape) for shape in CROPS
    )
    for rendition in old.values():  # gone, files and all
        assert not Rendition.objects.filter(pk=rendition.pk).exists()
        assert not (media_root / rendition.file.name).exists()
    # The new square is cut at the right: the disc on the left is outside it.
    assert not shows_mark(photo.cropped("square").file.path)


def test_a_focal_point_out_of_the_photo_is_refused(client, make_staff, media_root):
    photo = make_photo()
    client.force_login(make_staff("Editor"))
    response = client.post(
        f"/admin/photos/photo/{photo.pk}/change/",
        {
            "caption_ru": "Подпись",
            "credit_form": "photo_agency",
            "credit_text": "Highland Herald",
            "focal_x": "1.5",
            "focal_y": "-0.2",
        },
    )
    assert response.status_code == 200 and response.context["errors"]
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (0.5, 0.5)


def test_cards_and_search_engines_get_the_crops(client, media_root):
    photo = marked_photo((3000, 1000), (0.9, 0.4))
    story = make_article(lead_photo=photo)
    page = client.get(story.get_absolute_url(), headers={"accept-language": "en"}).text
    card = re.search(r'<meta property="og:image" content="([^"]+)"', page)[1]
    social = photo.cropped("social")
    assert card.endswith(social.file.url)
    assert f'og:image:width" content="{social.width}"' in page
    assert f'og:image:height" content="{social.height}"' in page
    assert f'<meta name="twitter:image" content="{card}"' in page
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.+?)</script>', page)[1]
    )
    assert [url.rsplit("/", 1)[1] for url in data["image"]] == [
        photo.cropped(shape).file.name.rsplit("/", 1)[1]
        for shape in ("wide", "square", "social")
    ]
    assert shows_mark(social.file.path)


def test_the_photo_list_loads_small_renditions_never_the_originals(
    client, make_staff, media_root
):
    """50 photos of several megabytes each: the list page's images stay small."""
    big = make_photo(size=(4000, 3000))
    for width in (320, 640):
        big.rendition(width, "JPEG")
    renditions = list(big.renditions.all())
    # Fifty photos sharing the big one's files (resizing 50 originals is slow).
    for number in range(49):
        copy = Photo.objects.create(
            image=big.image.name,
            width=big.width,
            height=big.height,
            caption_en=f"Photo {number}",
            credit_form=Photo.Credit.PHOTO_AGENCY,
            credit_text="Highland Herald",
        )
        Rendition.objects.bulk_create(
            Rendition(
                photo=copy,
                width=each.width,
                height=each.height,
                format=each.format,
                file=each.file.name,
            )
            for each in renditions
        )
    client.force_login(make_staff("Editor"))
    page = client.get("/admin/photos/photo/").text
    media_url = "/media/"
    sources = re.findall(rf'<img src="({media_url}[^"]+)"', page)
    assert len(sources) == 50
    weight = sum(
        (media_root / source.removeprefix(media_url)).stat().st_size
        for source in sources
    )
    original = (media_root / big.image.name).stat().st_size
    assert big.image.url not in page
    assert weight < 50 * 64 * 1024 < 50 * original  # under 64 KB a photo


def test_a_page_stays_up_when_a_crop_cannot_be_cut(client, media_root, caplog):
    """An imported photo's crops are cut by the first page that needs them: an
    original missing from storage costs the card, never the page."""
    photo = make_photo()
    make_renditions(photo, crops=False)
    photo.image.storage.delete(photo.image.name)
    story = make_article(lead_photo=photo)
    page = client.get(story.get_absolute_url(), headers={"accept-language": "en"})
    assert page.status_code == 200
    assert 'property="og:image"' not in page.text
    assert "<figure" in page.text  # the renditions made earlier still show
    assert not photo.renditions.exclude(crop="").exists()
    assert f"Photo {photo.pk}: its social crop could not be cut" in caplog.text
