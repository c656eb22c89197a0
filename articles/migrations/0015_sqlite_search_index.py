"""SQLite's search index (articles/search_index.py): the FTS5 table, filled with the
stories already there. PostgreSQL searches its stored search vector instead."""

from django.db import migrations

from articles import search_index


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(search_index.CREATE)
    Article = apps.get_model("articles", "Article")
    stories = Article.objects.only("pk", *search_index.FIELDS)
    batch = []
    for story in stories.iterator(chunk_size=1000):
        batch.append(story)
        if len(batch) == 1000:
            search_index.index(batch)
            batch = []
    search_index.index(batch)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {search_index.TABLE}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_article_keys_required")]

    operations = [migrations.RunPython(create_index, drop_index)]
