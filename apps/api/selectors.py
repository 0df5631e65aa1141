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
    client = (
        ApiClient.objects.select_related("user__region", "user__department__region")
        .filter(key_prefix=prefix)
        .first()
    )
    if client is None or not hmac.compare_digest(client.key_hash, key_digest(key)):
        return None
    return client
