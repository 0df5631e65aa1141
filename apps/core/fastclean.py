"""full_clean() without the ORM building a query per constraint and per foreign key of every row.

Two parts, both exact (the same answer as Django's own validation, the same error):

1. Check constraints. `Model.full_clean()` validates each `CheckConstraint` by asking the
   database (`Q.check`: a savepoint and a `SELECT 1 WHERE <condition>` with the row's values): on
   SQLite about 2 ms, which made constraint checks a third of the demo load (the programmes step:
   11,833 checks). The conditions of this project's constraints are simple comparisons of a row's
   own fields (isnull, =, <, <=, in, range, F() to another field), which Python evaluates on the
   values full_clean() already holds, in SQL's three-valued logic: a comparison with NULL is
   unknown, and a CHECK passes unless its condition is false — as `Q.check` (COALESCE(…, TRUE))
   decides. Anything else (a transform such as `__day`, a regex, a string ordering that depends
   on the database's collation, an expression, a value not of the field's type, a name the row
   does not have) is left to Django's database check. apps/core/tests/test_fastclean.py checks
   the equivalence on every check constraint of the project.

2. Foreign keys. `ForeignKey.validate` asks whether the target row exists with a queryset built
   for every row (~1 ms of ORM work on SQLite, 11,057 times in the programmes step); the same
   SELECT is run from a statement built once (`apps.core.sql.row_exists`). A key with
   `limit_choices_to`, or a target with a custom base manager, keeps Django's query.

Installed once, by CoreConfig.ready(), on the project's own models (apps.*): instance attributes
of their check constraints and foreign keys, so their deconstruction (migrations) is unchanged.
"""

from __future__ import annotations

import datetime
import decimal
import types

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Field, ForeignKey, Q, Value

from apps.core import sql


class Unsupported(Exception):
    """The condition needs the database (see the module docstring)."""


# Values whose ordering is the same in Python and in every database (not strings: collations).
ORDERED = (int, float, decimal.Decimal, datetime.date, datetime.datetime, datetime.time, datetime.timedelta)
SCALARS = (str, bool, *ORDERED)


def _value(against: dict, name: str):
    """The row's value of `name`, converted as the field converts it; Unsupported if unknown."""
    expr = against.get(name)
    if not isinstance(expr, Value):  # missing (FieldError in Django: the check passes) or an expression
        raise Unsupported(name)
    value = expr.value
    if value is None:
        return None
    field = expr._output_field_or_none
    if field is not None:
        try:
            value = field.to_python(value)
        except ValidationError as exc:
            raise Unsupported(name) from exc
    if not isinstance(value, SCALARS):
        raise Unsupported(name)
    return value


def _rhs(against: dict, rhs):
    if isinstance(rhs, F):
        return _value(against, rhs.name)
    if hasattr(rhs, "resolve_expression"):
        raise Unsupported(repr(rhs))
    return rhs


def _ordered(a, b) -> None:
    if not (isinstance(a, ORDERED) and isinstance(b, ORDERED)) or isinstance(a, bool) or isinstance(b, bool):
        raise Unsupported("ordering")
    # date and datetime compare in Python without error but not alike in SQL
    if isinstance(a, datetime.datetime) != isinstance(b, datetime.datetime):
        raise Unsupported("date/datetime")


def _lookup(against: dict, key: str, rhs) -> bool | None:
    """One `field__lookup=value` child: True, False or None (unknown: a NULL took part)."""
    name, _, lookup = key.partition("__")
    lookup = lookup or "exact"
    if "__" in lookup:
        raise Unsupported(key)
    lhs = _value(against, name)
    if lookup == "isnull":
        if not isinstance(rhs, bool):
            raise Unsupported(key)
        return (lhs is None) == rhs
    if lookup == "in":
        if not isinstance(rhs, list | tuple | set | frozenset):
            raise Unsupported(key)
        values = [_rhs(against, v) for v in rhs]
        if not values or any(v is None or not isinstance(v, SCALARS) for v in values):
            raise Unsupported(key)  # Django drops NULLs / an empty IN is never true: leave it to it
        if lhs is None:
            return None
        if any(isinstance(lhs, str) != isinstance(v, str) for v in values):
            raise Unsupported(key)
        return lhs in values
    literal_none = rhs is None
    rhs = _rhs(against, rhs)
    if lookup == "exact":
        if literal_none:  # field=None is field IS NULL (an F() that is NULL is not)
            return lhs is None
        if rhs is None:
            return None
            return lhs is None
        if not isinstance(rhs, SCALARS):
            raise Unsupported(key)
        if lhs is None:
            return None
        if isinstance(lhs, str) != isinstance(rhs, str):
            raise Unsupported(key)
        return lhs == rhs
    if lookup == "range":
        if not isinstance(rhs, list | tuple) or len(rhs) != 2:
            raise Unsupported(key)
        low, high = (_rhs(against, v) for v in rhs)
        if lhs is None or low is None or high is None:
            return None
        _ordered(lhs, low)
        _ordered(lhs, high)
        return low <= lhs <= high
    if lookup in ("gt", "gte", "lt", "lte"):
        if lhs is None or rhs is None:
            return None
        _ordered(lhs, rhs)
        return {"gt": lhs > rhs, "gte": lhs >= rhs, "lt": lhs < rhs, "lte": lhs <= rhs}[lookup]
    raise Unsupported(key)


def evaluate(condition: Q, against: dict) -> bool | None:
    """The condition on the row's values, in SQL's three-valued logic (None = unknown)."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(evaluate(child, against))
        elif isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str):
            results.append(_lookup(against, *child))
        else:
            raise Unsupported(repr(child))
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        result = True if True in results else None if None in results else False
    else:
        raise Unsupported(condition.connector)
    if condition.negated:
        result = None if result is None else not result
    return result


def passes(condition, against: dict) -> bool | None:
    """True/False as `Q(condition).check(against)` would answer; None when it needs the database."""
    if not isinstance(condition, Q):
        return None
    try:
        return evaluate(condition, against) is not False  # unknown passes, as COALESCE(…, TRUE)
    except (Unsupported, TypeError):
        return None


def _validate(self, model, instance, exclude=None, using=None, _original=CheckConstraint.validate):
    against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    ok = passes(self.condition, against)
    if ok is None:
        kwargs = {} if using is None else {"using": using}
        return _original(self, model, instance, exclude=exclude, **kwargs)
    if not ok:
        raise ValidationError(self.get_violation_error_message(), code=self.violation_error_code)


def _fk_validate(self, value, model_instance, _original=ForeignKey.validate):
    remote = self.remote_field
    if remote.parent_link or self.get_limit_choices_to() or remote.model._meta.base_manager_name:
        return _original(self, value, model_instance)
    Field.validate(self, value, model_instance)  # what super().validate checks: null, blank, choices
    if value is None:
        return
    using = router.db_for_read(remote.model, instance=model_instance)
    if not sql.row_exists(remote.model, remote.field_name, value, using=using):
        raise ValidationError(
            self.error_messages["invalid"],
            code="invalid",
            params={
                "model": remote.model._meta.verbose_name,
                "pk": value,
                "field": remote.field_name,
                "value": value,
            },
        )


def install(models) -> int:
    """Install both fast paths on `models`; returns how many constraints and keys."""
    count = 0
    for model in models:
        for constraint in model._meta.constraints:
            if type(constraint) is CheckConstraint and "validate" not in vars(constraint):
                constraint.validate = types.MethodType(_validate, constraint)
                count += 1
        for field in model._meta.local_fields:
            if isinstance(field, ForeignKey) and "validate" not in vars(field):
                field.validate = types.MethodType(_fk_validate, field)
                count += 1
    return count
