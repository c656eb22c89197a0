from django.db import migrations, models

# Names of the stored material's text references (record/material.py).
KEPT_APART = ("lead", "body")
KEPT_APART_LISTS = ("labels", "footnotes")


def name_texts_by_hash(apps, schema_editor):
    """Entries refer to their texts by SHA-256 instead of by row id. The parts are
    not hashed into any entry (its material's hash is), so the chain is unchanged;
    the append-only trigger steps aside for this one rewrite."""
    Text = apps.get_model("record", "Text")
    rename_refs(apps, schema_editor, dict(Text.objects.values_list("pk", "sha256")))


def name_texts_by_id(apps, schema_editor):
    Text = apps.get_model("record", "Text")
    rename_refs(apps, schema_editor, dict(Text.objects.values_list("sha256", "pk")))


def rename_refs(apps, schema_editor, hashes: dict):
    Entry = apps.get_model("record", "Entry")
    if not hashes:
        return
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(
            "ALTER TABLE record_entry DISABLE TRIGGER record_entry_append_only"
        )
    changed = []
    for entry in Entry.objects.only("parts").iterator(chunk_size=2000):
        parts = dict(entry.parts)
        for name in KEPT_APART:
            parts[name] = hashes.get(parts[name], parts[name])
        for name in KEPT_APART_LISTS:
            parts[name] = [hashes.get(ref, ref) for ref in parts[name]]
        entry.parts = parts
        changed.append(entry)
        if len(changed) == 2000:
            Entry.objects.bulk_update(changed, ["parts"])
            changed = []
    Entry.objects.bulk_update(changed, ["parts"])
    if postgresql:
        schema_editor.execute(
            "ALTER TABLE record_entry ENABLE TRIGGER record_entry_append_only"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("record", "0001_record"),
    ]

    operations = [
        migrations.RunPython(name_texts_by_hash, name_texts_by_id),
        migrations.RemoveField(
            model_name="text",
            name="id",
        ),
        migrations.AlterField(
            model_name="text",
            name="sha256",
            field=models.CharField(max_length=64, primary_key=True, serialize=False),
        ),
    ]
