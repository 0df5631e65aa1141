"""Reads of the import app: the ledgers a user may import, and the user's own batches."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from apps.core.contributions import import_ledgers
from apps.imports.models import ImportBatch


def ledgers_for(*, user) -> list:
    return [ledger for ledger in import_ledgers().values() if ledger.can_import(user)]


def batches_of(*, user):
    """A user's own uploads (an upload holds personal data: nobody else sees it)."""
    return ImportBatch.objects.filter(owner=user).select_related("validate_job", "commit_job")


def batch_for(*, user, pk) -> ImportBatch:
    return get_object_or_404(batches_of(user=user), pk=pk)
