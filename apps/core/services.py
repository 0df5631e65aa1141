"""The one write path shared by every app: audit events, generic create/update/delete, and
compare-and-set state changes. Domain services in each app call these."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from apps.core.audit import diff, json_value, snapshot
from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.models import Event
from apps.core.sql import insert_row, update_if


def region_code_of(obj) -> str:
    """Region code an object belongs to (models define `audit_region_code`)."""
    code = getattr(obj, "audit_region_code", "") if obj is not None else ""
    return code or ""


def event_record(
    *,
    actor,
    verb: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    note: str = "",
    region_code: str | None = None,
    at=None,
) -> Event:
    """Write one audit row. Call it inside the transaction of the change it records. `at` is
    for replaying history (the demo and the scale generator); everything else takes now."""
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    event = Event(
        actor=actor_obj,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True)
        if obj is not None
        else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_code=region_code if region_code is not None else region_code_of(obj),
        changes=changes or {},
        note=note,
        created_at=at or timezone.now(),
    )
    insert_row(event)  # every change writes one: the INSERT is not rebuilt each time
    return event


def verb_for(model: type[models.Model], action: str) -> str:
    return f"{model._meta.model_name}.{action}"


def _split_m2m(model, data: dict) -> tuple[dict, dict]:
    m2m_names = {f.name for f in model._meta.many_to_many}
    fields = {k: v for k, v in data.items() if k not in m2m_names}
    m2m = {k: v for k, v in data.items() if k in m2m_names}
    return fields, m2m


def _save_validated(obj: models.Model, *, update_fields: Iterable[str] | None = None) -> None:
    obj.full_clean()
    try:
        obj.save(update_fields=update_fields)
    except IntegrityError as exc:  # a race the validation could not see (unique, constraint)
        raise DomainError("数据与已有记录冲突，未保存。请检查后重试。") from exc


@transaction.atomic
def record_create(*, model: type[models.Model], data: dict, actor, verb: str | None = None, note: str = ""):
    """Create a row after full validation and record the event. Raises ValidationError."""
    fields, m2m = _split_m2m(model, data)
    obj = model(**fields)
    _save_validated(obj)
    for name, values in m2m.items():
        getattr(obj, name).set(values)
    after = snapshot(obj)
    after.update({name: json_value(list(values)) for name, values in m2m.items()})
    event_record(
        actor=actor, verb=verb or verb_for(model, "create"), obj=obj, changes=diff({}, after), note=note
    )
    return obj


@transaction.atomic
def record_update(*, obj: models.Model, data: dict, actor, verb: str | None = None, note: str = ""):
    """Update a row after full validation; the event lists the fields that changed."""
    model = type(obj)
    fields, m2m = _split_m2m(model, data)
    before = snapshot(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    after = snapshot(obj)
    changed = diff(before, after)
    changed_names = [model._meta.get_field(n).name for n in changed]
    if changed_names:
        _save_validated(
            obj, update_fields=[*changed_names, *(["updated_at"] if _has(model, "updated_at") else [])]
        )
    else:
        obj.full_clean()
    for name, values in m2m.items():
        old = sorted(str(v) for v in getattr(obj, name).values_list("pk", flat=True))
        new = sorted(str(getattr(v, "pk", v)) for v in values)
        if old != new:
            getattr(obj, name).set(values)
            changed[name] = [old, new]
    if changed:
        event_record(actor=actor, verb=verb or verb_for(model, "update"), obj=obj, changes=changed, note=note)
    return obj


@transaction.atomic
def record_delete(*, obj: models.Model, actor, verb: str | None = None, note: str = "") -> None:
    """Delete a row, recording what it held. Refuses while other records depend on it."""
    model = type(obj)
    before = snapshot(obj)
    event_record(
        actor=actor, verb=verb or verb_for(model, "delete"), obj=obj, changes=diff(before, {}), note=note
    )
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        names = sorted(
            {str(o._meta.verbose_name) for o in exc.protected_objects}
            if hasattr(exc, "protected_objects")
            else set()
        )
        raise DomainError(f"“{obj}”仍有关联的{'、'.join(names) or '记录'}，不能删除。") from exc


def _has(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
        return True
    except Exception:
        return False


def compare_and_set(
    model: type[models.Model],
    *,
    pk,
    field: str = "status",
    expected,
    new,
    extra: dict | None = None,
    message: str = "该记录已被他人处理或状态已变化，请刷新后重试。",
) -> None:
    """Move `field` from `expected` to `new` only if nobody moved it first; else ConflictError.

    `filter(pk=pk, status=old).update(status=new) == 1` — two officials clicking at once can never
    both win. Call inside the transaction that also writes the event.
    """
    expected_values = expected if isinstance(expected, list | tuple | set | frozenset) else [expected]
    if extra and field in extra:
        raise TypeError(f"compare_and_set: {field} is both the compared field and an extra value")
    # The UPDATE built once per shape (apps/core/sql.py): every status change of every app runs one.
    updated = update_if(
        model,
        pk=pk,
        field=field,
        expected=list(expected_values),
        values={field: new, **(extra or {})},
        using=router.db_for_write(model),
    )
    if updated != 1:
        raise ConflictError(message)


def validation_message(exc: ValidationError) -> str:
    """One Chinese sentence from a ValidationError, naming the fields."""
    if hasattr(exc, "error_dict"):
        parts = []
        for field, errors in exc.message_dict.items():
            for error in errors:
                parts.append(error if field == "__all__" else f"{field}：{error}")
        return "；".join(parts)
    return "；".join(exc.messages)


# ------------------------------------------------------------------ permission and scope in services
NOT_PERMITTED = "您的角色无权执行此操作。"
OUT_OF_SCOPE = "该记录不在您的管辖范围内。"


def perm_for(model: type[models.Model], action: str) -> str:
    """The model permission of an action: perm_for(Building, "add") → "registry.add_building"."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def permission_check(*, actor, perm: str, message: str = NOT_PERMITTED) -> None:
    """The actor holds `perm`, else ForbiddenError. actor=None is the system (demo, data
    migrations, the scale generator), which every check lets through."""
    if actor is not None and not actor.has_perm(perm):
        raise ForbiddenError(message)


def scope_check(*, actor, obj: models.Model, message: str = OUT_OF_SCOPE) -> None:
    """The stored row of `obj` lies inside the actor's scope (its model's `scope_q`), else
    ForbiddenError. Called after a write it refuses a row the actor placed outside their scope:
    the transaction rolls back, row and audit event included."""
    if actor is None:
        return
    from apps.core.scoping import scoped

    if not scoped(type(obj)._default_manager.filter(pk=obj.pk), actor).exists():
        raise ForbiddenError(message)


def domain_error(exc: ValidationError, model: type[models.Model] | None = None) -> DomainError:
    """A model's ValidationError as the one domain error: one Chinese sentence naming each field
    by its verbose name, and the field errors for forms and the API."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": list(exc.messages)}
    parts = []
    for name, errors in fields.items():
        label = ""
        if name != "__all__" and model is not None:
            try:
                label = str(model._meta.get_field(name).verbose_name)
            except Exception:
                label = name
        parts.extend(f"{label}：{e}" if label else e for e in errors)
    return DomainError("；".join(parts) or "数据不正确，未保存。", field_errors=fields)


@transaction.atomic
def scoped_create(*, model: type[models.Model], data: dict, actor, perm: str | None = None, **kwargs):
    """record_create for an actor: the permission (default `<app>.add_<model>`) before, the new
    row inside the actor's scope after; DomainError on any refusal, nothing written."""
    permission_check(actor=actor, perm=perm or perm_for(model, "add"))
    try:
        obj = record_create(model=model, data=data, actor=actor, **kwargs)
    except ValidationError as exc:
        raise domain_error(exc, model) from exc
    scope_check(actor=actor, obj=obj)
    return obj


@transaction.atomic
def scoped_update(*, obj: models.Model, data: dict, actor, perm: str | None = None, **kwargs):
    """record_update for an actor: the permission (default `<app>.change_<model>`), the row inside
    the actor's scope before, and still inside after (a change cannot move it out)."""
    model = type(obj)
    permission_check(actor=actor, perm=perm or perm_for(model, "change"))
    scope_check(actor=actor, obj=obj)
    try:
        obj = record_update(obj=obj, data=data, actor=actor, **kwargs)
    except ValidationError as exc:
        raise domain_error(exc, model) from exc
    scope_check(actor=actor, obj=obj)
    return obj


@transaction.atomic
def scoped_delete(*, obj: models.Model, actor, perm: str | None = None, **kwargs) -> None:
    """record_delete for an actor: the permission (default `<app>.delete_<model>`) and the row
    inside the actor's scope."""
    permission_check(actor=actor, perm=perm or perm_for(type(obj), "delete"))
    scope_check(actor=actor, obj=obj)
    record_delete(obj=obj, actor=actor, **kwargs)
