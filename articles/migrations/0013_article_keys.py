"""Every story gets a key (a UUID): its identity in exports and imports.

Filled by one statement per table, so a million stories take seconds; the history
rows of a story carry its key, those of a deleted story a key of its own.
"""

from django.db import migrations, models

RANDOM_UUID = {
    "postgresql": "gen_random_uuid()",
    "sqlite": "lower(hex(randomblob(16)))",  # Django keeps UUIDs as 32 hex digits
}


def fill_keys(apps, schema_editor):
    random_uuid = RANDOM_UUID[schema_editor.connection.vendor]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'UPDATE articles_article SET "key" = {random_uuid}')
        cursor.execute(
            'UPDATE articles_historicalarticle SET "key" = (SELECT a."key" FROM '
            "articles_article a WHERE a.id = articles_historicalarticle.id)"
        )
        # A deleted story's history rows: one key for the story.
        cursor.execute(
            "CREATE TEMPORARY TABLE deleted_story_keys AS SELECT id, "
            f'{random_uuid} AS "key" FROM (SELECT DISTINCT id FROM '
            'articles_historicalarticle WHERE "key" IS NULL) AS deleted'
        )
        cursor.execute(
            'UPDATE articles_historicalarticle SET "key" = (SELECT d."key" FROM '
            "deleted_story_keys d WHERE d.id = articles_historicalarticle.id) "
            'WHERE "key" IS NULL'
        )
        cursor.execute("DROP TABLE deleted_story_keys")


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_proposed_changes")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="key",
            field=models.UUIDField(editable=False, null=True, verbose_name="key"),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="key",
            field=models.UUIDField(editable=False, null=True, verbose_name="key"),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
