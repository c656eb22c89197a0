"""Photos of published stories: the editors' to change, never left without credit or
alt text, and a replaced image's files gone from public view."""

import html
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.models import Article
from newsroom import page_cache
from photos.models import Photo, ReplacedImage, private_storage
from tests.factories import make_article, make_photo
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db


def change_url(photo) -> str:
    return f"/admin/photos/photo/{photo.pk}/change/"


def form_data(photo, **fields) -> dict:
    """What the photo's change form posts: its current values, with `fields` changed."""
    data = {
        "caption_ru": photo.caption_ru,
        "caption_en": photo.caption_en,
        "alt_ru": photo.alt_ru,
        "alt_en": photo.alt_en,
        "credit_form": photo.credit_form,
        "photographer": photo.photographer_id or "",
        "credit_text": photo.credit_text,
        **fields,
    }
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def as_role(client, make_staff):
    def login(role: str, username: str | None = None):
        user = make_staff(role, username)
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return user

    return login


def correspondents_photo(user) -> Photo:
    return make_photo(uploaded_by=user, caption_en="Flooded street", alt_en="")


@pytest.mark.parametrize("placed", ["lead", "body"])
@pytest.mark.parametrize("when", ["published", "scheduled"])
def test_correspondent_cannot_change_a_photo_of_a_published_story(
    client, as_role, placed, when
):
    user = as_role("Correspondent")
    photo = correspondents_photo(user)
    published_at = timezone.now() + timedelta(hours=1 if when == "scheduled" else -1)
    if placed == "lead":
        make_article(lead_photo=photo, published_at=published_at)
    else:
        make_article(body=f"<p>[photo:{photo.pk}]</p>", published_at=published_at)
    image_before = photo.image.name

    page = client.get(change_url(photo))
    assert page.status_code == 200
    assert 'name="caption_en"' not in page.text  # shown read-only
    response = client.post(
        change_url(photo),
        form_data(
            photo,
            caption_en="Changed",
            credit_text="",
            image=SimpleUploadedFile("new.jpg", photo_bytes(size=(900, 600))),
        ),
    )
    assert response.status_code == 403
    photo.refresh_from_db()
    assert photo.caption_en == "Flooded street"
    assert photo.credit_text == "Highland Herald"
    assert photo.image.name == image_before


def test_correspondent_still_changes_their_own_photo_of_an_unpublished_story(
    client, as_role
):
    user = as_role("Correspondent")
    photo = correspondents_photo(user)
    make_article(lead_photo=photo, status=Article.Status.SUBMITTED)
    # A photo in a withdrawn story, or merely mentioned in a longer id, is not "used".
    make_article(lead_photo=photo, status=Article.Status.WITHDRAWN)
    make_article(body=f"<p>[photo:{photo.pk}0]</p>")
    response = client.post(change_url(photo), form_data(photo, caption_en="Better"))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption_en == "Better"


def test_editor_changes_a_photo_of_a_published_story(client, as_role):
    photo = make_photo()
    make_article(lead_photo=photo)
    as_role("Editor")
    response = client.post(change_url(photo), form_data(photo, caption_en="Fixed"))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption_en == "Fixed"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"credit_text": ""}, "credit_text", "credit"),
        ({"credit_form": ""}, "credit_form", "credit"),
        ({"alt_en": "", "caption_en": ""}, "alt_en", "alt text in English"),
    ],
)
def test_editor_cannot_empty_the_credit_or_alt_text_of_a_published_photo(
    client, as_role, fields, field, message
):
    photo = make_photo(alt_en="Flooded street")
    make_article(language="en", lead_photo=photo)
    as_role("Editor")
    response = client.post(change_url(photo), form_data(photo, **fields))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    text = html.unescape(str(errors[field]))
    assert message in text and "published story" in text, text
    photo.refresh_from_db()
    assert photo.credit("en") == "Photo: Highland Herald"


def test_the_model_refuses_an_emptied_credit_whoever_saves():
    photo = make_photo()
    make_article(language="ru", body=f"<p>[photo:{photo.pk}]</p>")
    photo.credit_form = ""
    with pytest.raises(ValidationError) as refused:
        photo.full_clean()
    assert refused.value.error_dict["credit_form"][0].code == "credit_in_use"
    # The other language's story is a draft: its empty alt text is no one's concern.
    photo.credit_form = Photo.Credit.PHOTO_AGENCY
    photo.alt_en = photo.caption_en = ""
    photo.full_clean()


def test_replacing_an_image_takes_its_old_files_out_of_public_view(
    client, as_role, media_root, django_capture_on_commit_callbacks
):
    editor = as_role("Editor")
    photo = make_photo()
    make_article(lead_photo=photo)
    old_original = photo.image.path
    old_content = Path(old_original).read_bytes()
    old_renditions = [photo.rendition(640, f).file.path for f in ("JPEG", "WEBP")]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(photo),
            form_data(
                photo,
                image=SimpleUploadedFile("new.jpg", photo_bytes(size=(900, 600))),
            ),
        )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (900, 600)
    public = {path for path in media_root.rglob("*") if path.is_file()}
    assert not {old_original, *old_renditions} & {str(path) for path in public}
    assert {str(path) for path in public} == {
        photo.image.path,
        *(rendition.file.path for rendition in photo.renditions.all()),
    }
    # The old original is kept out of the public folder, for the record.
    record = ReplacedImage.objects.get(photo=photo)
    assert record.replaced_by == editor
    assert private_storage().open(record.path).read() == old_content
    assert not private_storage().path(record.path).startswith(str(media_root))


def test_replacing_an_image_refreshes_cached_pages(client, as_role, page_cache_on):
    as_role("Editor")
    photo = make_photo()
    make_article(lead_photo=photo)
    before = page_cache.shared().get(page_cache.SEQUENCE_KEY)
    with page_cache_on():
        client.post(
            change_url(photo),
            form_data(photo, image=SimpleUploadedFile("new.png", photo_bytes("PNG"))),
        )
    assert page_cache.shared().get(page_cache.SEQUENCE_KEY) != before
