"""The photos' background work."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from background.models import FailedTask
from background.queue import background_task
from newsroom import page_cache
from photos.models import Photo, Rendition

# What a photo's signed files say of it (its credit), by field.
CREDITED = {"credit_form", "photographer", "credit_text"}

# An upload still unresized after this long had its task lost: it is asked again.
RESIZE_LOST_AFTER = timedelta(minutes=10)


@background_task()
def make_renditions(photo_id: int, image: str = "") -> int:
    """Every size and format of an uploaded photo, for its pages (safe to repeat: a
    rendition made already is kept). The photo's row is held while they are made,
    so a replacement waits and then clears them; an image replaced meanwhile is
    left to its own task. Returns how many renditions the photo has."""
    from photos.rendering import make_renditions as make

    with transaction.atomic():
        photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or (image and photo.image.name != image):
            return 0  # deleted, or replaced since: not this task's image
        make(photo)
        Photo.objects.filter(pk=photo_id).update(resizing_since=None)
        return photo.renditions.count()


@background_task()
def recrop(photo_id: int) -> int:
    """A photo's focal point moved: its crops are cut again around it, and those
    of earlier points deleted. Returns how many went."""
    with transaction.atomic():
        photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or not photo.image:
            return 0
        current = {rendition.crop for rendition in photo.crops().values()}
        stale = photo.renditions.exclude(crop="").exclude(crop__in=current)
        return replaced(photo, stale)


@background_task()
def sign_again(photo_id: int) -> int:
    """The credit a photo's files carry changed (its form, text or photographer):
    every rendition is made again and signed with it. Returns how many went."""
    from photos.rendering import make_renditions as make

    with transaction.atomic():
        photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or not photo.image:
            return 0
        went = replaced(photo, photo.renditions.all())
        make(photo)
        return went


def replaced(photo: Photo, renditions) -> int:
    """Delete `renditions`, their files once committed, and refresh the pages
    showing the photo: they named those files."""
    files = list(renditions.values_list("file", flat=True))
    Rendition.objects.filter(file__in=files, photo=photo).delete()
    if files and photo.live_languages(fresh=True):
        page_cache.changed()

    def delete_files():
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
    return len(files)


@background_task(attempts=1)
def resume_resizing() -> int:
    """On the worker's clock: uploads whose resizing was lost (a queue down at the
    wrong moment) are queued again; those that failed for good wait for Retry."""
    lost = Photo.objects.filter(
        resizing_since__lt=timezone.now() - RESIZE_LOST_AFTER
    ).exclude(
        pk__in=[
            failed.args[0]
            for failed in FailedTask.objects.filter(
                task_path=make_renditions.module_path, retried_at__isnull=True
            )
            if failed.args
        ]
    )
    count = 0
    for photo in lost:
        Photo.objects.filter(pk=photo.pk).update(resizing_since=timezone.now())
        make_renditions.enqueue(photo.pk, photo.image.name)
        count += 1
    return count
