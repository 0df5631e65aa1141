"""Service arrangements over time: coverage as of a date, overlaps refused, the denormalised mode."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from apps.core.errors import ForbiddenError
from apps.core.scoping import region_scope
from apps.core.testing import COMMUNITY, COUNTY
from apps.programs import selectors, services
from apps.programs.models import ServiceArrangement

D = datetime.date


def market(company, start, end=None, **extra):
    return {"mode": "market", "company": company, "start_date": start, "end_date": end, **extra}


def test_coverage_as_of_a_date_follows_arrangement_changes(prog, users):
    c = prog.unserved
    county = users["county"]
    services.fallback_assign(compound=c, company=prog.welfare, start_date=D(2023, 3, 1), actor=county)
    services.arrangement_replace(
        compound=c,
        actor=county,
        data={"mode": "street_centre", "provider_name": "盛庄街道物业服务中心", "start_date": D(2024, 7, 1)},
    )
    scope = region_scope(COMMUNITY)

    def mode_on(day):
        by_mode = selectors.coverage_by_mode(scope, on=day).by_mode
        return by_mode

    before = mode_on(D(2023, 2, 28))
    assert before["none"] >= 1 and before["fallback"] == 0
    assert mode_on(D(2023, 3, 31))["fallback"] == 1
    assert mode_on(D(2024, 6, 30))["fallback"] == 1
    after = mode_on(D(2024, 7, 31))
    assert (after["fallback"], after["street_centre"]) == (0, 1)
    # the earlier arrangement was ended the day before the new one
    first = ServiceArrangement.objects.get(compound=c, mode="fallback")
    assert first.end_date == D(2024, 6, 30)
    # today's mode on the compound follows the arrangement in force
    c.refresh_from_db()
    assert (c.management_mode, c.company_id) == ("street_centre", None)


def test_coverage_of_county_counts_old_compounds_only(prog):
    cov = selectors.coverage_by_mode(region_scope(COUNTY), on=D(2020, 1, 1))
    # world.compound (old, market) has no arrangement yet in 2020 (the migration starts it on registration)
    assert cov.total >= 2


@pytest.mark.parametrize(
    "start,end",
    [
        (D(2024, 6, 1), D(2024, 12, 31)),  # inside
        (D(2023, 6, 1), D(2024, 1, 1)),  # touching the first day
        (D(2025, 12, 31), None),  # open-ended meets the last day
    ],
)
def test_overlapping_arrangement_is_refused(prog, users, start, end):
    c = prog.unserved
    services.arrangement_create(
        compound=c, actor=users["county"], data=market(prog.world.company, D(2024, 1, 1), D(2025, 12, 31))
    )
    with pytest.raises(ValidationError) as exc:
        services.arrangement_create(
            compound=c, actor=users["county"], data=market(prog.world.company, start, end)
        )
    assert "重叠" in str(exc.value)
    assert ServiceArrangement.objects.filter(compound=c).count() == 1


def test_adjacent_arrangements_are_fine(prog, users):
    c = prog.unserved
    services.arrangement_create(
        compound=c, actor=users["county"], data=market(prog.world.company, D(2024, 1, 1), D(2024, 12, 31))
    )
    services.arrangement_create(
        compound=c, actor=users["county"], data=market(prog.world.company, D(2025, 1, 1))
    )
    assert ServiceArrangement.objects.filter(compound=c).count() == 2


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"start_date": D(2024, 5, 1), "end_date": D(2024, 4, 30)}, "end_date", "结束日期不能早于开始日期"),
        ({"start_date": D(2024, 5, 1), "fee_per_sqm": Decimal("-0.10")}, "fee_per_sqm", "不能为负数"),
    ],
)
def test_bad_arrangement_input_names_the_field(prog, users, data, field, message):
    with pytest.raises(ValidationError) as exc:
        services.arrangement_create(
            compound=prog.unserved,
            actor=users["county"],
            data={"mode": "market", "company": prog.world.company, **data},
        )
    assert message in " ".join(exc.value.message_dict[field])
    assert not ServiceArrangement.objects.filter(compound=prog.unserved).exists()


def test_fallback_company_must_be_public_welfare(prog, users):
    with pytest.raises(ValidationError) as exc:
        services.fallback_assign(
            compound=prog.unserved,
            company=prog.world.company,
            start_date=D(2024, 1, 1),
            actor=users["county"],
        )
    assert "国有公益性" in exc.value.message_dict["company"][0]
    assert not ServiceArrangement.objects.filter(compound=prog.unserved).exists()


def test_collection_above_100_percent_is_refused(prog, users):
    a = services.arrangement_create(
        compound=prog.unserved, actor=users["county"], data=market(prog.world.company, D(2024, 1, 1))
    )
    with pytest.raises(ValidationError) as exc:
        services.collection_record(
            arrangement=a,
            period=D(2024, 3, 1),
            amount_due=Decimal("1000"),
            amount_collected=Decimal("1000.01"),
            actor=None,
        )
    assert "100%" in exc.value.message_dict["amount_collected"][0]
    record = services.collection_record(
        arrangement=a,
        period=D(2024, 3, 15),
        amount_due=Decimal("1000"),
        amount_collected=Decimal("875"),
        actor=None,
    )
    assert record.period == D(2024, 3, 1) and record.rate_percent == "87.5"


def test_wrong_region_official_cannot_arrange(prog, users):
    with pytest.raises(ForbiddenError):
        services.arrangement_create(
            compound=prog.unserved,
            actor=users["other_county"],
            data=market(prog.world.company, D(2024, 1, 1)),
        )
    with pytest.raises(ForbiddenError):
        services.arrangement_create(
            compound=prog.unserved, actor=users["company"], data=market(prog.world.company, D(2024, 1, 1))
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
def test_postgresql_exclusion_constraint_refuses_overlap_written_past_the_service(prog):
    ServiceArrangement.objects.create(
        compound=prog.unserved, mode="market", company=prog.world.company, start_date=D(2024, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceArrangement.objects.create(
            compound=prog.unserved, mode="market", company=prog.world.company, start_date=D(2030, 1, 1)
        )


def test_modes_sync_follows_arrangements_that_end_by_date(prog, users):
    import time_machine
    from django.core.management import call_command

    c = prog.unserved
    with time_machine.travel(datetime.datetime(2025, 1, 10, 8, 0)):
        services.arrangement_create(
            compound=c, actor=users["county"], data=market(prog.world.company, D(2025, 1, 1), D(2025, 3, 31))
        )
        c.refresh_from_db()
        assert c.management_mode == "market"
    with time_machine.travel(datetime.datetime(2025, 4, 2, 8, 0)):
        call_command("programs_sync_modes", stdout=open("/dev/null", "w"))
        call_command("programs_sync_modes", stdout=open("/dev/null", "w"))
    c.refresh_from_db()
    assert (c.management_mode, c.company_id) == ("none", None)


def test_data_migration_turns_modes_into_open_arrangements(prog):
    import importlib

    from django.apps import apps as registry_apps

    migration = importlib.import_module("apps.programs.migrations.0003_arrangements_from_management_mode")
    from apps.registry.services import compound_update

    compound_update(
        compound=prog.unserved, actor=None, data={"management_mode": "fallback", "company": prog.welfare}
    )
    migration.forwards(registry_apps, None)
    migration.forwards(registry_apps, None)  # a second run adds nothing
    row = ServiceArrangement.objects.get(compound=prog.unserved)
    assert (row.mode, row.company_id, row.end_date) == ("fallback", prog.welfare.pk, None)
    assert row.start_date == prog.unserved.created_at.date()
    # a compound that already has arrangements (the world's, from apps.programs.testing) is left alone
    assert ServiceArrangement.objects.filter(compound=prog.world.compound).count() == 1
    assert not ServiceArrangement.objects.filter(compound=prog.other_unserved).exists()  # no service, no row
