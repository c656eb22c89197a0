"""The upload field: only sound images get through, and only without their metadata."""

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from photos.images import ACCEPTED, CleanImage, clean_image

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "avif": "image/avif",
}


class CleanUpload(SimpleUploadedFile):
    """An upload that passed clean_image(), carrying the re-encoded image."""

    def __init__(self, clean: CleanImage):
        super().__init__(
            f"upload.{clean.extension}", clean.content, CONTENT_TYPES[clean.extension]
        )
        self.clean = clean


class PhotoUploadField(forms.FileField):
    """Replaces Django's image check with ours: clearer errors, and the returned file
    is the re-encoded image without EXIF, GPS or other metadata."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={"accept": ",".join(sorted(set(CONTENT_TYPES.values())))}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        # Cleaned now (a broken file is a form error); resized by the worker.
        return CleanUpload(clean_image(upload))


assert set(CONTENT_TYPES) == set(ACCEPTED.values())
