import io

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    from apps.workdays.calendar import calendar_cache_clear

    settings.SMS_BACKEND = "apps.notifications.sms.LocmemBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def cw(world):
    """The persona world; its builder (apps.campaigns.testing) added one campaign, project and
    meeting on each side."""
    assert "meeting" in world.own
    return world


def png_bytes(colour=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name="photo.png", colour=(200, 30, 30)):
        return SimpleUploadedFile(name, png_bytes(colour), content_type="image/png")

    return make
