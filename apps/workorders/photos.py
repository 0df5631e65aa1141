"""Photo checks and storage: real images only (opened and verified with Pillow), size- and
count-limited by settings, saved through Django's storage API."""

from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}


@dataclass(frozen=True)
class CheckedPhoto:
    name: str
    content: bytes
    image_format: str
    width: int
    height: int

    @property
    def size(self) -> int:
        return len(self.content)


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}MB" if n >= 1024 * 1024 else f"{n / 1024:.0f}KB"


def check_photo(upload) -> CheckedPhoto:
    """Read an uploaded file (or bytes) and prove it is an image of an allowed format and size.
    Raises ValidationError with a Chinese message naming the file."""
    name = getattr(upload, "name", "") or "照片"
    max_bytes = settings.WORKORDER_PHOTO_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(f"“{name}”超过{_human(max_bytes)}，请压缩后再上传", code="photo_too_large")
    if isinstance(upload, bytes):
        content = upload
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationError(f"“{name}”超过{_human(max_bytes)}，请压缩后再上传", code="photo_too_large")
    if not content:
        raise ValidationError(f"“{name}”是空文件", code="photo_empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image_format = image.format
                width, height = image.size
                if width * height > settings.WORKORDER_PHOTO_MAX_PIXELS:
                    raise ValidationError(f"“{name}”的像素过多，请缩小后再上传", code="photo_too_many_pixels")
                image.verify()  # structural check of the whole file
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValidationError(
            f"“{name}”不是有效的图片文件，请上传 JPG、PNG、WebP 或 GIF 照片", code="photo_invalid"
        ) from exc
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            f"“{name}”的格式（{image_format}）不支持，请上传 JPG、PNG、WebP 或 GIF 照片", code="photo_format"
        )
    content = strip_metadata(content, image_format)
    return CheckedPhoto(name=name, content=content, image_format=image_format, width=width, height=height)


def strip_metadata(content: bytes, image_format: str) -> bytes:
    """Drop EXIF and other metadata (a phone photo carries the GPS position of the resident's
    home) while keeping the picture upright. GIFs carry no EXIF and are kept as they are."""
    if image_format not in {"JPEG", "PNG", "WEBP"}:
        return content
    from PIL import ImageOps

    with Image.open(io.BytesIO(content)) as image:
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)  # a copy, turned as the camera meant it
        upright.info.clear()  # EXIF (with GPS), XMP, comments, PNG text chunks
        options = {"quality": 90} if image_format in {"JPEG", "WEBP"} else {}
        if icc:
            options["icc_profile"] = icc  # colours stay right
        out = io.BytesIO()
        upright.save(out, format=image_format, optimize=True, **options)
    return out.getvalue()


def check_photos(uploads) -> list[CheckedPhoto]:
    uploads = [u for u in (uploads or []) if u]
    limit = settings.WORKORDER_PHOTO_MAX_COUNT
    if len(uploads) > limit:
        raise ValidationError(f"最多上传{limit}张照片，您选择了{len(uploads)}张", code="photo_count")
    errors, checked = [], []
    for upload in uploads:
        if isinstance(upload, CheckedPhoto):
            checked.append(upload)
            continue
        try:
            checked.append(check_photo(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked


def photo_rows_create(
    model, photos: list[CheckedPhoto], *, actor, now, into: list | None = None, **links
) -> list:
    """Store each checked photo's file through the default storage and create its `model` row
    (`links`: the row's other fields — its order and stage, its problem and kind …). Each row is
    appended to `into` as soon as its file is stored, so that `files_removed_on_failure` can
    delete the files if the caller's transaction fails. Returns the rows."""
    rows = [] if into is None else into
    start = len(rows)
    for photo in photos:
        row = model(
            image_format=photo.image_format,
            width=photo.width,
            height=photo.height,
            size=photo.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            created_at=now,
            **links,
        )
        row.file.save(photo.name, ContentFile(photo.content), save=False)
        rows.append(row)
        row.save()
    return rows[start:]


def save_photos(
    *, order, stage: str, photos: list[CheckedPhoto], actor, now, assignment=None, into=None
) -> list:
    """A work order's photos of one stage (see photo_rows_create)."""
    from apps.workorders.models import WorkOrderPhoto

    return photo_rows_create(
        WorkOrderPhoto,
        photos,
        actor=actor,
        now=now,
        into=into,
        order=order,
        stage=stage,
        assignment=assignment,
    )


def delete_files(rows) -> None:
    """Files stored for a transaction that failed (the rows roll back, the files would not)."""
    for row in rows:
        try:
            row.file.storage.delete(row.file.name)
        except Exception:
            pass


@contextmanager
def files_removed_on_failure():
    """`with files_removed_on_failure() as stored:` — pass `into=stored` to the photo writes in
    the block; if anything in it raises, the files stored so far are deleted (their rows roll back
    with the transaction, the files would stay in storage)."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        delete_files(stored)
        raise
