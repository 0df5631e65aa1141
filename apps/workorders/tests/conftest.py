import pytest


@pytest.fixture(autouse=True)
def _isolated_side_effects(settings, tmp_path):
    """Fresh calendar cache; uploads in the test's own folder; SMS into a list; e-mail into django.core.mail.outbox (pytest-django)."""
    from apps.notifications import sms
    from apps.workdays.calendar import calendar_cache_clear
    from apps.workorders.deadlines import limits_cache_clear

    settings.SMS_BACKEND = "apps.notifications.sms.LocmemBackend"
    settings.MEDIA_ROOT = tmp_path / "media"  # per test: parallel workers never share uploads
    sms.outbox.clear()
    calendar_cache_clear()
    limits_cache_clear()
    yield
    calendar_cache_clear()
    limits_cache_clear()
