"""import_wordpress: a WordPress export (WXR) becomes stories, photos and all."""

import io
import json
from contextlib import suppress
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from archive.models import LegacyId
from articles.models import Article
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Горный вестник</title>
  <language>ru-RU</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login><![CDATA[aliev]]></wp:author_login>
    <wp:author_display_name><![CDATA[Руслан Алиев]]></wp:author_display_name></wp:author>
  <wp:author><wp:author_login><![CDATA[nino]]></wp:author_login>
    <wp:author_display_name><![CDATA[Nino Beridze]]></wp:author_display_name></wp:author>
"""
TAIL = "</channel></rss>\n"


def item(post_id, title, **fields) -> str:
    """One <item>: a published post unless told otherwise."""
    meta = "".join(
        f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        for key, value in fields.get("meta", {}).items()
    )
    terms = "".join(
        f'<category domain="{domain}" nicename="{slug}"><![CDATA[{name}]]></category>'
        for domain, slug, name in fields.get("terms", [])
    )
    return f"""<item>
  <title><![CDATA[{title}]]></title>
  <guid isPermaLink="false">https://old.example/?p={post_id}</guid>
  <dc:creator><![CDATA[{fields.get("creator", "aliev")}]]></dc:creator>
  <content:encoded><![CDATA[{fields.get("content", "Первый абзац.\n\nВторой абзац.")}]]></content:encoded>
  <excerpt:encoded><![CDATA[{fields.get("excerpt", "")}]]></excerpt:encoded>
  <wp:post_id>{post_id}</wp:post_id>
  <wp:post_date><![CDATA[{fields.get("date", "2024-03-14 18:05:00")}]]></wp:post_date>
  <wp:post_date_gmt><![CDATA[{fields.get("gmt", "2024-03-14 15:05:00")}]]></wp:post_date_gmt>
  <wp:post_name><![CDATA[{fields.get("slug", "")}]]></wp:post_name>
  <wp:status><![CDATA[{fields.get("status", "publish")}]]></wp:status>
  <wp:post_type><![CDATA[{fields.get("type", "post")}]]></wp:post_type>
  <wp:attachment_url>{fields.get("url", "")}</wp:attachment_url>
  {terms}{meta}
</item>
"""


@pytest.fixture
def export(tmp_path):
    """A Russian post with its WPML English translation, two authors, categories,
    tags and a featured image; a page, a trashed post and a post without a date."""
    uploads = tmp_path / "uploads" / "2024" / "03"
    uploads.mkdir(parents=True)
    (uploads / "dam.jpg").write_bytes(photo_bytes())
    wpml = {"_wpml_import_translation_group": "7"}
    xml = (
        HEAD
        + item(
            10,
            "Прорыв дамбы в Дагестане",
            excerpt="Эвакуированы три села.",
            slug="proryv-damby",
            terms=[
                ("category", "dagestan", "Дагестан"),
                ("category", "uncategorized", "Без рубрики"),
                ("post_tag", "floods", "Наводнения"),
                ("author", "cap-nino", "nino"),
            ],
            meta={**wpml, "_wpml_import_language_code": "ru", "_thumbnail_id": 30},
        )
        + item(
            30,
            "dam",
            type="attachment",
            status="inherit",
            excerpt="Плотина после прорыва",
            url="https://old.example/wp-content/uploads/2024/03/dam.jpg",
            meta={"_wp_attachment_image_alt": "Разрушенная плотина"},
        )
        + item(
            11,
            "Dam breaks in Dagestan",
            creator="nino",
            content="<p>Water reached the valley.</p>",
            gmt="2024-03-14 17:00:00",
            terms=[("category", "dagestan", "Dagestan")],
            meta={
                **wpml,
                "_wpml_import_language_code": "en",
                "_wpml_import_source_language_code": "ru",
            },
        )
        + item(12, "О редакции", type="page")
        + item(13, "Удалённая заметка", status="trash")
        + item(14, "Заметка из будущего", date="2099-01-01 00:00:00", gmt=NO_GMT)
        + TAIL
    )
    path = tmp_path / "export.xml"
    path.write_text(xml, encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "regions": {"dagestan": {"name_ru": "Дагестан", "name_en": "Dagestan"}},
                "skip": ["uncategorized"],
                "photo_credit": {"form": "photo_agency", "text": "Горный вестник"},
            }
        ),
        encoding="utf-8",
    )
    return path, tmp_path / "uploads", mapping


NO_GMT = "0000-00-00 00:00:00"


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    with suppress(CommandError):  # a failed item: exit 1, reported on stderr
        call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_posts_become_stories_with_photo_authors_region_tags_and_translation(export):
    path, media, mapping = export

    _out, err = run(path, "--media", str(media), "--mapping", str(mapping))

    original = Article.objects.get(legacy__legacy_id="10")
    assert original.language == "ru" and original.status == "published"
    assert original.headline == "Прорыв дамбы в Дагестане"
    assert original.lead == "Эвакуированы три села."
    assert original.body == "<p>Первый абзац.</p><p>Второй абзац.</p>"
    assert original.published_at == datetime(2024, 3, 14, 15, 5, tzinfo=UTC)
    authors = original.authors.order_by("bylines__position")
    assert [(a.name_ru, a.name_en) for a in authors] == [
        ("Руслан Алиев", "Ruslan Aliev"),  # its English name transliterated
        ("", "Nino Beridze"),
    ]
    assert original.region.name_en == "Dagestan"
    assert [tag.name_ru for tag in original.tags.all()] == ["Наводнения"]
    photo = original.lead_photo
    assert (photo.caption_ru, photo.alt_ru) == (
        "Плотина после прорыва",
        "Разрушенная плотина",
    )
    assert photo.credit("ru") and photo.width > 0

    translation = Article.objects.get(legacy__legacy_id="11")
    assert translation.language == "en" and translation.translation_of == original
    assert translation.region == original.region
    # Pages and the bin are left out; a bad post is named by its item and post id.
    assert Article.objects.count() == 2
    assert "item 6 (post 14): published_at:" in err


def test_a_second_import_changes_nothing(export):
    path, media, mapping = export
    run(path, "--media", str(media), "--mapping", str(mapping))

    out, _err = run(path, "--media", str(media), "--mapping", str(mapping))

    assert "0 created, 0 updated, 2 unchanged" in out
    assert LegacyId.objects.count() == 2


def test_a_dry_run_writes_nothing(export):
    path, media, mapping = export

    out, _err = run(path, "--media", str(media), "--mapping", str(mapping), "--dry-run")

    assert out.startswith("Dry run, nothing written")
    assert not Article.objects.exists()


def test_a_featured_image_without_a_credit_fails_its_post_alone(export):
    path, media, _mapping = export

    _out, err = run(path, "--media", str(media))

    assert "item 1 (post 10): published photo without a credit" in err
    assert Article.objects.filter(legacy__legacy_id="11").exists()


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"not xml at all", "not a readable WordPress export"),
        (b"<rss><channel><item>", "not a readable WordPress export"),
    ],
)
def test_a_broken_export_is_refused_whole(tmp_path, content, reason):
    path = tmp_path / "broken.xml"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=reason):
        call_command("import_wordpress", str(path), stdout=io.StringIO())
    assert not Article.objects.exists()


def test_an_older_export_with_cyrillic_slugs_headings_and_brackets(tmp_path):
    body = '<h2>Что известно</h2>\n\nВода поднялась [sic].\n\n[caption id="1"]Дамба[/caption]'
    xml = (
        HEAD.replace("export/1.2/", "export/1.1/")
        + item(
            20,
            "Дамба",
            slug="%d0%b4%d0%b0%d0%bc%d0%b1%d0%b0",
            content=body,
        ).replace("export/1.2/", "export/1.1/")
        + TAIL
    )
    path = tmp_path / "old.xml"
    path.write_text(xml, encoding="utf-8")

    run(path)

    story = Article.objects.get(legacy__legacy_id="20")
    assert story.slug == "damba"
    assert story.body == (
        "<h2>Что известно</h2><p>Вода поднялась [sic].</p><p>Дамба</p>"
    )


def test_a_cyrillic_slug_maps_as_read_and_a_bad_time_zone_is_refused(export):
    path, media, mapping = export
    data = json.loads(mapping.read_text(encoding="utf-8"))
    data["regions"] = {"дагестан": {"name_ru": "Дагестан", "name_en": "Dagestan"}}
    mapping.write_text(json.dumps(data), encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace(
        'nicename="dagestan"',
        'nicename="%d0%b4%d0%b0%d0%b3%d0%b5%d1%81%d1%82%d0%b0%d0%bd"',
    )
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError, match="--time-zone MSK: not a time zone"):
        call_command(
            "import_wordpress", str(path), "--time-zone", "MSK", stdout=io.StringIO()
        )
    run(path, "--media", str(media), "--mapping", str(mapping))

    assert Article.objects.get(legacy__legacy_id="10").region.name_en == "Dagestan"
