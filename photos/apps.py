import warnings

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = _("Photos")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Every Pillow open in the process, not only uploads, refuses bombs: past
        # the limit Pillow only warns (up to twice it), so the warning is an error.
        # Set once here: catch_warnings() around each open is not thread-safe, and
        # imports read photos on several threads.
        Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
        warnings.filterwarnings("error", category=Image.DecompressionBombWarning)

        from background import clock
        from photos import tasks

        clock.every(60, tasks.resume_resizing)
