"""Reads of the ratings app, scoped to the user: schemes, rounds, results, survey results."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from apps.core.scoping import scope_of, scoped
from apps.ratings.choices import RESULT_STATUSES, EntryStatus, QuestionKind
from apps.ratings.models import (
    Objection,
    RatingEntry,
    RatingRound,
    RatingScheme,
    SurveyAnswer,
    SurveyCampaign,
    SurveyResponse,
)


def latest_result_subquery(field: str = "stars", via: str = "pk"):
    """Subquery of a company party organisation's current result: the latest final or revoked
    result (engine before legacy in the same year). `field` "stars" or "year"."""
    return Subquery(
        RatingEntry.objects.filter(party_org=OuterRef(via), status__in=RESULT_STATUSES)
        .order_by("-year", "is_legacy", "-pk")
        .values(field)[:1]
    )


def scheme_list_for(*, user) -> QuerySet[RatingScheme]:
    return scoped(RatingScheme.objects.select_related("jurisdiction"), user).distinct()


def round_list_for(*, user) -> QuerySet[RatingRound]:
    return scoped(RatingRound.objects.select_related("scheme", "region"), user).annotate(
        entry_count=Count("entries", distinct=True),
        final_count=Count("entries", filter=Q(entries__status=EntryStatus.FINAL), distinct=True),
    )


def entry_list_for(*, user) -> QuerySet[RatingEntry]:
    return scoped(
        RatingEntry.objects.select_related(
            "round", "scheme", "party_org__company", "party_org__region", "compound__company", "region"
        ),
        user,
    )


def objection_list_for(*, user) -> QuerySet[Objection]:
    return scoped(Objection.objects.select_related("entry__party_org", "entry__compound"), user)


def campaign_list_for(*, user) -> QuerySet[SurveyCampaign]:
    return scoped(SurveyCampaign.objects.select_related("template", "region"), user).annotate(
        compound_count=Count("compounds", distinct=True)
    )


def history_for_org(*, user, party_org) -> list[RatingEntry]:
    return list(
        entry_list_for(user=user)
        .filter(party_org=party_org, status__in=RESULT_STATUSES)
        .order_by("-year", "is_legacy", "-pk")
    )


def history_for_compound(*, user, compound) -> list[RatingEntry]:
    return list(
        entry_list_for(user=user)
        .filter(compound=compound, status__in=RESULT_STATUSES)
        .order_by("-year", "-pk")
    )


# ------------------------------------------------------------------ survey results
def min_sample() -> int:
    return max(1, settings.SURVEY_MIN_SAMPLE)


LEVELS = {"compound": "小区", "company": "物业企业", "street": "街道", "county": "县区"}


def survey_results(*, campaign: SurveyCampaign, user, level: str = "compound") -> list[dict]:
    """Rows of (name, households, responses, response rate, index) per compound, company,
    street or county of the campaign inside the user's scope. A row with fewer than
    SURVEY_MIN_SAMPLE responses shows no rate and no index (样本不足)."""
    from apps.regions.models import Region
    from apps.registry.models import Compound

    compounds = scoped(
        Compound.objects.filter(survey_campaigns=campaign).select_related("company", "community"), user
    )
    stats = {
        r["compound_id"]: r
        for r in SurveyResponse.objects.filter(campaign=campaign, compound__in=compounds)
        .values("compound_id")
        .annotate(n=Count("pk"), avg=Avg("index"), n_index=Count("index"))
    }
    groups: dict = {}
    names: dict = {}
    for c in compounds:
        if level == "compound":
            key, name = c.pk, c.name
        elif level == "company":
            key, name = c.company_id, str(c.company) if c.company_id else "无物业企业"
        elif level == "street":
            key, name = c.community_id[:9], None
        else:
            key, name = c.community_id[:6], None
        g = groups.setdefault(key, {"households": 0, "n": 0, "sum": Decimal(0), "n_index": 0})
        s = stats.get(c.pk)
        g["households"] += c.households
        if s:
            g["n"] += s["n"]
            g["n_index"] += s["n_index"]
            g["sum"] += (s["avg"] or Decimal(0)) * s["n_index"]
        names[key] = name
    if level in ("street", "county"):
        names.update(dict(Region.objects.filter(code__in=list(groups)).values_list("code", "name")))
    rows = []
    for key, g in groups.items():
        enough = g["n"] >= min_sample()
        rows.append(
            {
                "key": key,
                "name": names.get(key) or str(key),
                "households": g["households"],
                "responses": g["n"],
                "enough": enough,
                "response_rate": round(g["n"] / g["households"] * 100, 1)
                if enough and g["households"]
                else None,
                "index": round(float(g["sum"] / g["n_index"]), 1) if enough and g["n_index"] else None,
            }
        )
    rows.sort(key=lambda r: (-(r["index"] or -1), str(r["name"])))
    return rows


def survey_question_summary(*, campaign: SurveyCampaign, user) -> list[dict]:
    """Per question: choice counts or the mean scale, over the responses in scope; hidden below n."""
    responses = SurveyResponse.objects.filter(campaign=campaign)
    scope = scope_of(user)
    if not scope.everything:
        responses = scoped(responses, user)
    n = responses.count()
    out = []
    answers = SurveyAnswer.objects.filter(response__in=responses)
    for q in campaign.template.questions.order_by("order", "pk"):
        row = {"question": q, "n": n, "enough": n >= min_sample()}
        if row["enough"]:
            qa = answers.filter(question=q)
            if q.kind == QuestionKind.SCALE:
                row["mean"] = qa.aggregate(m=Avg("scale"))["m"]
            elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                counts = dict.fromkeys(q.options, 0)
                for choices in qa.values_list("choices", flat=True):
                    for c in choices:
                        counts[c] = counts.get(c, 0) + 1
                row["counts"] = counts
            else:
                row["texts"] = qa.exclude(text="").count()
        out.append(row)
    return out


def survey_texts(*, campaign: SurveyCampaign, user, limit: int = 200) -> list[str]:
    """Open-text answers of the responses in scope, personal data stripped; none below n."""
    from apps.ratings.validators import strip_personal_data

    responses = scoped(SurveyResponse.objects.filter(campaign=campaign), user)
    if responses.count() < min_sample():
        return []
    texts = (
        SurveyAnswer.objects.filter(response__in=responses).exclude(text="").values_list("text", flat=True)
    )
    return [strip_personal_data(t) for t in texts.order_by("?")[:limit]]


def campaign_trend(*, user, compound_ids=None) -> list[dict]:
    """Index per campaign over time (campaigns in scope), for the trend chart; hidden below n."""
    rows = []
    for c in campaign_list_for(user=user).order_by("starts_on", "pk"):
        responses = scoped(SurveyResponse.objects.filter(campaign=c), user)
        agg = responses.aggregate(n=Count("pk"), avg=Avg("index"))
        rows.append(
            {
                "campaign": c,
                "n": agg["n"],
                "index": round(float(agg["avg"]), 1)
                if agg["n"] >= min_sample() and agg["avg"] is not None
                else None,
            }
        )
    return rows


# ------------------------------------------------------------------ home
def home_tiles(user) -> list[dict]:
    if not user.has_perm("ratings.view_ratinground"):
        return []
    rounds = round_list_for(user=user)
    open_rounds = rounds.exclude(status="closed").count()
    tiles = [{"label": "进行中的星级评定", "value": open_rounds, "url": reverse("round_list")}]
    return tiles
