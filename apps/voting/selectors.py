"""Reads of owners' joint decisions: scoped lists, the count (via tally.py), live turnout without
choices, an owner's own ballots, and the re-computation behind `manage.py vote_verify`."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Sum
from django.urls import reverse

from apps.core.scoping import scoped
from apps.voting.choices import DecisionStatus, PaperStatus
from apps.voting.models import GENESIS, Ballot, Decision, Matter, PaperBallot, RollVoter
from apps.voting.tally import Share, TallyResult, Voter, tally


def decision_list_for(*, user) -> QuerySet[Decision]:
    qs = Decision.objects.select_related(
        "compound", "organiser__compound", "elects_committee__compound"
    ).annotate(matter_count=Count("matters", distinct=True))
    qs = scoped(qs, user)
    if getattr(user, "role", "") == "resident" and not user.is_superuser:
        # Owners see decisions once they are put to the vote; drafts are the organiser's.
        qs = qs.exclude(status=DecisionStatus.DRAFT)
    return qs


def decision_for(*, user, pk) -> Decision:
    from apps.core.scoping import get_scoped_or_404

    return get_scoped_or_404(
        decision_list_for(user=user).prefetch_related(
            Prefetch("matters", queryset=Matter.objects.order_by("position"))
        ),
        user,
        pk=pk,
    )


# ------------------------------------------------------------ a decision that backs another app's change
# The one copy of "this owners' decision is in force": programmes (a pairing's market contract)
# and public spaces (a converted room) link a decision and ask these.
def decision_passed(decision) -> bool:
    """Published and every matter passed (the count stored on the matters when voting closed)."""
    if decision.status != DecisionStatus.PUBLISHED:
        return False
    results = [m.result or {} for m in decision.matters.all()]
    return bool(results) and all(r.get("passed") is True for r in results)


def decision_link_problem(decision, *, compound_id: int) -> str | None:
    """Why a decision cannot back a change of this compound (None: it can)."""
    if decision.compound_id != compound_id:
        return "关联的业主共同决定必须是本小区的表决"
    if not decision_passed(decision):
        return "关联的业主共同决定尚未通过（须已公布且各表决事项均通过）"
    return None


def passed_decisions_for(*, user, compound_id: int) -> list[Decision]:
    """The compound's passed owners' decisions the user can see, newest first."""
    qs = (
        decision_list_for(user=user)
        .filter(compound_id=compound_id, status=DecisionStatus.PUBLISHED)
        .prefetch_related("matters")
    )
    return [d for d in qs if decision_passed(d)]


def roll_voters(decision: Decision) -> list[Voter]:
    """The frozen roll as tally voters (the grouping of 司法解释 第9条 was made at opening)."""
    return [
        Voter(key=v["key"], owners=frozenset(), units=(), area=Fraction(v["area"]))
        for v in RollVoter.objects.filter(decision=decision).values("key", "area").order_by("pk")
    ]


def decision_tally(
    decision: Decision, *, voters: list[Voter] | None = None
) -> list[tuple[Matter, TallyResult]]:
    """The count of each matter from the chained ballots, through the same function as vote_tally."""
    voters = roll_voters(decision) if voters is None else voters
    by_matter: dict[int, dict[str, str]] = {}
    for matter_id, key, choice in Ballot.objects.filter(decision=decision).values_list(
        "matter_id", "voter__key", "choice"
    ):
        by_matter.setdefault(matter_id, {})[key] = choice
    policy = decision.counting_policy()
    return [
        (m, tally(matter=m.number, voters=voters, choices=by_matter.get(m.pk, {}), policy=policy))
        for m in decision.matters.order_by("position")
    ]


@dataclass
class Turnout:
    """How many took part so far, per matter — never how anyone voted."""

    matter: Matter
    heads: Share
    area: Share


def decision_turnout(decision: Decision) -> list[Turnout]:
    totals = RollVoter.objects.filter(decision=decision).aggregate(n=Count("pk"), area=Sum("area"))
    total_heads, total_area = Fraction(totals["n"] or 0), Fraction(totals["area"] or 0)
    rows = {
        r["matter_id"]: r
        for r in Ballot.objects.filter(decision=decision)
        .values("matter_id")
        .annotate(n=Count("voter", distinct=True), area=Sum("voter__area"))
    }
    out = []
    for m in decision.matters.order_by("position"):
        r = rows.get(m.pk, {"n": 0, "area": 0})
        out.append(
            Turnout(m, Share(Fraction(r["n"] or 0), total_heads), Share(Fraction(r["area"] or 0), total_area))
        )
    return out


def roll_summary(decision: Decision) -> dict:
    agg = RollVoter.objects.filter(decision=decision).aggregate(n=Count("pk"), area=Sum("area"))
    return {"voters": agg["n"] or 0, "area": agg["area"] or 0, "units": decision.roll_units.count()}


def voters_for_user(decision: Decision, user) -> list[dict]:
    """The roll persons the signed-in owner may vote for, with what they already submitted."""
    from apps.voting.services import voters_for_owner

    owner = getattr(user, "owner", None) if user.is_authenticated else None
    if owner is None:
        return []
    out = []
    for voter, proxy in voters_for_owner(decision, owner):
        done = {b.matter_id: b for b in Ballot.objects.filter(voter=voter).select_related("matter")}
        delegated = proxy is None and decision.proxies.filter(principal=voter).exclude(agent=owner).exists()
        out.append({"voter": voter, "proxy": proxy, "ballots": done, "delegated": delegated})
    return out


def ballot_list_for(*, user) -> QuerySet[Ballot]:
    """Ballots a user may read: an owner only those cast for or by them; organisers in scope."""
    return scoped(Ballot.objects.select_related("matter", "decision", "voter"), user).distinct()


def paper_list_for(*, user, decision: Decision) -> QuerySet[PaperBallot]:
    return scoped(
        PaperBallot.objects.filter(decision=decision).select_related("voter", "first_by", "second_by"), user
    )


def blocking_paper_count(decision: Decision) -> int:
    return decision.paper_ballots.filter(
        status__in=[PaperStatus.MISMATCH, PaperStatus.AWAITING_SECOND]
    ).count()


# ------------------------------------------------------------------ verification
@dataclass
class Verification:
    ok: bool = True
    ballots: int = 0
    problems: list[str] = field(default_factory=list)


def decision_verify(decision: Decision) -> Verification:
    """Recompute the hash chain and each matter's count; name every difference."""
    decision = Decision.objects.get(pk=decision.pk)  # the stored chain head, not a stale copy
    report = Verification()
    prev = GENESIS
    expected_seq = 1
    for ballot in Ballot.objects.filter(decision=decision).order_by("seq").iterator():
        report.ballots += 1
        if ballot.seq != expected_seq:
            report.problems.append(f"选票链序号不连续：应为{expected_seq}，实为{ballot.seq}")
        if ballot.prev_hash != prev:
            report.problems.append(f"选票#{ballot.seq}的前一条摘要与链不符（记录被删除或替换）")
        if ballot.compute_hash() != ballot.hash:
            report.problems.append(f"选票#{ballot.seq}的内容与摘要不符（记录被修改）")
        prev = ballot.hash
        expected_seq = ballot.seq + 1
    if report.ballots != decision.ballot_count:
        report.problems.append(f"选票记录数应为{decision.ballot_count}，实为{report.ballots}")
    if decision.ballot_count and prev != decision.chain_head:
        report.problems.append("选票链末端摘要与表决记录不符")
    if decision.status in (DecisionStatus.CLOSED, DecisionStatus.PUBLISHED):
        for matter, result in decision_tally(decision):
            if matter.result != result.as_dict():
                report.problems.append(f"事项“{matter.title}”重新计票结果与截止时保存的结果不一致")
    report.ok = not report.problems
    return report


# ------------------------------------------------------------------ home
def home_tiles(user) -> list[dict]:
    if not user.has_perm("voting.view_decision"):
        return []
    qs = decision_list_for(user=user)
    open_n = qs.filter(status=DecisionStatus.OPEN).count()
    tiles = [
        {
            "label": "表决中的业主共同决定",
            "value": open_n,
            "url": reverse("voting_decision_list") + "?status=open",
        }
    ]
    if getattr(user, "role", "") == "resident":
        owner = getattr(user, "owner", None)
        if owner is not None:
            pending = (
                qs.filter(status=DecisionStatus.OPEN)
                .filter(Exists(RollVoter.objects.filter(decision=OuterRef("pk"), owners=owner)))
                .exclude(Exists(Ballot.objects.filter(decision=OuterRef("pk"), voter__owners=owner)))
                .count()
            )
            tiles[0]["sub"] = f"待我投票 {pending} 项"
    return tiles
