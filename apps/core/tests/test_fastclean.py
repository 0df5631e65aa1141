"""The Python evaluation of check constraints answers as the database does (Q.check), on every
check constraint of the project, for values around each constraint's own literals and NULLs."""

from __future__ import annotations

import datetime
import decimal
import itertools
import random

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, F, Q

from apps.core import fastclean

D = decimal.Decimal
TZ = datetime.timezone(datetime.timedelta(hours=8))


def _project_checks():
    for model in apps.get_models():
        if model.__module__.startswith("apps."):
            for c in model._meta.constraints:
                if type(c) is CheckConstraint:
                    yield model, c


def _names_and_literals(q: Q, out: dict) -> None:
    for child in q.children:
        if isinstance(child, Q):
            _names_and_literals(child, out)
            continue
        key, value = child
        name = key.split("__")[0]
        out.setdefault(name, set())
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if isinstance(v, F):
                out.setdefault(v.name, set())
            elif not isinstance(v, bool) and isinstance(v, int | D | str | datetime.date):
                out[name].add(v)


def _samples(field, literals) -> list:
    kind = field.get_internal_type()
    base: list = []
    if kind in (
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "BigIntegerField",
        "AutoField",
        "BigAutoField",
        "ForeignKey",
        "OneToOneField",
    ):
        base = [-1, 0, 1, 2, 5, 100]
        for v in literals:
            if isinstance(v, int):
                base += [v - 1, v, v + 1]
    elif kind == "DecimalField":
        base = [D("-1"), D("0"), D("0.50"), D("1"), D("100.25")]
        for v in literals:
            if isinstance(v, int | D):
                base += [D(v) - 1, D(v), D(v) + D("0.01")]
    elif kind == "DateField":
        base = [datetime.date(2020, 1, 1), datetime.date(2020, 1, 2), datetime.date(2021, 6, 30)]
    elif kind == "DateTimeField":
        base = [datetime.datetime(2020, 1, 1, 8, tzinfo=TZ), datetime.datetime(2020, 1, 1, 9, tzinfo=TZ)]
    elif kind == "BooleanField":
        base = [True, False]
    elif kind in ("CharField", "TextField", "SlugField"):
        base = ["", "a", "x1"] + [v for v in literals if isinstance(v, str)]
        if field.choices:
            base += [c for c, _ in field.flatchoices][:6]
    else:
        base = list(literals)
    if field.null or kind not in ("BooleanField",):
        base.append(None)
    return list(dict.fromkeys(base))


CHECKS = list(_project_checks())


def test_the_project_has_check_constraints_and_they_are_installed():
    assert len(CHECKS) > 40
    assert all("validate" in vars(c) for _, c in CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "constraint"), CHECKS, ids=[f"{m._meta.label}.{c.name}" for m, c in CHECKS]
)
def test_python_evaluation_agrees_with_the_database(model, constraint):
    names: dict = {}
    _names_and_literals(constraint.condition, names)
    fields = {n: model._meta.get_field(n) for n in names if n != "pk"}
    choices = {n: _samples(f, names[n]) for n, f in fields.items()}
    combos = list(itertools.product(*choices.values()))
    rng = random.Random(constraint.name)
    combos = rng.sample(combos, min(len(combos), 40))
    decided = 0
    for combo in combos:
        obj = model()
        for field, value in zip(fields.values(), combo, strict=True):
            setattr(obj, field.attname, value)
        against = obj._get_field_expression_map(meta=model._meta)
        mine = fastclean.passes(constraint.condition, against)
        if mine is None:
            continue
        decided += 1
        assert mine == Q(constraint.condition).check(against), (dict(zip(fields, combo, strict=True)), mine)
    if combos and not any(k.endswith(("__regex", "__day")) for k in _keys(constraint.condition)):
        assert decided, "every sample needed the database"


def _keys(q):
    for child in q.children:
        if isinstance(child, Q):
            yield from _keys(child)
        else:
            yield child[0]


def test_unknown_passes_and_false_fails():
    cond = Q(low__lte=F("high")) | Q(high__isnull=True)

    def m(low, high):
        from django.db.models import IntegerField, Value

        return {"low": Value(low, IntegerField()), "high": Value(high, IntegerField())}

    assert fastclean.passes(cond, m(1, 2)) is True
    assert fastclean.passes(cond, m(3, 2)) is False
    assert fastclean.passes(cond, m(None, 2)) is True  # NULL <= 2 is unknown: the CHECK passes
    assert fastclean.passes(~Q(low__gt=1), m(None, 2)) is True
    assert fastclean.passes(Q(low__regex="^a"), m(1, 2)) is None  # left to the database
    assert fastclean.passes(Q(missing=1), m(1, 2)) is None


@pytest.mark.django_db
def test_full_clean_still_refuses_a_row_breaking_a_check_constraint():
    model, constraint = next(
        (m, c) for m, c in CHECKS if any(k.endswith("__gte") for k in _keys(c.condition))
    )
    names: dict = {}
    _names_and_literals(constraint.condition, names)
    fields = {n: model._meta.get_field(n) for n in names if n != "pk"}
    for combo in itertools.product(*(_samples(f, names[n]) for n, f in fields.items())):
        obj = model()
        for field, value in zip(fields.values(), combo, strict=True):
            setattr(obj, field.attname, value)
        against = obj._get_field_expression_map(meta=model._meta)
        if fastclean.passes(constraint.condition, against) is False:
            with pytest.raises(ValidationError):
                constraint.validate(model, obj)
            return
    pytest.fail("no breaking sample found")


def _project_keys():
    from django.db.models import ForeignKey

    for model in apps.get_models():
        if model.__module__.startswith("apps."):
            for f in model._meta.local_fields:
                if isinstance(f, ForeignKey):
                    yield model, f


@pytest.mark.django_db
def test_foreign_keys_are_validated_as_django_validates_them(world):
    from django.db.models import ForeignKey

    keys = list(_project_keys())
    assert len(keys) > 50 and all("validate" in vars(f) for _, f in keys)
    for model, field in keys:
        target = field.remote_field.model
        existing = target._base_manager.values_list(field.remote_field.field_name, flat=True).first()
        missing = "999999999999" if isinstance(existing, str) else 999_999_999
        for value in (existing, missing, None):
            if value is None and not field.null:
                continue
            outcomes = []
            for validate in (field.validate, lambda v, i, f=field: ForeignKey.validate(f, v, i)):
                try:
                    validate(value, model())
                    outcomes.append(None)
                except ValidationError as exc:
                    outcomes.append((exc.code, exc.messages))
            assert outcomes[0] == outcomes[1], (model, field.name, value, outcomes)
