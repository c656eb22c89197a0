"""A withdrawn story leaves the site with everything it had, and an editor brings it back."""

import pytest

from articles.models import Article, Correction
from articles.preview import preview_url
from tests.factories import make_article, make_author, make_photo, names_of_tags

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"


def kept(article: Article) -> dict:
    """What a story holds, read afresh from the database."""
    article = Article.objects.get(pk=article.pk)
    return {
        "text": (article.headline, article.lead, article.body),
        "published_at": article.published_at,
        "tags": names_of_tags(article),
        "authors": list(article.bylines.values_list("author__name_en", "position")),
        "lead_photo": article.lead_photo_id,
        "photo_ids": article.photo_ids(),
        "corrections": list(article.corrections.values_list("text", flat=True)),
        "revisions": list(article.history.values_list("headline", "body")),
    }


def test_withdrawing_and_republishing_keeps_text_history_and_photos(
    client, make_staff, media_root
):
    editor = make_staff("Editor")
    lead, inside = make_photo(), make_photo()
    story = make_article(
        tags=["courts", "elections"],
        authors=[make_author(name_en="Ruslan Aliev"), make_author()],
        lead_photo=lead,
    )
    Correction.objects.create(article=story, text="The date was corrected.")
    # A revision of its own: the body gains a photo.
    story.body = f"<p>Body.</p><p>[photo:{inside.pk}]</p>"
    story.save()
    client.force_login(editor)
    before = kept(story)
    assert before["photo_ids"] == [lead.pk, inside.pk]
    assert len(before["revisions"]) == 2
    files = {
        p.image.name: (media_root / p.image.name).read_bytes() for p in (lead, inside)
    }
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200

    withdrawn = client.post(
        f"{ADMIN}{story.pk}/workflow/withdraw/", {"comment": "Court order"}
    )
    assert withdrawn.status_code == 302
    assert Article.objects.get(pk=story.pk).status == Article.Status.WITHDRAWN
    # Off the site: the editor is led to its preview, readers get the notice (410).
    staff_view = client.get(story.get_absolute_url())
    assert staff_view.status_code == 302
    assert staff_view["Location"] == preview_url(story)
    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 410
    client.force_login(editor)
    # Out of sight, not lost: the same text, tags, authors, photos and revisions.
    after = kept(story)
    assert after["revisions"][1:] == before["revisions"]  # one more: the withdrawal
    assert {**after, "revisions": None} == {**before, "revisions": None}
    for name, content in files.items():
        assert (media_root / name).read_bytes() == content
    form = client.get(f"{ADMIN}{story.pk}/change/")
    assert form.status_code == 200
    assert 'name="_step" value="publish"' in form.text
    assert "Court order" in form.text

    client.post(f"{ADMIN}{story.pk}/workflow/publish/")
    back = kept(story)
    assert {**back, "revisions": None} == {**before, "revisions": None}
    assert back["revisions"][2:] == before["revisions"]
    assert list(
        Article.objects.get(pk=story.pk).events.values_list("action", "actor")
    ) == [("publish", editor.pk), ("withdraw", editor.pk)]
    client.logout()
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert story.headline in page.text
    assert f"/media/renditions/{inside.pk}-" in page.text  # the body photo is back


def test_only_an_editor_brings_a_withdrawn_story_back(client, make_staff):
    correspondent = make_staff("Correspondent")
    story = make_article(status=Article.Status.WITHDRAWN, created_by=correspondent)
    client.force_login(correspondent)
    client.post(f"{ADMIN}{story.pk}/workflow/publish/")
    assert Article.objects.get(pk=story.pk).status == Article.Status.WITHDRAWN
    client.force_login(make_staff("Editor"))
    client.post(f"{ADMIN}{story.pk}/workflow/publish/")
    assert Article.objects.published().filter(pk=story.pk).exists()
