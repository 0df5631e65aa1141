"""Uploaded workbooks are private: kept outside MEDIA_ROOT, served only by the batch's views."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.IMPORTS_ROOT, base_url=None)
