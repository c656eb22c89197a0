"""The photos' background work."""

from background.queue import background_task
from photos.models import Photo


@background_task()
def make_renditions(photo_id: int) -> int:
    """Every size and format of an uploaded photo, for its pages (safe to repeat:
    a rendition made already is kept). Returns how many it has."""
    from photos.rendering import make_renditions as make

    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:  # deleted since
        return 0
    make(photo)
    Photo.objects.filter(pk=photo_id).update(resizing=False)
    return photo.renditions.count()
