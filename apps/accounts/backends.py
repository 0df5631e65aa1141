"""Django's ModelBackend, with the signed-in user and their permissions read by the written-out
queries of apps/core/sql.py: a user's permissions in one query instead of two (the user's own
and those of their role group). Every page and API call that checks a permission pays for it
once per request; building those queries with the ORM cost more CPU than running them (a
whistle spent ~15 % of its Python time there)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection

from apps.core.sql import permission_names, row_by_pk


class ModelBackendOneQuery(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        """ModelBackend's check behind the login lockout (apps/accounts/lockout.py): a locked
        account or address is refused before the password is looked at."""
        from django.core.exceptions import PermissionDenied

        from apps.accounts import lockout

        if username is None:
            from apps.accounts.models import User

            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        if lockout.locked_seconds(username, request) > 0:
            raise PermissionDenied(lockout.lockout_message(lockout.locked_seconds(username, request)))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.record_failure(username, request)
        else:
            lockout.record_success(username, request)
        return user

    def get_user(self, user_id):
        """The signed-in user of a request, read by a written-out query (apps/core/sql.py), then
        the same `user_can_authenticate` check as ModelBackend's."""
        from apps.accounts.models import User

        user = row_by_pk(User, user_id, using=connection.alias)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                rows = permission_names(user_obj.pk, using=connection.alias)
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
