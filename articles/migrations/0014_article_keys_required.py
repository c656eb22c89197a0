import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_article_keys")]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="key",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="key"
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticle",
            name="key",
            field=models.UUIDField(
                db_index=True, default=uuid.uuid4, editable=False, verbose_name="key"
            ),
        ),
    ]
