"""Every photo gets a key (a UUID): exports name it, and bodies exported refer to it."""

from django.db import migrations, models

RANDOM_UUID = {
    "postgresql": "gen_random_uuid()",
    "sqlite": "lower(hex(randomblob(16)))",  # Django keeps UUIDs as 32 hex digits
}


def fill_keys(apps, schema_editor):
    random_uuid = RANDOM_UUID[schema_editor.connection.vendor]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'UPDATE photos_photo SET "key" = {random_uuid}')


class Migration(migrations.Migration):
    dependencies = [("photos", "0002_replaced_images_kept_privately")]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="key",
            field=models.UUIDField(editable=False, null=True, verbose_name="key"),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
