"""Django's database session store, with the one read every signed-in request makes written
out (apps/core/sql.py `rows_where`): building that query with the ORM cost more CPU than running
it (the busiest POST, the whistle, spent ~9 % of its Python time there). Writes, expiry and the
table are Django's own.

settings.SESSION_ENGINE = "apps.accounts.sessions"."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone

from apps.core.sql import rows_where


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The unexpired row of this key, or None (and the key dropped), as Django's does."""
        using = router.db_for_read(self.model)
        try:
            now = connections[using].ops.adapt_datetimefield_value(timezone.now())
            rows = rows_where(
                self.model,
                ("session_data", "expire_date"),
                equal={"session_key": self.session_key},
                greater={"expire_date": now},
                using=using,
            )
        except SuspiciousOperation as exc:
            logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
            rows = []
        if not rows:
            self._session_key = None
            return None
        data, expire_date = rows[0]
        return self.model(session_key=self.session_key, session_data=data, expire_date=expire_date)
