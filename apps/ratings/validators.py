"""Field validators of the ratings app: uploaded documents and evidence (PDF or image only)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

ALLOWED_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg")
# Magic numbers: the extension alone proves nothing.
SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
MAX_BYTES = 10 * 1024 * 1024


def validate_document(upload) -> None:
    """A scheme's source document or an item's evidence: PDF, PNG or JPEG, at most 10 MB."""
    if not upload:
        return
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(ALLOWED_EXTENSIONS):
        raise ValidationError("文件只能是 PDF 或图片（PNG、JPG）")
    if getattr(upload, "size", 0) and upload.size > MAX_BYTES:
        raise ValidationError("文件不能超过 10 MB")
    try:
        pos = upload.tell()
        upload.seek(0)
        head = upload.read(8)
        upload.seek(pos)
    except (AttributeError, OSError, ValueError):
        return  # a stored file already checked on upload
    if not any(head.startswith(sig) for sig in SIGNATURES):
        raise ValidationError("文件内容不是 PDF 或图片（PNG、JPG）")


PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
ROOM_RE = re.compile(r"\d+\s*(号楼|栋|幢|单元|室|号)")


def strip_personal_data(text: str) -> str:
    """Open-text answers as the community reads them: phone numbers, ID numbers and room numbers
    replaced, so an answer cannot point at a household."""
    text = ID_RE.sub("［身份证号已隐去］", text)
    text = PHONE_RE.sub("［手机号已隐去］", text)
    return ROOM_RE.sub("［门牌已隐去］", text)
