"""Writes of the programmes: arrangements, 兜底 assignments and inspections, 大手牵小手 pairings
and their transition, and the subsidies ledger.

Every function checks the actor's permission and scope (actor=None is the system: demo,
migrations, cron), validates fully, writes an audit event in the same transaction, and keeps
Compound.management_mode / company as the denormalised "arrangement in force today" so that the
registry, the dashboard and the home page need no change.

Overlaps: writes of one compound's arrangements are serialised by a row lock on the compound
(SELECT … FOR UPDATE); the overlap is then checked in Python (every database) and, on
PostgreSQL, also by the exclusion constraint of migration 0002 — the last word if a writer ever
bypassed the lock.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.scoping import scope_of
from apps.core.services import compare_and_set, event_record, record_create, record_delete, record_update
from apps.notifications.services import Message, notify_batch
from apps.programs.choices import (
    AgreementStatus,
    ArrangementMode,
    PairingOutcome,
    Programme,
    SubsidyBasis,
    SubsidyStatus,
)
from apps.programs.models import (
    CollectionRecord,
    FallbackAgreement,
    Inspection,
    Milestone,
    PairingAgreement,
    PlannerCapacity,
    ServiceArrangement,
    SubsidyApplication,
    add_years,
    in_force_q,
    month_start,
)
from apps.regions.models import Region
from apps.registry.models import CompanyKind, Compound, ManagementMode, PropertyCompany

DAY = datetime.timedelta(days=1)
_as_of: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar("programs_as_of", default=None)


@contextlib.contextmanager
def as_of(day: datetime.date):
    """Take `day` as today inside this block: the demo loader replays a past "today", and the
    compounds' current mode must be the one in force on that day, not on the machine's."""
    token = _as_of.set(day)
    try:
        yield
    finally:
        _as_of.reset(token)


def _today() -> datetime.date:
    return _as_of.get() or timezone.localdate()


# ------------------------------------------------------------ checks
def _require(actor, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise ForbiddenError("您的角色无权执行此操作")


def _require_compound(actor, compound: Compound) -> None:
    """The compound is inside the actor's region (officials) — or served by the actor's company."""
    if actor is None:
        return
    scope = scope_of(actor)
    if scope.everything:
        return
    if scope.region_prefix and compound.community_id.startswith(scope.region_prefix):
        return
    raise ForbiddenError("该小区不在您的管辖范围内")


def _require_company_actor(actor, company: PropertyCompany) -> None:
    """Company staff act only for their own company; officials of the compound's region may too."""
    if actor is None or actor.is_superuser:
        return
    if actor.company_id and actor.company_id != company.pk:
        raise ForbiddenError("只能以本企业名义办理")


def _lock(compound: Compound) -> Compound:
    return Compound.objects.select_for_update().get(pk=compound.pk)


def overlapping(compound: Compound, start: datetime.date, end: datetime.date | None, exclude_pk=None):
    """Arrangements of the compound whose days meet [start, end] (end None = open)."""
    qs = ServiceArrangement.objects.filter(compound=compound)
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    qs = qs.exclude(end_date__lt=start)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def _check_no_overlap(compound, start, end, exclude_pk=None) -> None:
    clash = overlapping(compound, start, end, exclude_pk).first()
    if clash is not None:
        raise ValidationError(
            {
                "start_date": f"与已有服务安排重叠：{clash.get_mode_display()} "
                f"{clash.start_date}—{clash.end_date or '长期'}（开始日期/结束日期）"
            }
        )


def _save_arrangement(arrangement: ServiceArrangement, *, create: bool, actor, data: dict | None = None):
    try:
        with transaction.atomic():
            if create:
                return record_create(model=ServiceArrangement, data=data, actor=actor)
            return record_update(obj=arrangement, data=data, actor=actor)
    except DomainError as exc:
        if isinstance(exc.__cause__, IntegrityError):  # the PostgreSQL exclusion constraint
            raise ValidationError({"start_date": "与已有服务安排重叠（开始日期/结束日期）"}) from exc
        raise


def sync_compound(compound: Compound, *, actor=None, today: datetime.date | None = None) -> Compound:
    """Set the compound's management mode and company to the arrangement in force today."""
    today = today or _today()
    current = (
        ServiceArrangement.objects.filter(in_force_q(today), compound_id=compound.pk)
        .select_related("company")
        .first()
    )
    mode = current.mode if current else ManagementMode.NONE
    company = current.company if current else None
    compound = Compound.objects.get(pk=compound.pk)
    if compound.management_mode != mode or compound.company_id != (company.pk if company else None):
        from apps.registry.services import compound_arrangement_sync

        compound = compound_arrangement_sync(
            compound=compound, actor=actor, management_mode=mode, company=company
        )
    return compound


# ------------------------------------------------------------ arrangements
ARRANGEMENT_FIELDS = (
    "mode",
    "company",
    "provider_name",
    "start_date",
    "end_date",
    "security",
    "cleaning",
    "greenery",
    "repairs",
    "extra_services",
    "fee_per_sqm",
    "note",
    "is_generated",
)


@transaction.atomic
def arrangement_create(*, compound: Compound, data: dict, actor) -> ServiceArrangement:
    """A new arrangement of the compound; refused if it overlaps another one."""
    _require(actor, "programs.add_servicearrangement")
    _require_compound(actor, compound)
    return _arrangement_create(compound=compound, data=data, actor=actor)


def _arrangement_create(*, compound: Compound, data: dict, actor) -> ServiceArrangement:
    """arrangement_create without the permission check, for services that checked their own."""
    compound = _lock(compound)
    data = {k: v for k, v in data.items() if k in ARRANGEMENT_FIELDS}
    arrangement = ServiceArrangement(compound=compound, **data)
    arrangement.full_clean()
    _check_no_overlap(compound, arrangement.start_date, arrangement.end_date)
    arrangement = _save_arrangement(
        arrangement, create=True, actor=actor, data={"compound": compound, **data}
    )
    sync_compound(compound, actor=actor)
    return arrangement


@transaction.atomic
def arrangement_end(*, arrangement: ServiceArrangement, end_date: datetime.date, actor) -> ServiceArrangement:
    """End an arrangement on a day (inclusive)."""
    _require(actor, "programs.change_servicearrangement")
    _require_compound(actor, arrangement.compound)
    _lock(arrangement.compound)
    arrangement = ServiceArrangement.objects.get(pk=arrangement.pk)
    if end_date < arrangement.start_date:
        raise ValidationError({"end_date": "结束日期不能早于开始日期"})
    _check_no_overlap(arrangement.compound, arrangement.start_date, end_date, exclude_pk=arrangement.pk)
    arrangement = _save_arrangement(arrangement, create=False, actor=actor, data={"end_date": end_date})
    sync_compound(arrangement.compound, actor=actor)
    return arrangement


@transaction.atomic
def arrangement_replace(*, compound: Compound, data: dict, actor) -> ServiceArrangement:
    """Change who serves a compound from `data["start_date"]`: the arrangement in force the day
    before ends then, and the new one starts."""
    start = data["start_date"]
    _require(actor, "programs.add_servicearrangement")
    _require_compound(actor, compound)
    _lock(compound)
    current = ServiceArrangement.objects.filter(in_force_q(start), compound=compound).first()
    if current is not None:
        if current.start_date >= start:
            raise ValidationError({"start_date": "新安排的开始日期必须晚于现有安排的开始日期"})
        record_update(obj=current, data={"end_date": start - DAY}, actor=actor, verb="servicearrangement.end")
    return arrangement_create(compound=compound, data=data, actor=actor)


@transaction.atomic
def collection_record(
    *,
    arrangement: ServiceArrangement,
    period: datetime.date,
    amount_due: Decimal,
    amount_collected: Decimal,
    actor,
) -> CollectionRecord:
    """Fees due and collected in one month (the collection rate of that period)."""
    _require(actor, "programs.add_collectionrecord")
    if actor is not None and actor.company_id:
        if arrangement.company_id != actor.company_id:
            raise ForbiddenError("只能登记本企业服务的小区")
    else:
        _require_compound(actor, arrangement.compound)
    period = month_start(period)
    month_end = (period + datetime.timedelta(days=31)).replace(day=1) - DAY
    if arrangement.start_date > month_end or (arrangement.end_date and arrangement.end_date < period):
        raise ValidationError({"period": "该月份不在服务安排期内"})
    return record_create(
        model=CollectionRecord,
        data={
            "arrangement": arrangement,
            "period": period,
            "amount_due": amount_due,
            "amount_collected": amount_collected,
        },
        actor=actor,
    )


# ------------------------------------------------------------ 兜底
@transaction.atomic
def fallback_assign(
    *,
    compound: Compound,
    company: PropertyCompany,
    start_date: datetime.date,
    actor,
    end_date: datetime.date | None = None,
    standard: str = "",
    fee_per_sqm: Decimal | None = None,
    monthly_subsidy: Decimal = Decimal("0"),
    is_generated: bool = False,
) -> FallbackAgreement:
    """A county puts an unmanaged old compound under a public-welfare company (兜底)."""
    _require(actor, "programs.assign_fallback")
    _require_compound(actor, compound)
    if company.kind != CompanyKind.PUBLIC_WELFARE:
        raise ValidationError({"company": "兜底服务企业必须是国有公益性物业企业"})
    if not compound.is_old:
        raise ValidationError({"compound": "兜底管理只适用于老旧小区"})
    if monthly_subsidy is not None and monthly_subsidy < 0:
        raise ValidationError({"monthly_subsidy": "财政补助不能为负数"})
    arrangement = _arrangement_create(
        compound=compound,
        actor=actor,
        data={
            "mode": ArrangementMode.FALLBACK,
            "company": company,
            "start_date": start_date,
            "end_date": end_date,
            "fee_per_sqm": fee_per_sqm,
            "note": "兜底服务协议",
            "is_generated": is_generated,
        },
    )
    agreement = record_create(
        model=FallbackAgreement,
        data={
            "compound": compound,
            "company": company,
            "arrangement": arrangement,
            "start_date": start_date,
            "end_date": end_date,
            "standard": standard,
            "fee_per_sqm": fee_per_sqm,
            "monthly_subsidy": monthly_subsidy,
            "is_generated": is_generated,
        },
        actor=actor,
        verb="fallbackagreement.assign",
    )
    return agreement


@transaction.atomic
def inspection_record(
    *,
    agreement: FallbackAgreement,
    period: datetime.date,
    actor,
    security_ok: bool = True,
    cleaning_ok: bool = True,
    greenery_ok: bool = True,
    repairs_ok: bool = True,
    notes: str = "",
    photo=None,
    inspected_on: datetime.date | None = None,
) -> Inspection:
    """A monthly inspection of the four basics. FALLBACK_FAILED_INSPECTIONS_NOTICE failures in a
    row send the company a notice (once per run of failures)."""
    _require(actor, "programs.inspect_fallback")
    _require_compound(actor, agreement.compound)
    period = month_start(period)
    if period < month_start(agreement.start_date) or (agreement.end_date and period > agreement.end_date):
        raise ValidationError({"period": "该月份不在兜底协议期内"})
    if period > _today():
        raise ValidationError({"period": "不能登记未来月份的巡查"})
    data = {
        "agreement": agreement,
        "period": month_start(period),
        "inspected_on": inspected_on or _today(),
        "inspector": actor,
        "security_ok": security_ok,
        "cleaning_ok": cleaning_ok,
        "greenery_ok": greenery_ok,
        "repairs_ok": repairs_ok,
        "notes": notes,
    }
    if photo:
        data["photo"] = photo
    inspection = record_create(model=Inspection, data=data, actor=actor, verb="inspection.inspect")
    if not inspection.passed:
        _maybe_notice(agreement, actor=actor)
    return inspection


def failure_streak(agreement: FallbackAgreement) -> int:
    """Failed inspections in a row, counting back from the latest."""
    streak = 0
    for passed in agreement.inspections.order_by("-period").values_list("passed", flat=True)[:24]:
        if passed:
            break
        streak += 1
    return streak


def _maybe_notice(agreement: FallbackAgreement, *, actor) -> bool:
    from apps.accounts.models import User

    limit = settings.FALLBACK_FAILED_INSPECTIONS_NOTICE
    streak = failure_streak(agreement)
    if streak != limit:  # exactly at the threshold: one notice per run of failures
        return False
    today = _today()
    FallbackAgreement.objects.filter(pk=agreement.pk).update(notice_sent_on=today)
    recipients = tuple(User.objects.filter(company_id=agreement.company_id, is_active=True))
    notify_batch(
        [
            Message(
                recipients=recipients,
                kind="programs.inspection_failed",
                title=f"整改通知：{agreement.compound.name}连续{streak}次巡查不合格",
                body=f"{agreement.compound.name}的兜底服务连续{streak}个月巡查不合格，请及时整改。",
                link=agreement.get_absolute_url(),
            )
        ]
    )
    event_record(actor=actor, verb="fallbackagreement.notice", obj=agreement, note=f"连续{streak}次不合格")
    return True


# ------------------------------------------------------------ 大手牵小手
@transaction.atomic
def pairing_create(
    *,
    compound: Compound,
    company: PropertyCompany,
    start_date: datetime.date,
    actor,
    subsidy_rate: Decimal,
    subsidy_basis: str = SubsidyBasis.PER_AREA,
    years: int | None = None,
    fee_per_sqm: Decimal | None = None,
    distance_km: Decimal | None = None,
    is_generated: bool = False,
) -> PairingAgreement:
    """A draft pairing agreement (the company then signs it)."""
    _require(actor, "programs.add_pairingagreement")
    _require_compound(actor, compound)
    if ServiceArrangement.objects.filter(in_force_q(start_date), compound=compound).exists():
        raise ValidationError({"start_date": "该小区在开始日期已有物业服务安排"})
    if PairingAgreement.objects.filter(compound=compound, status=AgreementStatus.DRAFT).exists():
        raise ValidationError({"compound": "该小区已有待签订的帮扶协议"})
    return record_create(
        model=PairingAgreement,
        data={
            "compound": compound,
            "company": company,
            "start_date": start_date,
            "years": years or settings.PAIRING_TRANSITION_YEARS,
            "transition_date": add_years(start_date, years or settings.PAIRING_TRANSITION_YEARS),
            "subsidy_basis": subsidy_basis,
            "subsidy_rate": subsidy_rate,
            "decline": settings.PAIRING_SUBSIDY_DECLINE,
            "resident_shares": settings.PAIRING_RESIDENT_SHARES,
            "fee_per_sqm": fee_per_sqm,
            "distance_km": None
            if distance_km in (None, "")
            else Decimal(str(distance_km)).quantize(Decimal("0.01")),
            "is_generated": is_generated,
        },
        actor=actor,
    )


@transaction.atomic
def pairing_sign(*, pairing: PairingAgreement, actor, on: datetime.date | None = None) -> PairingAgreement:
    """The adopting company signs: the pairing arrangement starts and the milestones are set."""
    _require(actor, "programs.sign_pairing")
    _require_company_actor(actor, pairing.company)
    if actor is not None and not actor.company_id:
        _require_compound(actor, pairing.compound)
    on = on or _today()
    compare_and_set(
        PairingAgreement,
        pk=pairing.pk,
        expected=AgreementStatus.DRAFT,
        new=AgreementStatus.SIGNED,
        extra={"signed_on": on},
        message="该协议已签订或已撤销，请刷新后重试",
    )
    pairing = PairingAgreement.objects.select_related("compound", "company").get(pk=pairing.pk)
    arrangement = _arrangement_create(
        compound=pairing.compound,
        actor=actor,
        data={
            "mode": ArrangementMode.PAIRING,
            "company": pairing.company,
            "start_date": pairing.start_date,
            "end_date": pairing.transition_date - DAY,
            "fee_per_sqm": pairing.fee_per_sqm,
            "note": "大手牵小手帮扶",
            "is_generated": pairing.is_generated,
        },
    )
    PairingAgreement.objects.filter(pk=pairing.pk).update(arrangement=arrangement)
    pairing.arrangement = arrangement
    steps = [
        (f"第{line.year}年评估：居民缴费比例达到{float(line.resident_share):.0%}", line.end)
        for line in pairing.schedule()
    ]
    steps.append(("过渡期满，推行市场化物业管理", pairing.transition_date))
    Milestone.objects.bulk_create([Milestone(pairing=pairing, title=t, due_date=d) for t, d in steps])
    event_record(
        actor=actor, verb="pairingagreement.sign", obj=pairing, changes={"status": ["draft", "signed"]}
    )
    return pairing


@transaction.atomic
def pairing_outcome_record(
    *,
    pairing: PairingAgreement,
    outcome: str,
    actor,
    on: datetime.date | None = None,
    note: str = "",
    extend_years: int = 1,
    fallback_company: PropertyCompany | None = None,
    decision=None,
) -> PairingAgreement:
    """The end of the transition: a market contract with the adopter (optionally by a passed
    owners' decision of the compound, `decision`: a voting Decision), an extension, or 兜底."""
    from apps.voting.selectors import decision_link_problem

    _require(actor, "programs.change_pairingagreement")
    _require_compound(actor, pairing.compound)
    pairing = PairingAgreement.objects.select_related("compound", "company", "arrangement").get(pk=pairing.pk)
    if pairing.status != AgreementStatus.SIGNED:
        raise DomainError("只有已签订的帮扶协议才能记录过渡结果")
    if outcome not in PairingOutcome.values:
        raise ValidationError({"outcome": "请选择过渡结果"})
    if decision is not None:
        if outcome != PairingOutcome.MARKET_CONTRACT:
            raise ValidationError({"owners_decision": "只有“签订市场化物业服务合同”可关联业主共同决定"})
        problem = decision_link_problem(decision, compound_id=pairing.compound_id)
        if problem:
            raise ValidationError({"owners_decision": problem})
    on = on or pairing.transition_date
    if outcome == PairingOutcome.EXTENDED:
        if extend_years < 1:
            raise ValidationError({"years": "延长期至少1年"})
        new_transition = add_years(pairing.transition_date, extend_years)
        arrangement = pairing.arrangement
        _lock(pairing.compound)
        _check_no_overlap(
            pairing.compound, arrangement.start_date, new_transition - DAY, exclude_pk=arrangement.pk
        )
        record_update(obj=arrangement, data={"end_date": new_transition - DAY}, actor=actor)
        record_update(
            obj=pairing,
            data={
                "years": pairing.years + extend_years,
                "transition_date": new_transition,
                "outcome": outcome,
                "outcome_on": on,
                "outcome_note": note,
                "reminded_on": None,
            },
            actor=actor,
            verb="pairingagreement.outcome",
        )
        return pairing
    # the pairing arrangement ends the day before the next one starts
    arrangement = pairing.arrangement
    if arrangement.end_date is None or arrangement.end_date >= on:
        record_update(
            obj=arrangement, data={"end_date": on - DAY}, actor=actor, verb="servicearrangement.end"
        )
    if outcome == PairingOutcome.MARKET_CONTRACT:
        _arrangement_create(
            compound=pairing.compound,
            actor=actor,
            data={
                "mode": ArrangementMode.MARKET,
                "company": pairing.company,
                "start_date": on,
                "fee_per_sqm": pairing.fee_per_sqm,
                "note": "大手牵小手期满转市场化",
            },
        )
    else:
        if fallback_company is None:
            raise ValidationError({"company": "转为兜底时请选择公益性物业企业"})
        fallback_assign(compound=pairing.compound, company=fallback_company, start_date=on, actor=actor)
    record_update(
        obj=pairing,
        data={
            "status": AgreementStatus.CONCLUDED,
            "outcome": outcome,
            "outcome_on": on,
            "outcome_note": note,
            "owners_decision": decision,
        },
        actor=actor,
        verb="pairingagreement.outcome",
    )
    sync_compound(pairing.compound, actor=actor)
    return pairing


def pairing_reminders_send(*, today: datetime.date | None = None) -> int:
    """Tell the county and the street of every pairing whose transition date is within
    PAIRING_REMINDER_DAYS. Idempotent (one reminder per pairing, claimed by compare-and-set),
    safe from cron on several machines. Returns the reminders sent."""
    from apps.accounts.models import User
    from apps.core.roles import Role
    from apps.workdays.calendar import CalendarMissing, is_workday

    def workday(day):
        try:
            return is_workday(day)
        except CalendarMissing:  # the year's holidays not entered yet: weekdays only
            return day.weekday() < 5

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.PAIRING_REMINDER_DAYS)
    due = PairingAgreement.objects.filter(
        status=AgreementStatus.SIGNED,
        outcome="",
        reminded_on__isnull=True,
        transition_date__lte=horizon,
        transition_date__gte=today,
    ).select_related("compound", "company")
    sent = 0
    for pairing in due:
        with transaction.atomic():
            claimed = PairingAgreement.objects.filter(pk=pairing.pk, reminded_on__isnull=True).update(
                reminded_on=today
            )
            if claimed != 1:
                continue
            community = pairing.compound.community_id
            officials = User.objects.filter(
                is_active=True,
                role__in=[Role.COUNTY, Role.STREET],
                region_id__in=[community[:6], community[:9]],
            )
            decide_by = pairing.transition_date - DAY
            while not workday(decide_by) and decide_by > today:
                decide_by -= DAY  # the decision is due on the last working day before
            notify_batch(
                [
                    Message(
                        recipients=tuple(officials),
                        kind="programs.transition_due",
                        title=f"大手牵小手到期提醒：{pairing.compound.name}",
                        body=(
                            f"{pairing.compound.name}（{pairing.company.name}帮扶）将于{pairing.transition_date}"
                            f"期满转市场化，请于{decide_by}（工作日）前确定：签订市场化合同、延长帮扶或转为兜底。"
                        ),
                        link=pairing.get_absolute_url(),
                    )
                ]
            )
            event_record(
                actor=None,
                verb="pairingagreement.remind",
                obj=pairing,
                note=f"期满日{pairing.transition_date}",
            )
            sent += 1
    return sent


# ------------------------------------------------------------ subsidies
@transaction.atomic
def subsidy_apply(
    *,
    agreement: PairingAgreement | FallbackAgreement,
    period: datetime.date,
    amount: Decimal,
    actor,
    fees_due: Decimal | None = None,
    fees_collected: Decimal | None = None,
    over_schedule_reason: str = "",
    is_generated: bool = False,
) -> SubsidyApplication:
    """The company claims one month's subsidy. Above the schedule only with a reason (and then
    it is paid only after a second approver)."""
    _require(actor, "programs.apply_subsidy")
    _require_company_actor(actor, agreement.company)
    period = month_start(period)
    is_pairing = isinstance(agreement, PairingAgreement)
    if agreement.status == AgreementStatus.DRAFT:
        raise DomainError("协议尚未签订，不能申请补助")
    scheduled = agreement.monthly_subsidy_on(period)
    if scheduled <= 0:
        raise ValidationError({"period": "该月份不在补助期内（补助标准为0）"})
    if amount is not None and amount > scheduled and not over_schedule_reason.strip():
        raise ValidationError(
            {"amount": f"申请金额超过补助标准（{scheduled}元）；确需超标准申请请填写原因，并须两人审核"}
        )
    duplicate = SubsidyApplication.objects.filter(
        period=period, **({"pairing": agreement} if is_pairing else {"fallback": agreement})
    ).exclude(status=SubsidyStatus.REFUSED)
    if duplicate.exists():
        raise ValidationError({"period": "该月份已申请补助"})
    return record_create(
        model=SubsidyApplication,
        data={
            "programme": Programme.PAIRING if is_pairing else Programme.FALLBACK,
            "pairing": agreement if is_pairing else None,
            "fallback": None if is_pairing else agreement,
            "compound": agreement.compound,
            "company": agreement.company,
            "period": period,
            "amount": amount,
            "scheduled_amount": scheduled,
            "over_schedule_reason": over_schedule_reason,
            "fees_due": fees_due,
            "fees_collected": fees_collected,
            "applied_by": actor,
            "is_generated": is_generated,
        },
        actor=actor,
        verb="subsidyapplication.apply",
    )


@transaction.atomic
def subsidy_approve(*, application: SubsidyApplication, actor) -> SubsidyApplication:
    """First approval; for an amount above the schedule, a different official's second approval."""
    _require(actor, "programs.approve_subsidy")
    _require_compound(actor, application.compound)
    application = SubsidyApplication.objects.get(pk=application.pk)
    if application.status == SubsidyStatus.APPLIED:
        compare_and_set(
            SubsidyApplication,
            pk=application.pk,
            expected=SubsidyStatus.APPLIED,
            new=SubsidyStatus.APPROVED,
            extra={"approved_by": actor},
        )
        event_record(actor=actor, verb="subsidyapplication.approve", obj=application)
    elif application.status == SubsidyStatus.APPROVED and application.above_schedule:
        if application.second_approver_id:
            raise ConflictError("该申请已复核")
        if actor is not None and application.approved_by_id == actor.pk:
            raise ForbiddenError("复核人不能与审核人为同一人")
        updated = SubsidyApplication.objects.filter(pk=application.pk, second_approver__isnull=True).update(
            second_approver=actor
        )
        if updated != 1:
            raise ConflictError("该申请已复核")
        event_record(actor=actor, verb="subsidyapplication.approve", obj=application, note="超标准复核")
    else:
        raise ConflictError("该申请当前状态不能审核")
    return SubsidyApplication.objects.get(pk=application.pk)


@transaction.atomic
def subsidy_refuse(*, application: SubsidyApplication, reason: str, actor) -> SubsidyApplication:
    _require(actor, "programs.approve_subsidy")
    _require_compound(actor, application.compound)
    if not reason.strip():
        raise ValidationError({"refusal_reason": "请填写不通过原因"})
    compare_and_set(
        SubsidyApplication,
        pk=application.pk,
        expected=[SubsidyStatus.APPLIED, SubsidyStatus.APPROVED],
        new=SubsidyStatus.REFUSED,
        extra={"refusal_reason": reason.strip()[:200]},
    )
    event_record(actor=actor, verb="subsidyapplication.refuse", obj=application, note=reason)
    return SubsidyApplication.objects.get(pk=application.pk)


@transaction.atomic
def subsidy_disburse(
    *, application: SubsidyApplication, actor, amount: Decimal | None = None, on: datetime.date | None = None
) -> SubsidyApplication:
    """Record the payment. Above the schedule only after a second approver."""
    _require(actor, "programs.disburse_subsidy")
    _require_compound(actor, application.compound)
    application = SubsidyApplication.objects.get(pk=application.pk)
    amount = application.amount if amount is None else amount
    if amount <= 0:
        raise ValidationError({"disbursed_amount": "拨付金额必须大于0"})
    if amount > application.amount:
        raise ValidationError({"disbursed_amount": "拨付金额不能超过申请金额"})
    if amount > application.scheduled_amount and not application.second_approver_id:
        raise ValidationError({"disbursed_amount": "超出补助标准的拨付须经另一名审核人复核"})
    compare_and_set(
        SubsidyApplication,
        pk=application.pk,
        expected=SubsidyStatus.APPROVED,
        new=SubsidyStatus.DISBURSED,
        extra={"disbursed_amount": amount, "disbursed_on": on or _today()},
        message="该申请尚未审核通过或已拨付",
    )
    event_record(
        actor=actor,
        verb="subsidyapplication.disburse",
        obj=application,
        changes={"disbursed_amount": [None, str(amount)]},
    )
    return SubsidyApplication.objects.get(pk=application.pk)


def modes_sync(*, today: datetime.date | None = None) -> int:
    """Bring Compound.management_mode up to date for arrangements that started or ended by date
    alone (cron, daily; idempotent). Returns the compounds changed."""
    today = today or timezone.localdate()
    window = today - datetime.timedelta(days=7)  # catches up a missed week of cron runs
    touched = ServiceArrangement.objects.filter(
        Q(start_date__gt=window, start_date__lte=today) | Q(end_date__gte=window, end_date__lt=today)
    ).values_list("compound_id", flat=True)
    changed = 0
    for compound in Compound.objects.filter(pk__in=touched.distinct()):
        with transaction.atomic():
            before = (compound.management_mode, compound.company_id)
            after = sync_compound(compound, today=today)
            changed += before != (after.management_mode, after.company_id)
    return changed


# ------------------------------------------------------------ planner capacities
def _capacity_value(value) -> int | None:
    """ "" / None → the default; a whole number ≥ 1 → itself; anything else → ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    number = int(value.strip()) if isinstance(value, str) else value
    if not isinstance(number, int) or number < 1:
        raise ValueError
    return number


@transaction.atomic
def planner_capacities_set(*, county: Region, values: dict[int, int | str | None], actor) -> int:
    """Store the county's planner capacity of each company in `values` (company id → a positive
    whole number, or empty/None for the default). All or nothing; returns the rows changed."""
    from apps.programs.selectors import planner_companies

    _require(actor, "programs.run_planner")
    if county.level != "county":
        raise DomainError("结对规划容量按县区设置，请选择县区")
    if actor is not None and not scope_of(actor).contains_code(county.code):
        raise ForbiddenError("该县区不在您的管辖范围内")
    companies = {c.pk: c for c in planner_companies(county.code).filter(pk__in=list(values))}
    parsed, errors = {}, {}
    for company_id, value in values.items():
        company = companies.get(company_id)
        if company is None:
            errors[f"cap_{company_id}"] = "该企业不是本县区可参与结对的市场化物业企业"
            continue
        try:
            parsed[company_id] = _capacity_value(value)
        except (TypeError, ValueError):
            errors[f"cap_{company_id}"] = f"“{company.name}”的帮扶容量必须是正整数"
    if errors:
        raise ValidationError(errors)
    stored = {
        row.company_id: row
        for row in PlannerCapacity.objects.select_for_update().filter(
            county=county, company_id__in=list(parsed)
        )
    }
    changed = 0
    for company_id, capacity in parsed.items():
        row = stored.get(company_id)
        if capacity is None:
            if row is not None:
                record_delete(obj=row, actor=actor)
                changed += 1
        elif row is None:
            record_create(
                model=PlannerCapacity,
                data={"county": county, "company": companies[company_id], "capacity": capacity},
                actor=actor,
            )
            changed += 1
        elif row.capacity != capacity:
            record_update(obj=row, data={"capacity": capacity}, actor=actor)
            changed += 1
    return changed
