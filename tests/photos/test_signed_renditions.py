"""Content Credentials on the site: every public file of a published photo signed,
the page that says what they hold, and the original kept out of view."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles import workflow
from photos import credentials
from photos.models import Photo, Photographer, Rendition
from tests.disclaimers.conftest import LABEL_2022
from tests.factories import make_article, make_photo
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


@pytest.fixture
def uploaded(client, make_staff, media_root, django_capture_on_commit_callbacks):
    """A photo uploaded through the admin, with the GPS and camera of its camera,
    its renditions made by the worker."""
    photographer = Photographer.objects.create(
        name_en="Nina Beridze", name_ru="Нина Беридзе"
    )
    client.force_login(make_staff("Editor"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/photos/photo/add/",
            {
                "image": SimpleUploadedFile("dsc.jpg", photo_bytes("JPEG")),
                "caption_en": "Flooded street",
                "caption_ru": "Затопленная улица",
                "credit_form": "photo_by_for_agency",
                "photographer": photographer.pk,
            },
        )
    assert response.status_code == 302
    client.logout()
    return Photo.objects.get()


def published(photo: Photo, make_staff) -> tuple:
    story = make_article(language="en", lead_photo=photo, status="submitted")
    body = make_article(language="en", body=f"<p>Text.</p><p>[photo:{photo.pk}]</p>")
    workflow.publish(story, make_staff("Editor", username="desk"))
    return story, body


def test_every_public_file_of_a_published_photo_is_signed(
    c2pa_trusted, uploaded, make_staff
):
    published(uploaded, make_staff)
    files = list(uploaded.renditions.all())
    # 4 widths x 2 formats, and the 3 crops.
    assert len(files) == 11
    for rendition in files:
        content = rendition.file.read()
        found = credentials.read(content, rendition.format)
        assert found is not None and found.trusted, (rendition, found)
        assert found.author == "Нина Беридзе / Nina Beridze"
        assert "Nina Beridze" in found.credit and "Highland Herald" in found.credit
        assert credentials.RESIZED in found.actions
        assert (credentials.CROPPED in found.actions) == bool(rendition.crop)
        # What stripping removed is never put back, in the file or its manifest.
        for secret in (b"Canon", b"EOS R6", b"GPS", b"SerialNumber"):
            assert secret not in content


def test_the_page_links_each_photo_to_what_its_files_say(
    client, c2pa_trusted, uploaded, make_staff, labels
):
    story, _body = published(uploaded, make_staff)
    page = client.get(story.get_absolute_url(), headers=ENGLISH).text
    link = f"/en/photos/{uploaded.key}/credentials/"
    assert page.count(f'href="{link}"') == 1
    view = client.get(link, headers=ENGLISH)
    assert view.status_code == 200
    text = view.text
    assert "signed by a certificate this site trusts" in text
    assert (
        "Нина Беридзе / Nina Beridze" in text and "Highland Herald Test Signer" in text
    )
    assert "photographed, resized, published" in text
    assert LABEL_2022 in text  # a page of the site, labelled as every page


def test_a_photo_no_live_story_shows_has_no_credentials_page(
    client, c2pa_trusted, uploaded
):
    response = client.get(f"/en/photos/{uploaded.key}/credentials/", headers=ENGLISH)
    assert response.status_code == 404


def test_a_tampered_file_is_shown_as_such(client, c2pa_trusted, uploaded, make_staff):
    published(uploaded, make_staff)
    largest = max(
        uploaded.renditions.filter(format="JPEG", crop=""), key=lambda r: r.width
    )
    content = bytearray(largest.file.read())
    content[-200] ^= 0xFF  # a changed pixel, somewhere near the end
    with open(largest.file.path, "wb") as file:
        file.write(content)
    text = client.get(f"/en/photos/{uploaded.key}/credentials/", headers=ENGLISH).text
    assert "credentials do not hold" in text


def test_a_new_credit_signs_the_files_again(
    client, c2pa_trusted, uploaded, make_staff, django_capture_on_commit_callbacks
):
    old = {rendition.file.name for rendition in uploaded.renditions.all()}
    client.force_login(make_staff("Editor", username="photo-editor"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/photos/photo/{uploaded.pk}/change/",
            {
                "caption_en": "Flooded street",
                "caption_ru": "Затопленная улица",
                "credit_form": "photo_agency",
                "credit_text": "Caucasus Photo",
                "focal_x": "0.5",
                "focal_y": "0.5",
            },
        )
    assert response.status_code == 302
    files = list(uploaded.renditions.all())
    assert len(files) == 11 and not old & {rendition.file.name for rendition in files}
    for rendition in files:
        found = credentials.read(rendition.file.read(), rendition.format)
        assert found.credit == "Фото: Caucasus Photo / Photo: Caucasus Photo"
        assert found.author == ""


def test_signing_off_leaves_files_unsigned_and_no_link(client, uploaded, make_staff):
    story, _body = published(uploaded, make_staff)
    for rendition in uploaded.renditions.all():
        assert credentials.read(rendition.file.read(), rendition.format) is None
    page = client.get(story.get_absolute_url(), headers=ENGLISH).text
    assert "/credentials/" not in page


def test_partners_and_readers_never_get_the_original(
    client, c2pa_trusted, uploaded, make_staff, settings
):
    story, _body = published(uploaded, make_staff)
    original = uploaded.image.url
    page = client.get(story.get_absolute_url(), headers=ENGLISH).text
    feed = client.get("/api/ninjs/", headers=ENGLISH).text
    assert original not in page and original not in feed
    hrefs = re.findall(r'"href": ?"([^"]+)"', feed)
    renditions = {rendition.file.url for rendition in uploaded.renditions.all()}
    assert hrefs and all(
        any(href.endswith(url) for url in renditions) for href in hrefs
    )
    assert Rendition.objects.filter(photo=uploaded).exists()


def test_sign_photos_signs_the_files_made_before_signing_was_on(
    settings, uploaded, c2pa_chain, django_capture_on_commit_callbacks
):
    # `uploaded` was made with signing off; c2pa_chain turned it on afterwards.
    assert all(
        credentials.read(rendition.file.read(), rendition.format) is None
        for rendition in uploaded.renditions.all()
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sign_photos", stdout=out)
    assert "1 photos queued" in out.getvalue()
    files = list(uploaded.renditions.all())
    assert len(files) == 11
    for rendition in files:
        assert credentials.read(rendition.file.read(), rendition.format) is not None


def test_sign_photos_refuses_without_a_certificate(uploaded):
    with pytest.raises(CommandError, match="Signing is off"):
        call_command("sign_photos", stdout=io.StringIO())


def test_a_broken_key_leaves_files_unsigned_not_missing(
    settings, c2pa_chain, tmp_path, media_root, caplog
):
    broken = tmp_path / "broken-key.pem"
    broken.write_text("not a key")
    settings.C2PA_SIGNING_KEY_FILE = str(broken)
    photo = make_photo()
    rendition = photo.rendition(320, "JPEG")
    assert credentials.read(rendition.file.read(), "JPEG") is None
    assert "left unsigned" in caplog.text and "broken-key.pem" in caplog.text
    with pytest.raises(CommandError, match=r"broken-key\.pem"):
        call_command("sign_photos", stdout=io.StringIO())
