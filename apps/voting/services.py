"""Every write of owners' joint decisions: draft, open (freeze the roll), ballots online, by proxy
and on paper (double entry), close (count), publish. Each checks permission and scope itself.

`actor=None` is the system (demo, management commands); the services then skip the permission
check but keep every rule of the trade. `now` exists for replaying history (the demo)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.scoping import scoped
from apps.core.services import compare_and_set, event_record, record_create, record_update
from apps.voting.choices import Channel, DecisionStatus, PaperStatus
from apps.voting.models import (
    GENESIS,
    Ballot,
    CountingPolicyRecord,
    Decision,
    Matter,
    PaperBallot,
    Proxy,
    RollUnit,
    RollVoter,
)
from apps.voting.rules import voting_rules_for
from apps.voting.tally import (
    CHOICES,
    MATTERS,
    STATUTORY,
    RollEntry,
    TallyError,
    unit_area,
    voters_of,
)


# ------------------------------------------------------------------ checks
def _require(actor, perm: str, compound) -> None:
    """The actor holds `perm` and the compound is inside their scope (None = the system)."""
    if actor is None:
        return
    from apps.registry.models import Compound

    if not actor.has_perm(perm):
        raise ForbiddenError("您没有执行此操作的权限。")
    if not scoped(Compound.objects.filter(pk=compound.pk), actor).exists():
        raise ForbiddenError("该小区不在您的管辖范围内。")


def _now(now):
    return now or timezone.now()


def _locked(decision: Decision) -> Decision:
    """The decision row locked for the transaction: ballots append to its chain one at a time."""
    return Decision.objects.select_for_update().select_related("compound").get(pk=decision.pk)


# ------------------------------------------------------------------ counting policy
@transaction.atomic
def policy_set(*, compound, actor, data: dict) -> CountingPolicyRecord:
    """Record the compound's own counting method (山东 第25条); every deviation is audited."""
    _require(actor, "voting.change_countingpolicyrecord", compound)
    existing = CountingPolicyRecord.objects.filter(compound=compound).first()
    note = ""
    probe = CountingPolicyRecord(compound=compound, **{k: v for k, v in data.items() if k != "compound"})
    if probe.policy().deviations:
        note = "偏离法定计票方法：" + "；".join(probe.policy().deviations)
    if existing:
        return record_update(
            obj=existing, data=data, actor=actor, verb="countingpolicyrecord.update", note=note
        )
    return record_create(
        model=CountingPolicyRecord, data={**data, "compound": compound}, actor=actor, note=note
    )


# ------------------------------------------------------------------ drafting
def _check_matters(matters: list[dict]) -> None:
    if not matters:
        raise ValidationError({"matters": ["至少应有一个表决事项"]})
    for i, m in enumerate(matters, start=1):
        number = m.get("number")
        if isinstance(number, bool) or not isinstance(number, int) or number not in MATTERS:
            raise ValidationError(
                {"number": [f"第{i}个事项：事项编号应为1至9（民法典第二百七十八条），收到 {number!r}"]}
            )
        if not (m.get("title") or "").strip():
            raise ValidationError({"title": [f"第{i}个事项：请填写事项内容"]})


@transaction.atomic
def decision_create(*, actor, data: dict, matters: list[dict]) -> Decision:
    """A draft decision with its matters (each an item 1–9 of 民法典 第278条)."""
    compound = data.get("compound")
    if compound is None:
        raise ValidationError({"compound": ["请选择小区"]})
    _require(actor, "voting.add_decision", compound)
    _check_matters(matters)
    for key in ("organiser", "elects_committee"):
        committee = data.get(key)
        if committee is not None and committee.compound_id != compound.pk:
            raise ValidationError({key: ["业委会不属于该小区"]})
    decision = record_create(model=Decision, data={**data, "status": DecisionStatus.DRAFT}, actor=actor)
    for position, m in enumerate(matters, start=1):
        record_create(
            model=Matter,
            data={
                "decision": decision,
                "position": position,
                "number": m["number"],
                "title": m["title"].strip(),
            },
            actor=actor,
        )
    return decision


@transaction.atomic
def matter_add(*, decision: Decision, actor, number: int, title: str) -> Matter:
    _require(actor, "voting.change_decision", decision.compound)
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError("表决已开始，不能再增加事项。")
    _check_matters([{"number": number, "title": title}])
    position = decision.matters.count() + 1
    return record_create(
        model=Matter,
        data={"decision": decision, "position": position, "number": number, "title": title},
        actor=actor,
    )


@transaction.atomic
def decision_update(*, decision: Decision, actor, data: dict) -> Decision:
    _require(actor, "voting.change_decision", decision.compound)
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError("表决已开始，不能再修改。")
    data.pop("status", None)
    data.pop("compound", None)
    return record_update(obj=decision, data=data, actor=actor)


# ------------------------------------------------------------------ opening: the frozen roll
def roll_entries(compound) -> tuple[list[RollEntry], dict[str, dict]]:
    """The compound's exclusive parts as roll entries (owner ids as strings) and unit facts."""
    from apps.registry.models import Unit

    units = (
        Unit.objects.filter(compound=compound)
        .select_related("building")
        .prefetch_related("owner_links__owner")
        .order_by("building__name", "stair", "number", "pk")
    )
    entries, facts = [], {}
    for unit in units:
        label = f"{unit.building.name}{unit.stair}{unit.number}"
        try:
            area, basis = unit_area(unit.registered_area, unit.surveyed_area, unit.contract_area)
        except TallyError as exc:
            raise DomainError(f"房屋“{label}”：{exc}") from None
        if area <= 0:
            raise DomainError(
                f"房屋“{label}”的专有部分面积为{area}（{basis}），必须大于0，请先更正登记数据。"
            )
        owners = [link.owner for link in unit.owner_links.all()]
        developer = unit.developer_held or any(o.is_developer for o in owners)
        owner_ids = frozenset(str(o.pk) for o in owners) or frozenset({f"unit:{unit.pk}"})
        key = str(unit.pk)
        entries.append(RollEntry(unit=key, owners=owner_ids, area=area, developer=developer))
        facts[key] = {
            "unit": unit,
            "label": label,
            "area": area,
            "basis": basis,
            "owners": owners,
            "developer": developer,
        }
    if not entries:
        raise DomainError("该小区没有登记任何专有部分（房屋），不能开始表决。")
    return entries, facts


def _decimal(value: Fraction) -> Decimal:
    out = Decimal(value.numerator) / Decimal(value.denominator)
    if out != out.quantize(Decimal("0.01")) or Fraction(out.quantize(Decimal("0.01"))) != value:
        raise DomainError("面积超出两位小数，无法精确保存。")
    return out.quantize(Decimal("0.01"))


@transaction.atomic
def decision_open(*, decision: Decision, actor, now=None) -> Decision:
    """Draft → open: freeze the electoral roll and the counting policy in force."""
    now = _now(now)
    _require(actor, "voting.open_decision", decision.compound)
    if not decision.matters.exists():
        raise DomainError("至少应有一个表决事项才能开始表决。")
    rules = voting_rules_for(decision.compound.community_id)
    earliest = now + datetime.timedelta(days=rules.advance_notice_days)
    if decision.opens_at < earliest - datetime.timedelta(minutes=10):  # the form has minutes only
        raise DomainError(
            f"投票开始时间应在公告名册之日起{rules.advance_notice_days}日以后"
            f"（不早于{timezone.localtime(earliest):%Y-%m-%d %H:%M}）。"
        )
    if decision.closes_at <= decision.opens_at:
        raise ValidationError({"closes_at": "投票截止时间必须晚于开始时间"})
    record = CountingPolicyRecord.objects.filter(compound=decision.compound).first()
    policy = record.policy() if record else STATUTORY
    entries, facts = roll_entries(decision.compound)
    try:
        voters = voters_of(entries, policy)
    except TallyError as exc:
        raise DomainError(str(exc)) from None
    compare_and_set(
        Decision,
        pk=decision.pk,
        expected=DecisionStatus.DRAFT,
        new=DecisionStatus.OPEN,
        extra={
            "policy": policy.as_dict(),
            "policy_basis": record.basis
            if record and policy.deviations
            else "法定计票方法（司法解释第九条）",
            "roll_frozen_at": now,
        },
        message="该表决已开始或状态已变化，请刷新后重试。",
    )
    for v in voters:
        unit_facts = [facts[u] for u in v.units]
        owners = {o.pk: o for f in unit_facts for o in f["owners"]}
        developer = any(f["developer"] for f in unit_facts)
        names = "、".join(o.masked_name for o in owners.values()) or "（未登记业主）"
        labels = "、".join(f["label"] for f in unit_facts[:3]) + (
            f"等{len(unit_facts)}套" if len(unit_facts) > 3 else ""
        )
        voter = RollVoter.objects.create(
            decision=decision,
            key=v.key,
            label=("开发建设单位（未售房屋）" if developer and v.key == "开发建设单位" else names)
            + f" · {labels}",
            area=_decimal(v.area),
            is_developer=developer,
        )
        voter.owners.set(owners.values())
        RollUnit.objects.bulk_create(
            [
                RollUnit(
                    decision=decision,
                    voter=voter,
                    unit=f["unit"],
                    label=f["label"],
                    area=_decimal(f["area"]),
                    area_basis=f["basis"],
                    developer_held=f["developer"],
                )
                for f in unit_facts
            ]
        )
    decision.refresh_from_db()
    event_record(
        actor=actor,
        verb="decision.open",
        obj=decision,
        changes={"status": ["draft", "open"], "roll": {"voters": len(voters), "units": len(entries)}},
        note="；".join(policy.deviations) or "法定计票方法",
        at=now,
    )
    return decision


# ------------------------------------------------------------------ ballots
def _append(decision: Decision, *, now, **fields) -> Ballot:
    """Append one ballot to the decision's chain (the decision row is locked by the caller)."""
    ballot = Ballot(
        decision=decision,
        submitted_at=now,
        seq=decision.ballot_count + 1,
        prev_hash=decision.chain_head or GENESIS,
        **fields,
    )
    ballot.hash = ballot.compute_hash()
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError:
        raise ConflictError("该业主已就此事项投票，不能重复投票或修改。") from None
    decision.ballot_count = ballot.seq
    decision.chain_head = ballot.hash
    Decision.objects.filter(pk=decision.pk).update(ballot_count=ballot.seq, chain_head=ballot.hash)
    return ballot


def _clean_choices(decision: Decision, choices: dict) -> dict[int, str]:
    matters = {m.pk: m for m in decision.matters.all()}
    out = {}
    for matter_id, choice in choices.items():
        try:
            matter_id = int(matter_id)
        except (TypeError, ValueError):
            raise DomainError(f"事项“{matter_id}”不属于本次表决。") from None
        if matter_id not in matters:
            raise DomainError(f"事项“{matter_id}”不属于本次表决。")
        if choice in (None, ""):
            continue
        if choice not in CHOICES:
            raise DomainError(f"表决意见“{choice}”无效，应为同意、反对或弃权。")
        out[matter_id] = choice
    if not out:
        raise DomainError("请至少对一个事项表明意见。")
    return out


def _accepting(decision: Decision, now) -> None:
    if decision.status != DecisionStatus.OPEN:
        raise DomainError("表决未开始或已截止，不能投票。")
    if now < decision.opens_at:
        raise DomainError("投票尚未开始。")
    if now >= decision.closes_at:
        raise DomainError("投票已截止，不能再投票。")


def voters_for_owner(decision: Decision, owner) -> list[tuple[RollVoter, Proxy | None]]:
    """The roll persons an owner may vote for: their own, and those who gave them a proxy."""
    own = [(v, None) for v in decision.voters.filter(owners=owner).distinct()]
    proxied = [(p.principal, p) for p in decision.proxies.filter(agent=owner).select_related("principal")]
    return own + proxied


@transaction.atomic
def ballot_cast(
    *, decision: Decision, voter: RollVoter, choices: dict, actor, owner=None, now=None
) -> list[Ballot]:
    """An owner (or their proxy) votes once on each matter; a ballot cannot be changed."""
    now = _now(now)
    if actor is not None:
        if not actor.has_perm("voting.cast_ballot"):
            raise ForbiddenError("您没有投票权限。")
        owner = getattr(actor, "owner", None)
        if owner is None:
            raise ForbiddenError("您的账号未关联业主身份，不能投票。")
    if owner is None:
        raise DomainError("缺少投票人。")
    decision = _locked(decision)
    _accepting(decision, now)
    if voter.decision_id != decision.pk:
        raise DomainError("您不在本次表决的名册中。")
    allowed = {v.pk: p for v, p in voters_for_owner(decision, owner)}
    if voter.pk not in allowed:
        raise ForbiddenError("您不在本次表决的名册中，或未获该业主委托。")
    proxy = allowed[voter.pk]
    own_vote = voter.owners.filter(pk=owner.pk).exists()
    if own_vote and proxy is not None:
        proxy = None
    if not own_vote and decision.proxies.filter(principal=voter).exclude(agent=owner).exists():
        raise ForbiddenError("该业主已委托他人投票。")
    if own_vote and decision.proxies.filter(principal=voter).exists():
        raise DomainError("您已委托他人代为投票，不能再自行投票。")
    picked = _clean_choices(decision, choices)
    if Ballot.objects.filter(voter=voter, matter_id__in=picked).exists():
        raise ConflictError("您已就此事项投票，选票提交后不能修改或重复投票。")
    if decision.paper_ballots.filter(voter=voter).exclude(status=PaperStatus.VOID).exists():
        raise ConflictError("该业主已提交纸质选票，不能再网上投票。")
    ballots = [
        _append(
            decision,
            now=now,
            matter_id=matter_id,
            voter=voter,
            choice=choice,
            channel=Channel.PROXY if proxy else Channel.ONLINE,
            cast_by=owner,
            proxy=proxy,
        )
        for matter_id, choice in sorted(picked.items())
    ]
    # Who voted is recorded; how they voted is in the chained ballot rows only.
    event_record(actor=actor, verb="decision.cast", obj=decision, changes={"ballots": len(ballots)}, at=now)
    return ballots


@transaction.atomic
def proxy_register(*, decision: Decision, principal: RollVoter, agent, document, actor, now=None) -> Proxy:
    """Record a written authorisation; an agent may hold at most the jurisdiction's proxy limit."""
    now = _now(now)
    _require(actor, "voting.add_proxy", decision.compound)
    decision = _locked(decision)
    if decision.status != DecisionStatus.OPEN or now >= decision.closes_at:
        raise DomainError("只能在表决期间登记委托。")
    if principal.decision_id != decision.pk:
        raise DomainError("委托人不在本次表决的名册中。")
    if not document:
        raise ValidationError({"document": ["请上传业主签字的授权委托书"]})
    if not decision.voters.filter(owners=agent).exists():
        raise ValidationError({"agent": ["受托人应为本小区名册中的业主"]})
    if principal.owners.filter(pk=agent.pk).exists():
        raise ValidationError({"agent": ["受托人不能是委托人本人"]})
    if Ballot.objects.filter(voter=principal).exists():
        raise DomainError("委托人已投票，不能再委托。")
    limit = voting_rules_for(decision.compound.community_id).proxy_limit
    if decision.proxies.filter(agent=agent).count() >= limit:
        raise DomainError(f"每一业主在一次表决中接受的委托不得超过{limit}人。")
    return record_create(
        model=Proxy,
        data={
            "decision": decision,
            "principal": principal,
            "agent": agent,
            "document": document,
            "registered_by": actor,
        },
        actor=actor,
    )


# ------------------------------------------------------------------ paper ballots: double entry
@transaction.atomic
def paper_enter(*, decision: Decision, voter: RollVoter, choices: dict, scan, actor, now=None) -> PaperBallot:
    """First entry of a signed paper ballot (with its scan); counted only after a matching second."""
    now = _now(now)
    _require(actor, "voting.enter_paperballot", decision.compound)
    decision = _locked(decision)
    _accepting(decision, now)
    if voter.decision_id != decision.pk:
        raise DomainError("该业主不在本次表决的名册中。")
    if not scan:
        raise ValidationError({"scan": ["请上传纸质选票扫描件"]})
    picked = _clean_choices(decision, choices)
    if Ballot.objects.filter(voter=voter).exists():
        raise ConflictError("该业主已投票，不能再录入纸质选票。")
    if decision.paper_ballots.filter(voter=voter).exclude(status=PaperStatus.VOID).exists():
        raise ConflictError("该业主的纸质选票已录入，请由另一名工作人员复录。")
    return record_create(
        model=PaperBallot,
        data={
            "decision": decision,
            "voter": voter,
            "scan": scan,
            "first_choices": {str(k): v for k, v in picked.items()},
            "first_by": actor,
        },
        actor=actor,
        verb="paperballot.enter",
    )


@transaction.atomic
def paper_confirm(*, paper: PaperBallot, choices: dict, actor, now=None) -> PaperBallot:
    """Second entry by a different person: a match counts the ballot, a mismatch blocks the count."""
    now = _now(now)
    _require(actor, "voting.enter_paperballot", paper.decision.compound)
    decision = _locked(paper.decision)
    _accepting(decision, now)
    if actor is not None and paper.first_by_id == actor.pk:
        raise ForbiddenError("复录须由另一名工作人员完成。")
    picked = {str(k): v for k, v in _clean_choices(decision, choices).items()}
    matched = picked == paper.first_choices
    new = PaperStatus.MATCHED if matched else PaperStatus.MISMATCH
    compare_and_set(
        PaperBallot,
        pk=paper.pk,
        expected=PaperStatus.AWAITING_SECOND,
        new=new,
        extra={"second_choices": picked, "second_by": actor if actor is not None else None},
        message="该纸质选票已复录或已作废，请刷新后重试。",
    )
    paper.refresh_from_db()
    if matched:
        owner = paper.voter.owners.first()
        for matter_id, choice in sorted(picked.items(), key=lambda kv: int(kv[0])):
            _append(
                decision,
                now=now,
                matter_id=int(matter_id),
                voter=paper.voter,
                choice=choice,
                channel=Channel.PAPER,
                cast_by=owner,
                paper=paper,
            )
    event_record(
        actor=actor,
        verb="paperballot.enter",
        obj=paper,
        changes={"status": ["awaiting_second", new]},
        note="两次录入一致，已计票" if matched else "两次录入不一致，须核对原件后作废重录",
        at=now,
    )
    return paper


@transaction.atomic
def paper_void(*, paper: PaperBallot, actor, reason: str) -> PaperBallot:
    """Void an entry that does not match (or was wrong) so that it can be entered again."""
    _require(actor, "voting.enter_paperballot", paper.decision.compound)
    if not (reason or "").strip():
        raise ValidationError({"void_reason": ["请填写作废原因"]})
    compare_and_set(
        PaperBallot,
        pk=paper.pk,
        expected=[PaperStatus.AWAITING_SECOND, PaperStatus.MISMATCH],
        new=PaperStatus.VOID,
        extra={"void_reason": reason.strip()},
        message="已计票的纸质选票不能作废。",
    )
    paper.refresh_from_db()
    event_record(actor=actor, verb="paperballot.void", obj=paper, note=reason.strip())
    return paper


# ------------------------------------------------------------------ closing and publishing
@transaction.atomic
def decision_close(*, decision: Decision, actor, now=None, note: str = "") -> Decision:
    """Open → closed: no more ballots; each matter's count is taken and kept."""
    from apps.voting.selectors import decision_tally

    now = _now(now)
    _require(actor, "voting.close_decision", decision.compound)
    decision = _locked(decision)
    if now < decision.closes_at and not (note or "").strip():
        raise ValidationError({"close_note": ["未到截止时间，提前截止须写明理由（如全部业主已表决）"]})
    blocking = decision.paper_ballots.filter(
        status__in=[PaperStatus.MISMATCH, PaperStatus.AWAITING_SECOND]
    ).count()
    if blocking:
        raise DomainError(f"有{blocking}张纸质选票未完成双人录入或两次录入不一致，须处理后才能计票。")
    compare_and_set(
        Decision,
        pk=decision.pk,
        expected=DecisionStatus.OPEN,
        new=DecisionStatus.CLOSED,
        extra={"closed_at": now, "close_note": (note or "").strip()},
        message="该表决未在进行中，不能截止。",
    )
    decision.refresh_from_db()
    for matter, result in decision_tally(decision):
        Matter.objects.filter(pk=matter.pk).update(result=result.as_dict())
    event_record(
        actor=actor,
        verb="decision.close",
        obj=decision,
        changes={"status": ["open", "closed"]},
        note=note,
        at=now,
    )
    return decision


@transaction.atomic
def decision_publish(*, decision: Decision, actor, now=None) -> Decision:
    """Closed → published: the result notice goes up for the notice period (司法解释 第13条)."""
    now = _now(now)
    _require(actor, "voting.publish_decision", decision.compound)
    rules = voting_rules_for(decision.compound.community_id)
    today = timezone.localtime(now).date()
    keep = (
        today.replace(year=today.year + rules.retention_years)
        if not (today.month == 2 and today.day == 29)
        else (today.replace(day=28, year=today.year + rules.retention_years))
    )
    compare_and_set(
        Decision,
        pk=decision.pk,
        expected=DecisionStatus.CLOSED,
        new=DecisionStatus.PUBLISHED,
        extra={
            "published_at": now,
            "notice_until": today + datetime.timedelta(days=rules.notice_period_days),
            "keep_until": keep,
        },
        message="只有已截止的表决才能公布结果。",
    )
    decision.refresh_from_db()
    event_record(
        actor=actor,
        verb="decision.publish",
        obj=decision,
        changes={"status": ["closed", "published"]},
        at=now,
    )
    _notify_result(decision, at=now)
    return decision


def _notify_result(decision: Decision, *, at) -> None:
    """The result notice reaches the compound's residents and committee in their inbox, in the
    transaction of the publication."""
    from apps.accounts.models import User
    from apps.notifications.services import Message, notify_batch

    recipients = tuple(
        User.objects.filter(is_active=True, compound=decision.compound).exclude(pk=None)
    ) + tuple(User.objects.filter(is_active=True, committee__compound=decision.compound))
    if not recipients:
        return
    notify_batch(
        [
            Message(
                recipients=tuple({u.pk: u for u in recipients}.values()),
                kind="voting",
                title=f"表决结果公告：{decision.title}",
                body=f"{decision.compound.name}的业主表决结果已公布，公示至 {decision.notice_until:%Y-%m-%d}。",
                link=decision.get_absolute_url(),
            )
        ],
        at=at,
    )
