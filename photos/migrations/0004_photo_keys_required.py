import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("photos", "0003_photo_keys")]

    operations = [
        migrations.AlterField(
            model_name="photo",
            name="key",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="key"
            ),
        ),
    ]
