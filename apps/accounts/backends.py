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
