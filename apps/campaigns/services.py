"""Every write of campaigns, projects and joint meetings. Keyword-only, atomic, validated, audited;
status changes by compare-and-set; notifications after commit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from apps.campaigns.choices import (
    CampaignStatus,
    DecisionStatus,
    FundingSource,
    Handling,
    MeetingStatus,
    PhotoKind,
    ProblemStatus,
    ProjectStatus,
    Severity,
    SubItemStatus,
    UnitKind,
)
from apps.campaigns.deadlines import times_for_day
from apps.campaigns.models import (
    AgendaItem,
    Campaign,
    ChecklistItem,
    Decision,
    Inspection,
    Invitee,
    JointMeeting,
    Photo,
    Problem,
    ProgressUpdate,
    Project,
    SubItem,
)
from apps.core.errors import DomainError, ForbiddenError
from apps.core.roles import OFFICIAL_ROLES, Role
from apps.core.scoping import region_prefix, scope_of, scoped
from apps.core.services import compare_and_set, event_record

# ------------------------------------------------------------------ helpers


def _now(now):
    return now or timezone.now()


def _require(actor, perm: str, message: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise ForbiddenError(message)


def _visible(actor, obj) -> None:
    """Outsiders never learn that an object exists: 404 as for a page."""
    if actor is None:
        return
    if not scoped(type(obj).objects.filter(pk=obj.pk), actor).exists():
        raise Http404("未找到该记录，或不在您的辖区内。")


def _clean(obj, *, exclude=None) -> None:
    """full_clean → a DomainError whose message names each field in Chinese."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise _named(type(obj), exc) from exc


def _named(model, exc: ValidationError) -> DomainError:
    parts, fields = [], {}
    for name, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        try:
            label = str(model._meta.get_field(name).verbose_name) if name != "__all__" else ""
        except Exception:
            label = name
        for error in errors:
            parts.append(f"{label}：{error}" if label else error)
        fields[name] = errors
    return DomainError("；".join(parts), field_errors=fields)


def _field_error(field: str, label: str, message: str) -> DomainError:
    return DomainError(f"{label}：{message}", field_errors={field: [message]})


def _save(obj) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise DomainError("数据与已有记录冲突或不符合规则，未保存。") from exc


def _record(actor, verb: str, obj, changes: dict | None = None, note: str = "", at=None):
    event_record(actor=actor, verb=verb, obj=obj, changes=changes or {}, note=note, at=at)


def _text(value, *, field: str, label: str, required: bool = True, max_length: int = 2000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _field_error(field, label, f"请填写{label}")
    if len(text) > max_length:
        raise _field_error(field, label, f"不能超过{max_length}字")
    return text


def _photos_stored():
    """The work orders' photo storage: files stored in the block are deleted if it fails."""
    from apps.workorders import photos

    return photos.files_removed_on_failure()


def _save_photos(*, uploads, kind: str, actor, now, into: list, problem=None, progress=None) -> list[Photo]:
    """Check and store the uploads as `kind` photos of a problem or a progress report; the rows go
    into `into` (a `_photos_stored()` list) as their files are stored."""
    from apps.workorders import photos

    try:
        checked = photos.check_photos(uploads)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field_errors={"photos": exc.messages}) from exc
    return photos.photo_rows_create(
        Photo, checked, actor=actor, now=now, into=into, problem=problem, progress=progress, kind=kind
    )


def _region_of_actor_contains(actor, code: str) -> bool:
    if actor is None:
        return True
    return scope_of(actor).contains_code(code)


# ------------------------------------------------------------------ campaigns
@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    region,
    start_date: datetime.date,
    end_date: datetime.date,
    regions: Iterable,
    checklist: Iterable[str],
    description: str = "",
    is_generated: bool = False,
) -> Campaign:
    """A city or county launches a campaign over some of its regions, with a checklist."""
    _require(actor, "campaigns.add_campaign", "您的角色不能发起专项行动")
    if actor is not None and actor.role not in (Role.CITY, Role.COUNTY) and not actor.is_superuser:
        raise ForbiddenError("专项行动由市级或县区发起")
    if region is None or region.level not in ("city", "county"):
        raise _field_error("region", "发起区划", "须为市或县区")
    if not _region_of_actor_contains(actor, region.code):
        raise Http404("未找到该区划，或不在您的辖区内。")
    prefix = region_prefix(region.code, region.level)
    regions = list(regions)
    if not regions:
        raise _field_error("regions", "排查范围", "请至少选择一个区划")
    for r in regions:
        if not r.code.startswith(prefix):
            raise _field_error("regions", "排查范围", f"“{r.name}”不在{region.name}范围内")
    items = [t.strip() for t in checklist if t and t.strip()]
    if not items:
        raise _field_error("checklist", "排查清单", "请至少填写一个排查项目")
    campaign = Campaign(
        name=_text(name, field="name", label="行动名称", max_length=100),
        region=region,
        region_prefix=prefix,
        start_date=start_date,
        end_date=end_date,
        description=(description or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
        is_generated=is_generated,
    )
    _clean(campaign, exclude=["region_prefix"])
    _save(campaign)
    campaign.regions.set(regions)
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(campaign=campaign, text=t[:200], position=i) for i, t in enumerate(items, 1)]
    )
    _record(
        actor,
        "campaign.create",
        campaign,
        {
            "name": [None, campaign.name],
            "regions": [None, [r.code for r in regions]],
            "checklist": [None, items],
        },
    )
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    _require(actor, "campaigns.change_campaign", "您的角色不能结束专项行动")
    _visible(actor, campaign)
    compare_and_set(
        Campaign,
        pk=campaign.pk,
        expected=CampaignStatus.ACTIVE,
        new=CampaignStatus.CLOSED,
        message="专项行动已结束",
    )
    campaign.status = CampaignStatus.CLOSED
    _record(actor, "campaign.close", campaign, {"status": [CampaignStatus.ACTIVE, CampaignStatus.CLOSED]})
    return campaign


def compounds_in_scope(campaign: Campaign):
    """The compounds a campaign covers: every compound under one of its regions."""
    from django.db.models import Q

    from apps.registry.models import Compound

    q = Q()
    for r in campaign.regions.all():
        q |= Q(community__pk__startswith=region_prefix(r.code, r.level))
    return Compound.objects.filter(q) if q else Compound.objects.none()


def campaign_covers(campaign: Campaign, compound) -> bool:
    return any(
        compound.community_id.startswith(region_prefix(r.code, r.level)) for r in campaign.regions.all()
    )


# ------------------------------------------------------------------ inspections and problems
@dataclass
class ProblemInput:
    description: str
    location: str = ""
    severity: str = Severity.MEDIUM
    suggested_handling: str = Handling.PROJECT
    photo_files: tuple = ()


@transaction.atomic
def inspection_record(
    *,
    actor,
    campaign: Campaign,
    compound,
    answers: dict,
    note: str = "",
    problems: Iterable[ProblemInput] = (),
    now: datetime.datetime | None = None,
    is_generated: bool = False,
) -> Inspection:
    """An inspector records one compound: an answer to every checklist item (ok or not, with a
    note) and the problems found. `answers` maps checklist item id → {"ok": bool, "note": str}."""
    now = _now(now)
    _require(actor, "campaigns.add_inspection", "您的角色不能录入排查")
    _visible(actor, campaign)
    if actor is not None and not actor.is_superuser and actor.role not in OFFICIAL_ROLES:
        raise ForbiddenError("排查由社区、街道或网格工作人员录入")
    if campaign.status != CampaignStatus.ACTIVE:
        raise DomainError("专项行动已结束，不能再录入排查")
    if compound is None or not campaign_covers(campaign, compound):
        raise _field_error("compound", "小区", "不在本次专项行动的排查范围内")
    if not _region_of_actor_contains(actor, compound.community_id):
        raise Http404("未找到该小区，或不在您的辖区内。")
    items = {str(i.pk): i for i in campaign.items.all()}
    given = {str(k): v for k, v in (answers or {}).items()}
    unknown = sorted(set(given) - set(items))
    if unknown:
        raise _field_error("answers", "清单答复", "含有不属于本次行动的排查项目")
    missing = [items[k].text for k in items if k not in given]
    if missing:
        raise _field_error("answers", "清单答复", f"请答复：{'、'.join(missing[:3])}")
    clean_answers = {}
    for key, value in given.items():
        if isinstance(value, bool):
            value = {"ok": value}
        if not isinstance(value, dict) or not isinstance(value.get("ok"), bool):
            raise _field_error("answers", "清单答复", f"“{items[key].text}”请选择合格或不合格")
        clean_answers[key] = {"ok": value["ok"], "note": str(value.get("note") or "").strip()[:200]}
    if Inspection.objects.filter(campaign=campaign, compound=compound).exists():
        raise _field_error("compound", "小区", "该小区在本次行动中已有排查记录")
    inspection = Inspection(
        campaign=campaign,
        compound=compound,
        region_code=compound.community_id,
        inspector=actor if getattr(actor, "pk", None) else None,
        inspected_at=now,
        answers=clean_answers,
        note=(note or "").strip(),
        is_generated=is_generated,
    )
    _clean(inspection, exclude=["region_code"])
    _save(inspection)
    failed = sum(1 for a in clean_answers.values() if not a["ok"])
    _record(actor, "inspection.create", inspection, {"answers": [None, f"{failed}项不合格"]}, at=now)
    for p in problems:
        problem_add(
            actor=actor,
            inspection=inspection,
            description=p.description,
            location=p.location,
            severity=p.severity,
            suggested_handling=p.suggested_handling,
            photo_files=p.photo_files,
            now=now,
            is_generated=is_generated,
        )
    return inspection


@transaction.atomic
def problem_add(
    *,
    actor,
    inspection: Inspection,
    description: str,
    location: str = "",
    severity: str = Severity.MEDIUM,
    suggested_handling: str = Handling.PROJECT,
    photo_files=(),
    now: datetime.datetime | None = None,
    is_generated: bool = False,
) -> Problem:
    now = _now(now)
    _require(actor, "campaigns.add_inspection", "您的角色不能登记排查问题")
    _visible(actor, inspection)
    if inspection.campaign.status != CampaignStatus.ACTIVE:
        raise DomainError("专项行动已结束，不能再登记问题")
    problem = Problem(
        inspection=inspection,
        campaign_id=inspection.campaign_id,
        compound_id=inspection.compound_id,
        region_code=inspection.region_code,
        description=_text(description, field="description", label="问题描述"),
        location=(location or "").strip()[:100],
        severity=severity,
        suggested_handling=suggested_handling,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
        is_generated=is_generated,
    )
    _clean(problem, exclude=["region_code", "campaign", "compound", "inspection"])
    _save(problem)
    with _photos_stored() as stored:
        _save_photos(
            uploads=photo_files, kind=PhotoKind.PROBLEM, actor=actor, now=now, into=stored, problem=problem
        )
        _record(actor, "problem.create", problem, {"description": [None, problem.description]}, at=now)
    return problem


def _problem_settle(actor, problem: Problem, status: str, field: str, target, verb: str) -> None:
    """An open problem becomes a work order, a project or part of one — once: compare-and-set
    from 待处置, the link stored, the audit event recorded."""
    compare_and_set(
        Problem,
        pk=problem.pk,
        expected=ProblemStatus.OPEN,
        new=status,
        extra={field: target},
        message="该问题已被他人处置，请刷新",
    )
    problem.status = status
    setattr(problem, field, target)
    _record(actor, verb, problem, {field: [None, target.pk]})


def _open_problem(actor, problem: Problem) -> None:
    _require(actor, "campaigns.convert_problem", "您的角色不能处置排查问题")
    _visible(actor, problem)
    if problem.status != ProblemStatus.OPEN:
        raise DomainError(f"该问题已处置（{problem.get_status_display()}）")


@transaction.atomic
def problem_to_workorder(
    *, actor, problem: Problem, category, urgency: str = "normal", reporter_phone: str = "", now=None
):
    """The problem becomes a whistle through the work-order intake, linked back. Filed by staff,
    it follows the intake's rule for staff filing: a phone to call back — the one given, else the
    inspector's own (the intake refuses without one)."""
    from apps.workorders.choices import Channel
    from apps.workorders.services import workorder_submit

    _open_problem(actor, problem)
    if category is None:
        raise _field_error("category", "诉求分类", "请选择诉求分类")
    files = [p.file.open("rb").read() for p in problem.photos.all()]
    text = problem.description + (f"（位置：{problem.location}）" if problem.location else "")
    order = workorder_submit(
        actor=actor,
        compound=problem.compound,
        category=category,
        description=f"【{problem.campaign.name}】{text}",
        urgency=urgency,
        channel=Channel.STAFF if actor is not None else Channel.HOTLINE,
        reporter_name=(problem.inspection.inspector.full_name if problem.inspection.inspector_id else ""),
        reporter_phone=reporter_phone
        or (problem.inspection.inspector.phone if problem.inspection.inspector_id else ""),
        photo_files=files,
        now=now,
        is_generated=problem.is_generated,
    )
    _problem_settle(actor, problem, ProblemStatus.WORKORDER, "workorder", order, "problem.to_workorder")
    return order


@transaction.atomic
def problem_to_project(*, actor, problem: Problem, name: str, description: str = "", now=None) -> Project:
    _open_problem(actor, problem)
    project = project_create(
        actor=actor,
        compound=problem.compound,
        name=name,
        description=description or problem.description,
        campaign=problem.campaign,
        now=now,
        is_generated=problem.is_generated,
    )
    _problem_settle(actor, problem, ProblemStatus.PROJECT, "project", project, "problem.to_project")
    return project


@transaction.atomic
def problem_merge(*, actor, problem: Problem, project: Project) -> Problem:
    _open_problem(actor, problem)
    _visible(actor, project)
    if project.compound_id != problem.compound_id:
        raise _field_error("project", "民生项目", "只能并入同一小区的项目")
    if project.status != ProjectStatus.OPEN:
        raise _field_error("project", "民生项目", "该项目已完成，不能再并入问题")
    _problem_settle(actor, problem, ProblemStatus.MERGED, "project", project, "problem.merge")
    return problem


# ------------------------------------------------------------------ projects
@transaction.atomic
def project_create(
    *,
    actor,
    compound,
    name: str,
    description: str = "",
    campaign: Campaign | None = None,
    source_order=None,
    now=None,
    is_generated: bool = False,
) -> Project:
    _require(actor, "campaigns.add_project", "您的角色不能新建民生项目")
    if compound is None:
        raise _field_error("compound", "小区", "请选择小区")
    if not _region_of_actor_contains(actor, compound.community_id):
        raise Http404("未找到该小区，或不在您的辖区内。")
    project = Project(
        name=_text(name, field="name", label="项目名称", max_length=100),
        compound=compound,
        region_code=compound.community_id,
        campaign=campaign,
        source_order=source_order,
        description=(description or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
        is_generated=is_generated,
    )
    _clean(project, exclude=["region_code", "compound", "campaign", "source_order"])
    _save(project)
    if now is not None:
        Project.objects.filter(pk=project.pk).update(created_at=now)
    _record(actor, "project.create", project, {"name": [None, project.name]}, at=now)
    return project


def _money(value, field="budget", label="预算（元）") -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise _field_error(field, label, "请填写金额") from exc
    if not amount.is_finite():
        raise _field_error(field, label, "请填写金额")
    return amount


@transaction.atomic
def subitem_add(
    *,
    actor,
    project: Project,
    name: str,
    responsible_kind: str,
    responsible_unit: str,
    budget,
    funding_source: str,
    planned_start: datetime.date | None,
    planned_finish: datetime.date | None,
    responsible_company=None,
    responsible_department=None,
) -> SubItem:
    """A sub-item with its responsible unit, budget (≥ 0), funding and planned dates (start ≤
    finish). Its deadline and warning are counted on the working-day calendar."""
    _require(actor, "campaigns.change_project", "您的角色不能编排民生项目")
    _visible(actor, project)
    # read from the database: the last acceptance may have closed it since the caller loaded it
    if not Project.objects.filter(pk=project.pk, status=ProjectStatus.OPEN).exists():
        raise DomainError("项目已完成，不能再新增子项目")
    if funding_source not in FundingSource.values:
        raise _field_error("funding_source", "资金来源", "请选择资金来源")
    if responsible_company is not None:
        responsible_kind = UnitKind.COMPANY
        responsible_unit = responsible_unit or responsible_company.name
    if responsible_department is not None:
        responsible_kind = UnitKind.DEPARTMENT
        responsible_unit = responsible_unit or responsible_department.name
    item = SubItem(
        project=project,
        name=_text(name, field="name", label="子项目名称", max_length=100),
        responsible_kind=responsible_kind,
        responsible_unit=_text(responsible_unit, field="responsible_unit", label="责任单位", max_length=100),
        responsible_company=responsible_company,
        responsible_department=responsible_department,
        budget=_money(budget),
        funding_source=funding_source,
        planned_start=planned_start,
        planned_finish=planned_finish,
    )
    _clean(item, exclude=["project", "responsible_company", "responsible_department"])
    times = times_for_day(item.planned_finish)
    item.due_at, item.warn_at, item.calendar_missing = times.due_at, times.warn_at, times.calendar_missing
    _save(item)
    _record(
        actor,
        "subitem.create",
        item,
        {
            "name": [None, item.name],
            "budget": [None, str(item.budget)],
            "funding_source": [None, item.funding_source],
            "planned_finish": [None, str(item.planned_finish)],
        },
    )
    return item


def _may_report(actor, item: SubItem) -> bool:
    if actor is None or actor.is_superuser:
        return True
    scope = scope_of(actor)
    if actor.role == Role.COMPANY:
        return scope.company_id in (item.responsible_company_id, item.project.compound.company_id)
    if actor.role == Role.DEPARTMENT:
        return scope.department_id == item.responsible_department_id
    return actor.role in OFFICIAL_ROLES and actor.has_perm("campaigns.change_project")


@transaction.atomic
def subitem_progress(
    *,
    actor,
    subitem: SubItem,
    note: str,
    completes: bool = False,
    before_photos=(),
    after_photos=(),
    now=None,
) -> ProgressUpdate:
    """The responsible unit reports progress with before/after photos; the first report starts
    the work, a report that `completes` it asks for acceptance (an after photo is required)."""
    now = _now(now)
    if actor is not None and not (
        actor.has_perm("campaigns.report_progress_subitem") or actor.has_perm("campaigns.change_project")
    ):
        raise ForbiddenError("您的角色不能报告子项目进度")
    _visible(actor, subitem)
    if not _may_report(actor, subitem):
        raise ForbiddenError("只有责任单位或社区可以报告该子项目的进度")
    if subitem.status == SubItemStatus.ACCEPTED:
        raise _field_error("status", "子项目状态", "子项目已验收，不能再报告进度")
    if subitem.status == SubItemStatus.COMPLETED:
        raise _field_error("status", "子项目状态", "子项目已完工待验收，验收不通过后才能继续报告进度")
    text = _text(note, field="note", label="进展情况")
    if completes and not [f for f in after_photos or () if f]:
        raise _field_error("after_photos", "施工后照片", "报告完工须上传施工后照片")
    update = ProgressUpdate(
        subitem=subitem, note=text, completes=completes, reported_by=actor, created_at=now
    )
    _save(update)
    with _photos_stored() as stored:
        for uploads, kind in ((before_photos, PhotoKind.BEFORE), (after_photos, PhotoKind.AFTER)):
            _save_photos(uploads=uploads, kind=kind, actor=actor, now=now, into=stored, progress=update)
        _subitem_progressed(actor, subitem, completes=completes, note=text, now=now)
    return update


def _subitem_progressed(actor, subitem: SubItem, *, completes: bool, note: str, now) -> None:
    old = subitem.status
    new = SubItemStatus.COMPLETED if completes else SubItemStatus.IN_PROGRESS
    extra = {"updated_at": now}
    if old == SubItemStatus.PLANNED:
        extra["started_at"] = now
    if completes:
        extra.update(completed_at=now, card="none")
    if new != old or extra:
        compare_and_set(
            SubItem,
            pk=subitem.pk,
            expected=old,
            new=new,
            extra=extra,
            message="子项目状态已变化，请刷新后重试",
        )
        for k, v in extra.items():
            setattr(subitem, k, v)
        subitem.status = new
    _record(
        actor, "subitem.progress", subitem, {"status": [old, new]} if new != old else {}, note=note, at=now
    )


@transaction.atomic
def subitem_accept(
    *, actor, subitem: SubItem, note: str, approve: bool = True, side: str | None = None, now=None
) -> SubItem:
    """Acceptance (验收) of a completed sub-item by the compound's party branch (signed by the
    community) and by its owners' committee with the residents' satisfaction note. Both sign:
    accepted, and the project closes when all its sub-items are. A refusal sends the work back."""
    now = _now(now)
    _require(actor, "campaigns.accept_subitem", "您的角色不能验收子项目")
    _visible(actor, subitem)
    if subitem.status != SubItemStatus.COMPLETED:
        raise _field_error("status", "子项目状态", f"子项目{subitem.get_status_display()}，不能验收")
    if actor is not None:  # a person signs for the side their role stands for
        side = "committee" if actor.role == Role.COMMITTEE else "branch"
    elif side not in ("committee", "branch"):
        raise DomainError("系统录入验收须指明签字方（党支部或业委会）")
    if (
        side == "committee"
        and actor is not None
        and scope_of(actor).compound_id != subitem.project.compound_id
    ):
        raise ForbiddenError("只有本小区业委会可以验收")
    label = "居民满意度说明" if side == "committee" else "党支部验收意见"
    text = _text(note, field="note", label=label)
    if not approve:
        compare_and_set(
            SubItem,
            pk=subitem.pk,
            expected=SubItemStatus.COMPLETED,
            new=SubItemStatus.IN_PROGRESS,
            extra={
                "branch_accepted_by": None,
                "branch_accepted_at": None,
                "committee_accepted_by": None,
                "committee_accepted_at": None,
                "completed_at": None,
                "updated_at": now,
            },
            message="子项目状态已变化，请刷新后重试",
        )
        subitem.refresh_from_db()
        _record(
            actor,
            "subitem.accept_refused",
            subitem,
            {"status": [SubItemStatus.COMPLETED, SubItemStatus.IN_PROGRESS]},
            note=text,
            at=now,
        )
        return subitem
    if side == "committee":
        if subitem.committee_accepted_at:
            raise DomainError("业委会已签字验收")
        fields = {"committee_accepted_by": actor, "committee_accepted_at": now, "satisfaction_note": text}
        other_signed = subitem.branch_accepted_at is not None
    else:
        if subitem.branch_accepted_at:
            raise DomainError("党支部已签字验收")
        fields = {
            "branch_accepted_by": actor if getattr(actor, "pk", None) else None,
            "branch_accepted_at": now,
            "branch_note": text,
        }
        other_signed = subitem.committee_accepted_at is not None
    new = SubItemStatus.ACCEPTED if other_signed else SubItemStatus.COMPLETED
    if new == SubItemStatus.ACCEPTED:
        fields["accepted_at"] = now
    # compare-and-set on the status and on the other side's signature as read
    other_field = "branch_accepted_at__isnull" if side == "committee" else "committee_accepted_at__isnull"
    updated = SubItem.objects.filter(
        pk=subitem.pk, status=SubItemStatus.COMPLETED, **{other_field: not other_signed}
    ).update(status=new, updated_at=now, **fields)
    if updated != 1:
        from apps.core.errors import ConflictError

        raise ConflictError("子项目验收状态已变化，请刷新后重试")
    subitem.refresh_from_db()
    _record(actor, "subitem.accept", subitem, {"status": [SubItemStatus.COMPLETED, new]}, note=text, at=now)
    if new == SubItemStatus.ACCEPTED:
        _project_close_if_done(actor=actor, project=subitem.project, now=now)
    return subitem


def _project_close_if_done(*, actor, project: Project, now) -> bool:
    statuses = list(project.subitems.values_list("status", flat=True))
    if not statuses or any(s != SubItemStatus.ACCEPTED for s in statuses):
        return False
    compare_and_set(
        Project,
        pk=project.pk,
        expected=ProjectStatus.OPEN,
        new=ProjectStatus.CLOSED,
        extra={"closed_at": now, "updated_at": now},
    )
    project.status, project.closed_at = ProjectStatus.CLOSED, now
    _record(actor, "project.close", project, {"status": [ProjectStatus.OPEN, ProjectStatus.CLOSED]}, at=now)
    _notify_reporter(project, f"您反映的问题已列入民生项目“{project.name}”，现已全部验收完成。")
    return True


def _notify_reporter(project: Project, title: str) -> None:
    from apps.notifications.services import notify_on_commit

    order = project.source_order
    if order is not None and order.reporter_user_id:
        notify_on_commit(
            recipients=[order.reporter_user], kind="campaigns", title=title, link=order.get_absolute_url()
        )


# ------------------------------------------------------------------ joint meetings
@dataclass
class InviteeInput:
    kind: str
    unit_name: str
    person_name: str = ""


@transaction.atomic
def meeting_convene(
    *,
    actor,
    title: str,
    convener_region,
    convener_name: str,
    scheduled_at: datetime.datetime,
    location: str = "",
    compound=None,
    invitees: Iterable[InviteeInput] = (),
    is_generated: bool = False,
) -> JointMeeting:
    """A street (山东省物业管理条例 第74条) or community party organisation convenes a joint
    meeting of the compound branch, owners' committee, property company and departments."""
    _require(actor, "campaigns.add_jointmeeting", "您的角色不能召集联席会议")
    if convener_region is None or convener_region.level not in ("street", "community"):
        raise _field_error("convener_region", "召集区划", "联席会议由街道或社区党组织召集")
    if not _region_of_actor_contains(actor, convener_region.code):
        raise Http404("未找到该区划，或不在您的辖区内。")
    if compound is not None and not compound.community_id.startswith(convener_region.code):
        raise _field_error("compound", "涉及小区", "不在召集单位的辖区内")
    if scheduled_at is None:
        raise _field_error("scheduled_at", "会议时间", "请填写会议时间")
    invitees = [i for i in invitees if i.unit_name and i.unit_name.strip()]
    if not invitees:
        raise _field_error("invitees", "参会单位", "请至少邀请一个单位")
    for i in invitees:
        if i.kind not in UnitKind.values:
            raise _field_error("invitees", "参会单位", f"“{i.unit_name}”的单位类型不正确")
    meeting = JointMeeting(
        title=_text(title, field="title", label="会议名称", max_length=120),
        convener_region=convener_region,
        region_code=convener_region.code,
        convener_name=_text(convener_name, field="convener_name", label="召集单位", max_length=100),
        compound=compound,
        scheduled_at=scheduled_at,
        location=(location or "").strip()[:100],
        created_by=actor if getattr(actor, "pk", None) else None,
        is_generated=is_generated,
    )
    _clean(meeting, exclude=["region_code", "convener_region", "compound"])
    _save(meeting)
    Invitee.objects.bulk_create(
        [
            Invitee(
                meeting=meeting,
                kind=i.kind,
                unit_name=i.unit_name.strip()[:100],
                person_name=(i.person_name or "").strip()[:50],
            )
            for i in invitees
        ]
    )
    _record(
        actor,
        "jointmeeting.create",
        meeting,
        {"title": [None, meeting.title], "invitees": [None, [i.unit_name for i in invitees]]},
    )
    return meeting


def _linked_street(obj) -> str:
    return (getattr(obj, "region_code", "") or "")[:9]


@transaction.atomic
def agenda_add(
    *, actor, meeting: JointMeeting, title: str = "", workorder=None, problem=None, project=None
) -> AgendaItem:
    """An agenda item, optionally linking a whistle, a problem or a project of the same street."""
    _require(actor, "campaigns.change_jointmeeting", "您的角色不能编排会议议题")
    _visible(actor, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise DomainError("会议已召开，不能再增加议题")
    links = [
        (o, f, label)
        for o, f, label in (
            (workorder, "workorder", "关联工单"),
            (problem, "problem", "关联排查问题"),
            (project, "project", "关联民生项目"),
        )
        if o is not None
    ]
    if len(links) > 1:
        raise _field_error("workorder", "关联事项", "一个议题只能关联一项工单、问题或项目")
    for obj, field, label in links:
        if _linked_street(obj) != meeting.street_code:
            raise _field_error(field, label, "不属于召集街道，不能列入本次会议")
        _visible(actor, obj)
    if not (title or "").strip() and links:
        obj = links[0][0]
        title = {
            "workorder": lambda o: f"工单{o.pk}：{o.description[:60]}",
            "problem": lambda o: f"排查问题：{o.description[:60]}",
            "project": lambda o: f"民生项目：{o.name}",
        }[links[0][1]](obj)
    position = meeting.agenda.count() + 1
    item = AgendaItem(
        meeting=meeting,
        title=_text(title, field="title", label="议题", max_length=200),
        workorder=workorder,
        problem=problem,
        project=project,
        position=position,
        added_by=actor if getattr(actor, "pk", None) else None,
    )
    _clean(item, exclude=["meeting", "workorder", "problem", "project"])
    if workorder is not None and AgendaItem.objects.filter(meeting=meeting, workorder=workorder).exists():
        raise _field_error("workorder", "关联工单", "该工单已在本次会议议题中")
    _save(item)
    _record(actor, "agendaitem.create", meeting, {"agenda": [None, item.title]})
    return item


@transaction.atomic
def meeting_record(
    *, actor, meeting: JointMeeting, minutes: str, attended: Iterable[int], now=None
) -> JointMeeting:
    """The meeting was held: attendance of each invitee and the minutes."""
    now = _now(now)
    _require(actor, "campaigns.change_jointmeeting", "您的角色不能记录会议纪要")
    _visible(actor, meeting)
    text = _text(minutes, field="minutes", label="会议纪要", max_length=20000)
    present = {int(pk) for pk in attended}
    ids = set(meeting.invitees.values_list("pk", flat=True))
    if present - ids:
        raise _field_error("attended", "出席", "含有未受邀的单位")
    if not present:
        raise _field_error("attended", "出席", "请勾选出席的单位")
    compare_and_set(
        JointMeeting,
        pk=meeting.pk,
        expected=MeetingStatus.PLANNED,
        new=MeetingStatus.HELD,
        extra={"minutes": text, "held_at": now, "updated_at": now},
        message="会议纪要已由他人记录，请刷新",
    )
    Invitee.objects.filter(meeting=meeting, pk__in=present).update(attended=True)
    Invitee.objects.filter(meeting=meeting).exclude(pk__in=present).update(attended=False)
    meeting.status, meeting.minutes, meeting.held_at = MeetingStatus.HELD, text, now
    _record(
        actor,
        "jointmeeting.hold",
        meeting,
        {"status": [MeetingStatus.PLANNED, MeetingStatus.HELD], "attended": [None, len(present)]},
        at=now,
    )
    return meeting


@transaction.atomic
def decision_add(
    *,
    actor,
    meeting: JointMeeting,
    text: str,
    owner_kind: str,
    owner_unit: str,
    deadline: datetime.date | None,
    required_evidence: str,
    agenda_item: AgendaItem | None = None,
) -> Decision:
    """A decision of a held meeting: who does it, by when, and what evidence shows it done."""
    _require(actor, "campaigns.add_decision", "您的角色不能登记议定事项")
    _visible(actor, meeting)
    if meeting.status != MeetingStatus.HELD:
        raise DomainError("请先记录会议纪要（会议召开后形成议定事项）")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise _field_error("agenda_item", "议题", "不属于本次会议")
    if owner_kind not in UnitKind.values:
        raise _field_error("owner_kind", "责任单位类型", "请选择责任单位类型")
    if deadline is None:
        raise _field_error("deadline", "完成期限", "请填写完成期限")
    if deadline < timezone.localtime(meeting.scheduled_at).date():
        raise _field_error("deadline", "完成期限", "不能早于会议日期")
    decision = Decision(
        meeting=meeting,
        agenda_item=agenda_item,
        text=_text(text, field="text", label="议定事项"),
        owner_kind=owner_kind,
        owner_unit=_text(owner_unit, field="owner_unit", label="责任单位", max_length=100),
        deadline=deadline,
        required_evidence=_text(
            required_evidence, field="required_evidence", label="佐证材料要求", max_length=200
        ),
    )
    _clean(decision, exclude=["meeting", "agenda_item"])
    times = times_for_day(deadline, escalate=True)
    decision.due_at, decision.warn_at, decision.escalate_at = times.due_at, times.warn_at, times.escalate_at
    decision.calendar_missing = times.calendar_missing
    _save(decision)
    _record(
        actor,
        "decision.create",
        decision,
        {
            "text": [None, decision.text],
            "owner_unit": [None, decision.owner_unit],
            "deadline": [None, str(deadline)],
        },
    )
    return decision


@transaction.atomic
def decision_close(*, actor, decision: Decision, evidence_note: str, now=None) -> Decision:
    """The convening level confirms a decision done, with the evidence; on time or late."""
    now = _now(now)
    _require(actor, "campaigns.close_decision", "您的角色不能确认议定事项办结")
    _visible(actor, decision)
    text = _text(evidence_note, field="evidence_note", label="落实情况及佐证")
    on_time = None if decision.due_at is None else now < decision.due_at
    compare_and_set(
        Decision,
        pk=decision.pk,
        expected=DecisionStatus.OPEN,
        new=DecisionStatus.CLOSED,
        extra={
            "evidence_note": text,
            "closed_at": now,
            "closed_by": actor if getattr(actor, "pk", None) else None,
            "on_time": on_time,
            "card": "none",
            "updated_at": now,
        },
        message="议定事项已办结",
    )
    decision.refresh_from_db()
    _record(
        actor,
        "decision.close",
        decision,
        {"status": [DecisionStatus.OPEN, DecisionStatus.CLOSED], "on_time": [None, on_time]},
        note=text,
        at=now,
    )
    return decision


# ------------------------------------------------------------------ work order → meeting / project
def next_meeting_for(order) -> JointMeeting | None:
    """The next planned meeting of the order's street (or of its community)."""
    street = order.region_code[:9]
    return (
        JointMeeting.objects.filter(
            status=MeetingStatus.PLANNED, region_code__startswith=street, scheduled_at__gte=timezone.now()
        )
        .filter(region_code__in=[street, order.region_code])
        .order_by("scheduled_at", "pk")
        .first()
    )


@transaction.atomic
def workorder_lift_to_meeting(*, actor, order, meeting: JointMeeting | None = None) -> AgendaItem:
    """One action: a whistle that needs several parties goes onto the next joint meeting."""
    _require(actor, "campaigns.change_jointmeeting", "您的角色不能编排会议议题")
    _visible(actor, order)
    if meeting is None:
        meeting = next_meeting_for(order)
        if meeting is None:
            raise DomainError("本街道暂无待召开的联席会议，请先召集会议")
    item = agenda_add(actor=actor, meeting=meeting, workorder=order)
    _record(actor, "workorder.lift_meeting", order, {"meeting": [None, meeting.pk]})
    return item


@transaction.atomic
def workorder_lift_to_project(*, actor, order, name: str = "") -> Project:
    """One action: a whistle that needs several parties becomes a livelihood project."""
    _require(actor, "campaigns.add_project", "您的角色不能新建民生项目")
    _visible(actor, order)
    if Project.objects.filter(source_order=order).exists():
        raise DomainError("该工单已转为民生项目")
    project = project_create(
        actor=actor,
        compound=order.compound,
        name=name or f"{order.category.name}：{order.description[:30]}",
        description=order.description,
        source_order=order,
    )
    _record(actor, "workorder.lift_project", order, {"project": [None, project.pk]})
    _notify_reporter(project, f"您反映的问题已列入民生项目“{project.name}”，可在工单页查看进展。")
    return project
