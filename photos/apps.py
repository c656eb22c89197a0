from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = _("Photos")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Every Pillow open in the process, not only uploads, refuses bombs.
        Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS

        from background import clock
        from photos import tasks

        clock.every(60, tasks.resume_resizing)
