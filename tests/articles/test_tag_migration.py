"""The migration that carries taggit's tags over to tags named per language."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("articles", "0010_recall_step")]
AFTER = [("articles", "0011_tags_per_language")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def whole_schema_after():
    """Every migration applied again afterwards, later ones included: the tests that
    run next in this process need the whole schema."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_each_tag_is_named_in_its_language_and_keeps_its_id_and_stories():
    apps = migrate(BEFORE)
    OldTag = apps.get_model("taggit", "Tag")
    Article = apps.get_model("articles", "Article")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    stories = {
        language: [
            Article.objects.create(
                language=language,
                headline=f"{language} {n}",
                status="published",
                published_at=timezone.now(),
            )
            for n in range(3)
        ]
        for language in ("ru", "en")
    }
    tags = {
        name: OldTag.objects.create(name=name, slug=slug)
        for name, slug in [
            ("Выборы", "выборы"),
            ("Courts", "courts"),
            ("2024", "2024"),  # no letters: its stories are English
            ("G20 саммит", "g20-саммит"),  # both alphabets: its stories are English
            ("NATO и ОДКБ", "nato-и-одкб"),  # both: Russian stories
        ]
    }
    links = {
        "Выборы": stories["ru"][:1],
        "Courts": stories["en"][:1],
        "2024": [*stories["en"], stories["ru"][0]],
        "G20 саммит": stories["en"][:2],
        "NATO и ОДКБ": stories["ru"][:2],
    }
    for name, tagged in links.items():
        for story in tagged:
            TaggedArticle.objects.create(tag_id=tags[name].pk, content_object=story)

    apps = migrate(AFTER)
    Tag = apps.get_model("articles", "Tag")
    FormerTagSlug = apps.get_model("articles", "FormerTagSlug")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")

    def carried(name):
        tag = Tag.objects.get(pk=tags[name].pk)
        return tag.name_ru, tag.name_en, tag.slug_ru, tag.slug_en

    assert carried("Выборы") == ("Выборы", "", "выборы", "")
    assert carried("Courts") == ("", "Courts", "", "courts")
    assert carried("2024") == ("", "2024", "", "2024")
    assert carried("G20 саммит") == ("", "G20 саммит", "", "g20-sammit")
    assert carried("NATO и ОДКБ") == ("NATO и ОДКБ", "", "nato-и-одкб", "")
    # A Cyrillic English slug was remade: the old one redirects.
    assert list(FormerTagSlug.objects.values_list("language", "slug", "tag")) == [
        ("en", "g20-саммит", tags["G20 саммит"].pk)
    ]
    for name, tagged in links.items():
        assert sorted(
            TaggedArticle.objects.filter(tag_id=tags[name].pk).values_list(
                "content_object", flat=True
            )
        ) == sorted(story.pk for story in tagged)
    # A new tag takes an id of its own, after the carried ones.
    new = Tag.objects.create(name_en="Floods", slug_en="floods", lookup_en="floods")
    assert new.pk > max(tag.pk for tag in tags.values())
    assert Tag.objects.get(lookup_ru="выборы").pk == tags["Выборы"].pk
