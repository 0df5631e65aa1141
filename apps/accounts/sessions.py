"""Django's database session store, with the one read every signed-in request makes written
out: building that query with the ORM cost more CPU than running it (the busiest POST, the
whistle, spent ~9 % of its Python time there). Writes, expiry and the table are Django's own.

settings.SESSION_ENGINE = "apps.accounts.sessions"."""

from __future__ import annotations

import functools
import logging

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The unexpired row of this key, or None (and the key dropped), as Django's does."""
        using = router.db_for_read(self.model)
        try:
            with connections[using].cursor() as cursor:
                now = connections[using].ops.adapt_datetimefield_value(timezone.now())
                cursor.execute(_read_sql(using), [self.session_key, now])
                row = cursor.fetchone()
        except SuspiciousOperation as exc:
            logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
            row = None
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=row[1])


@functools.cache
def _read_sql(using: str) -> str:
    from django.contrib.sessions.models import Session

    q = connections[using].ops.quote_name
    return (
        f"SELECT {q('session_data')}, {q('expire_date')} FROM {q(Session._meta.db_table)} "
        f"WHERE {q('session_key')} = %s AND {q('expire_date')} > %s"
    )
