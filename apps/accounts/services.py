"""Writes to users: creation with a role and scope, role changes, password resets."""

from __future__ import annotations

from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.models import Group
from django.db import transaction

from apps.accounts.models import User
from apps.core.audit import diff, snapshot
from apps.core.roles import OFFICIAL_ROLES, group_name
from apps.core.services import event_record


def sync_group(user: User) -> None:
    groups = [Group.objects.get_or_create(name=group_name(user.role))[0]] if user.role else []
    user.groups.set(groups)


@transaction.atomic
def user_create(
    *, actor, username: str, password: str | None, role: str, password_hash: str | None = None, **fields
) -> User:
    """Create a user with one role and its scope. Officials get the admin site (is_staff).
    `password_hash`, instead of `password`: an encoded hash from make_password() — the demo hashes
    its one public password once for all its users (a hash costs ~0.25 s of CPU)."""
    user = User(username=username, role=role, **fields)
    user.is_staff = role in OFFICIAL_ROLES or bool(fields.get("is_staff"))
    if password_hash:
        if password or not identify_hasher(password_hash):
            raise ValueError("pass either password or password_hash")
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    sync_group(user)
    event_record(actor=actor, verb="user.create", obj=user, changes=diff({}, snapshot(user)))
    return user


@transaction.atomic
def user_update(*, user: User, actor, data: dict) -> User:
    before = snapshot(user)
    for key, value in data.items():
        setattr(user, key, value)
    if "role" in data:
        user.is_staff = user.role in OFFICIAL_ROLES or user.is_superuser
    user.full_clean(exclude=["password"])
    user.save()
    sync_group(user)
    changes = diff(before, snapshot(user))
    if changes:
        event_record(actor=actor, verb="user.update", obj=user, changes=changes)
    return user


@transaction.atomic
def user_set_password(*, user: User, actor, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    event_record(actor=actor, verb="user.set_password", obj=user)
