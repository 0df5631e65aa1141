"""大手牵小手: the subsidy schedule (Decimal, to the fen), signing, the transition reminder and its
outcome; the subsidies ledger with its second approver; 兜底 inspections and their notice."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from apps.core.errors import ForbiddenError
from apps.notifications.models import Notification
from apps.programs import services
from apps.programs.models import PairingAgreement, ServiceArrangement, SubsidyApplication

D = datetime.date


def make_pairing(prog, **extra):
    data = {
        "compound": prog.unserved,
        "company": prog.world.company,
        "start_date": D(2024, 3, 1),
        "subsidy_rate": Decimal("0.33"),
        "actor": prog.users["county"],
        **extra,
    }
    return services.pairing_create(**data)


def test_schedule_declines_by_year_and_rounds_to_the_fen(prog):
    # 2400.00 m² × 0.33 元 = 792.00; × 0.6 = 475.20; × 0.3 = 237.60
    p = make_pairing(prog)
    lines = p.schedule()
    assert [line.monthly_amount for line in lines] == [
        Decimal("792.00"),
        Decimal("475.20"),
        Decimal("237.60"),
    ]
    assert (lines[0].start, lines[0].end) == (D(2024, 3, 1), D(2025, 2, 28))
    assert p.transition_date == D(2027, 3, 1)
    assert [str(line.resident_share) for line in lines] == ["3/10", "3/5", "9/10"]


@override_settings(PAIRING_SUBSIDY_DECLINE="1,2/3", PAIRING_TRANSITION_YEARS=2)
def test_per_household_schedule_rounds_half_up(prog):
    # 36 households × 12.35 元 = 444.60; × 2/3 = 296.40 exactly; with 12.37: 445.32 × 2/3 = 296.88
    p = make_pairing(prog, subsidy_basis="per_household", subsidy_rate=Decimal("12.37"))
    assert [line.monthly_amount for line in p.schedule()] == [Decimal("445.32"), Decimal("296.88")]
    assert p.years == 2


def test_sign_starts_the_pairing_arrangement_and_milestones(prog):
    p = make_pairing(prog)
    with pytest.raises(ForbiddenError):
        services.pairing_sign(pairing=p, actor=_other_company_user(prog))
    services.pairing_sign(pairing=p, actor=prog.users["company"], on=D(2024, 2, 20))
    p.refresh_from_db()
    a = p.arrangement
    assert (p.status, a.mode, a.start_date, a.end_date) == (
        "signed",
        "pairing",
        D(2024, 3, 1),
        D(2027, 2, 28),
    )
    assert p.milestones.count() == 4
    with pytest.raises(Exception, match="已签订"):
        services.pairing_sign(pairing=p, actor=prog.users["company"])


def _other_company_user(prog):
    from apps.accounts.services import user_create

    return user_create(
        actor=None,
        username="t_other_company",
        password=None,
        role="company",
        company=prog.world.other_company,
    )


def test_transition_reminder_tells_county_and_street_once(prog):
    p = make_pairing(prog)
    services.pairing_sign(pairing=p, actor=prog.users["company"])
    county, street = prog.users["county"], prog.users["street"]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0)):  # 91 days before 2027-03-01
        assert services.pairing_reminders_send() == 0
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0)):
        call_command("pairing_reminders", stdout=open("/dev/null", "w"))
        call_command("pairing_reminders", stdout=open("/dev/null", "w"))  # cron again: nothing new
    notes = Notification.objects.filter(kind="programs.transition_due")
    assert sorted(n.recipient_id for n in notes) == sorted([county.pk, street.pk])
    assert "沂蒙学院家属院" in notes[0].title and "2027-02-26" in notes[0].body  # last working day (Fri)
    p.refresh_from_db()
    assert p.reminded_on == D(2026, 12, 1)


def test_outcome_market_contract_and_moved_to_fallback(prog):
    county = prog.users["county"]
    p = make_pairing(prog)
    services.pairing_sign(pairing=p, actor=prog.users["company"])
    services.pairing_outcome_record(pairing=p, outcome="market_contract", actor=county, on=D(2027, 3, 1))
    modes = list(
        ServiceArrangement.objects.filter(compound=prog.unserved)
        .order_by("start_date")
        .values_list("mode", "end_date")
    )
    assert modes == [("pairing", D(2027, 2, 28)), ("market", None)]
    p.refresh_from_db()
    assert (p.status, p.outcome) == ("concluded", "market_contract")


def test_outcome_extended_moves_the_transition(prog):
    p = make_pairing(prog)
    services.pairing_sign(pairing=p, actor=prog.users["company"])
    services.pairing_outcome_record(pairing=p, outcome="extended", actor=prog.users["county"], extend_years=1)
    p.refresh_from_db()
    assert (p.transition_date, p.arrangement.end_date, p.status) == (D(2028, 3, 1), D(2028, 2, 29), "signed")


def test_outcome_fallback_needs_a_public_welfare_company(prog):
    p = make_pairing(prog)
    services.pairing_sign(pairing=p, actor=prog.users["company"])
    with pytest.raises(ValidationError):
        services.pairing_outcome_record(
            pairing=p, outcome="fallback", actor=prog.users["county"], fallback_company=prog.world.company
        )
    services.pairing_outcome_record(
        pairing=p, outcome="fallback", actor=prog.users["county"], fallback_company=prog.welfare
    )
    assert ServiceArrangement.objects.filter(
        compound=prog.unserved, mode="fallback", start_date=p.transition_date
    ).exists()


# ------------------------------------------------------------ subsidies
def signed(prog):
    p = make_pairing(prog)
    return services.pairing_sign(pairing=p, actor=prog.users["company"])


def test_subsidy_above_schedule_is_refused_without_reason(prog):
    p = signed(prog)
    with pytest.raises(ValidationError) as exc:
        services.subsidy_apply(
            agreement=p, period=D(2024, 5, 1), amount=Decimal("792.01"), actor=prog.users["company"]
        )
    assert "超过补助标准（792.00元）" in exc.value.message_dict["amount"][0]
    assert not SubsidyApplication.objects.exists()


def test_subsidy_ledger_approve_disburse(prog):
    p = signed(prog)
    company, county = prog.users["company"], prog.users["county"]
    a = services.subsidy_apply(
        agreement=p,
        period=D(2025, 4, 9),
        amount=Decimal("475.20"),
        actor=company,
        fees_due=Decimal("1200"),
        fees_collected=Decimal("700"),
    )
    assert (a.period, a.scheduled_amount) == (D(2025, 4, 1), Decimal("475.20"))
    with pytest.raises(ForbiddenError):
        services.subsidy_approve(application=a, actor=prog.users["other_county"])
    services.subsidy_approve(application=a, actor=county)
    a = services.subsidy_disburse(application=a, actor=county, on=D(2025, 5, 10))
    assert (a.status, a.disbursed_amount) == ("disbursed", Decimal("475.20"))
    with pytest.raises(ValidationError):  # the same month again
        services.subsidy_apply(agreement=p, period=D(2025, 4, 1), amount=Decimal("1"), actor=company)


def test_disbursement_above_schedule_needs_a_second_approver(prog):
    from apps.accounts.services import user_create
    from apps.regions.models import Region

    p = signed(prog)
    county = prog.users["county"]
    second = user_create(
        actor=None,
        username="t_county2",
        password=None,
        role="county",
        region=Region.objects.get(code="371311"),
    )
    a = services.subsidy_apply(
        agreement=p,
        period=D(2024, 6, 1),
        amount=Decimal("900.00"),
        actor=prog.users["company"],
        over_schedule_reason="补缴上月电梯维修费",
    )
    services.subsidy_approve(application=a, actor=county)
    with pytest.raises(ValidationError, match="复核"):
        services.subsidy_disburse(application=a, actor=county)
    with pytest.raises(ForbiddenError):
        services.subsidy_approve(application=a, actor=county)  # the same person cannot second it
    services.subsidy_approve(application=a, actor=second)
    assert services.subsidy_disburse(application=a, actor=county).status == "disbursed"


def test_refusal_needs_a_reason(prog):
    p = signed(prog)
    a = services.subsidy_apply(
        agreement=p, period=D(2024, 6, 1), amount=Decimal("100"), actor=prog.users["company"]
    )
    with pytest.raises(ValidationError):
        services.subsidy_refuse(application=a, reason=" ", actor=prog.users["county"])
    a = services.subsidy_refuse(application=a, reason="缴费凭证不全", actor=prog.users["county"])
    assert (a.status, a.refusal_reason) == ("refused", "缴费凭证不全")


# ------------------------------------------------------------ 兜底 inspections
@override_settings(FALLBACK_FAILED_INSPECTIONS_NOTICE=2)
def test_repeated_failed_inspections_notify_the_company_once(prog):
    from apps.accounts.services import user_create

    staff = user_create(actor=None, username="t_welfare", password=None, role="company", company=prog.welfare)
    f = services.fallback_assign(
        compound=prog.unserved, company=prog.welfare, start_date=D(2024, 1, 1), actor=prog.users["county"]
    )
    street = prog.users["street"]
    services.inspection_record(agreement=f, period=D(2024, 2, 1), actor=street)
    with pytest.raises(ValidationError):  # a failure needs a note
        services.inspection_record(agreement=f, period=D(2024, 3, 1), actor=street, cleaning_ok=False)
    services.inspection_record(
        agreement=f, period=D(2024, 3, 1), actor=street, cleaning_ok=False, notes="楼道垃圾未清"
    )
    assert not Notification.objects.filter(kind="programs.inspection_failed").exists()
    services.inspection_record(
        agreement=f, period=D(2024, 4, 1), actor=street, repairs_ok=False, notes="路灯未修"
    )
    services.inspection_record(
        agreement=f, period=D(2024, 5, 1), actor=street, repairs_ok=False, notes="仍未修"
    )
    notes = Notification.objects.filter(kind="programs.inspection_failed")
    assert [n.recipient_id for n in notes] == [staff.pk]
    f.refresh_from_db()
    assert f.notice_sent_on is not None
    with pytest.raises(ForbiddenError):
        services.inspection_record(agreement=f, period=D(2024, 6, 1), actor=prog.users["other_county"])
    with pytest.raises(ValidationError) as exc:
        services.inspection_record(agreement=f, period=D(2023, 12, 1), actor=street)
    assert "协议期" in exc.value.message_dict["period"][0]


def test_pairing_company_must_be_market(prog):
    with pytest.raises(ValidationError) as exc:
        make_pairing(prog, company=prog.welfare)
    assert "市场化" in exc.value.message_dict["company"][0]
    assert not PairingAgreement.objects.exists()
