"""manage.py sign_photos: sign the files of every photo, once signing is set up."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from background.queue import enqueue_with
from photos import credentials
from photos.models import Photo
from photos.tasks import sign_again


class Command(BaseCommand):
    help = (
        "Queue every photo's renditions to be made again and signed with the "
        "agency's Content Credentials (after C2PA_SIGNING_KEY_FILE and "
        "C2PA_CERTIFICATE_CHAIN_FILE are first set, or the certificate changed)."
    )

    def handle(self, *args, **options):
        if not credentials.signing_enabled():
            raise CommandError(
                "Signing is off: set C2PA_SIGNING_KEY_FILE and "
                "C2PA_CERTIFICATE_CHAIN_FILE first."
            )
        try:
            credentials.check_signing_material()  # a bad file named now, not later
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        count = 0
        for pk in Photo.objects.exclude(image="").values_list("pk", flat=True):
            enqueue_with(sign_again, pk)
            count += 1
        self.stdout.write(f"{count} photos queued to be signed by the worker.")
