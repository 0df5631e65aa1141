"""Reads of API clients."""

from __future__ import annotations

import hmac

from apps.api.models import ApiClient
from apps.api.services import key_digest, key_split


def api_client_for_key(key: str) -> ApiClient | None:
    """The client a key belongs to (whatever its state), or None. Constant-time digest compare."""
    prefix = key_split(key or "")
    if prefix is None:
        return None
    # The prefix is unique: a get (no ORDER BY to build), with the service user only — a region
    # official's scope needs just the user's region code; a department's reads its region
    # when asked (every call pays for building the query, few for the extra read).
    try:
        client = ApiClient.objects.select_related("user").get(key_prefix=prefix)
    except ApiClient.DoesNotExist:
        return None
    if not hmac.compare_digest(client.key_hash, key_digest(key)):
        return None
    return client
