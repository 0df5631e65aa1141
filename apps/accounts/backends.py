"""Django's ModelBackend, with a user's permissions read in one query instead of two (the
user's own and those of their role group): every page and API call that checks a permission
pays for it once per request. The query is written out: building it with the ORM cost more
CPU than running it (a whistle spent ~15 % of its Python time there)."""

from __future__ import annotations

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from apps.core.rows import row_by_pk


@functools.cache
def _permissions_sql() -> str:
    q = connection.ops.quote_name
    user_perms = Permission.user_set.through._meta
    group_perms = Group.permissions.through._meta
    user_groups = Group.user_set.through._meta
    return (
        f"SELECT ct.{q('app_label')}, p.{q('codename')} "
        f"FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')} "
        f"WHERE p.{q('id')} IN ("
        f"SELECT {q('permission_id')} FROM {q(user_perms.db_table)} WHERE {q('user_id')} = %s "
        f"UNION SELECT gp.{q('permission_id')} FROM {q(group_perms.db_table)} gp "
        f"JOIN {q(user_groups.db_table)} ug ON ug.{q('group_id')} = gp.{q('group_id')} "
        f"WHERE ug.{q('user_id')} = %s)"
    )


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
        """The signed-in user of a request, read by a written-out query (apps/core/rows.py), then
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
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
