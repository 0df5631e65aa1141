"""Writes of the satisfaction surveys: templates, campaigns, one-time unit codes, responses.

A response is anonymous to staff: the household is kept only as an HMAC of (campaign, unit)
under the secret key — the same value whether the household answered logged in or with its
one-time code, so one household can never answer twice."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import DomainError
from apps.core.services import event_record
from apps.ratings.choices import QuestionKind, ResponseVia
from apps.ratings.models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
    UnitCode,
)
from apps.ratings.services.common import check_perm

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off paper


def household_key(campaign_id: int, unit_id: int | str) -> str:
    msg = f"survey:{campaign_id}:{unit_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()


def code_hash(code: str) -> str:
    normalised = "".join(code.split()).upper()
    return hmac.new(settings.SECRET_KEY.encode(), f"code:{normalised}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def template_create(*, data: dict, questions: list[dict], actor) -> SurveyTemplate:
    city = data.get("city")
    check_perm(actor, "ratings.add_surveytemplate", region_code=getattr(city, "code", None))
    template = SurveyTemplate(**data)
    template.full_clean()
    template.save()
    if not questions:
        raise ValidationError({"questions": "问卷至少需要一道题"})
    for i, q in enumerate(questions, start=1):
        question = SurveyQuestion(template=template, order=i, **q)
        try:
            question.full_clean(exclude=["template"])
        except ValidationError as exc:
            raise ValidationError(
                {"questions": f"第{i}题：{'；'.join(m for ms in exc.message_dict.values() for m in ms)}"}
            ) from exc
        question.save()
    event_record(
        actor=actor, verb="surveytemplate.create", obj=template, changes={"title": [None, template.title]}
    )
    return template


@transaction.atomic
def campaign_create(*, data: dict, compounds, actor) -> SurveyCampaign:
    region = data.get("region")
    check_perm(actor, "ratings.add_surveycampaign", region_code=getattr(region, "code", None))
    campaign = SurveyCampaign(**data)
    campaign.full_clean()
    compounds = list(compounds)
    if not compounds:
        raise ValidationError({"compounds": "参评小区：请至少选择一个小区"})
    outside = [c.name for c in compounds if not c.community_id.startswith(region.prefix)]
    if outside:
        raise ValidationError({"compounds": f"参评小区：{'、'.join(outside[:3])} 不在组织区划内"})
    campaign.save()
    campaign.compounds.set(compounds)
    event_record(
        actor=actor,
        verb="surveycampaign.create",
        obj=campaign,
        changes={"title": [None, campaign.title], "compounds": [None, len(compounds)]},
    )
    return campaign


@transaction.atomic
def unit_codes_issue(*, campaign: SurveyCampaign, compound, actor) -> list[tuple]:
    """One one-time code per dwelling of the compound not yet holding one; (unit, code) pairs,
    shown once for printing — only their hashes are stored."""
    check_perm(actor, "ratings.add_surveycampaign", region_code=compound.community_id)
    if not campaign.compounds.filter(pk=compound.pk).exists():
        raise DomainError("该小区不在本次测评范围内。")
    from apps.registry.models import Unit

    have = set(
        UnitCode.objects.filter(campaign=campaign, unit__compound=compound).values_list("unit_id", flat=True)
    )
    pairs = []
    rows = []
    for unit in Unit.objects.filter(compound=compound, kind="dwelling").order_by("pk"):
        if unit.pk in have:
            continue
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        rows.append(UnitCode(campaign=campaign, unit=unit, code_hash=code_hash(code)))
        pairs.append((unit, code))
    UnitCode.objects.bulk_create(rows)
    event_record(
        actor=actor,
        verb="surveycampaign.codes",
        obj=campaign,
        note=f"{compound.name} 发放户码 {len(rows)} 个",
    )
    return pairs


def _resident_unit(user, compound):
    """The logged-in resident's own unit in the compound (an owner linked to the account)."""
    from apps.registry.models import Unit

    if user is None or not getattr(user, "is_authenticated", False) or user.compound_id != compound.pk:
        return None
    return Unit.objects.filter(compound=compound, owner_links__owner__user=user).order_by("pk").first()


def _answers(
    template: SurveyTemplate, answers: dict, questions=None
) -> tuple[list[SurveyAnswer], Decimal | None]:
    rows, scales, errors = [], [], {}
    for i, q in enumerate(questions or template.questions.order_by("order", "pk"), start=1):
        try:
            _answer(q, i, answers, rows, scales)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:  # every unanswered or wrong question at once, each named
        raise ValidationError(errors)
    index = None
    if scales:
        index = (Decimal(sum(scales)) / len(scales) - 1) / 4 * 100
        index = index.quantize(Decimal("0.1"))
    return rows, index


def _answer(q, i: int, answers: dict, rows: list, scales: list) -> None:
    """Check one answer and append it (ValidationError naming the question)."""
    raw = answers.get(q.pk, answers.get(str(q.pk)))
    field, label = f"q_{q.pk}", f"第{i}题"
    empty = raw in (None, "", []) or (isinstance(raw, list) and not any(raw))
    if empty:
        if q.required:
            raise ValidationError({field: f"{label}：此题必答"})
        return
    a = SurveyAnswer(question=q)
    if q.kind == QuestionKind.SCALE:
        try:
            a.scale = int(raw)
        except (TypeError, ValueError) as exc:
            raise ValidationError({field: f"{label}：请选择 1 到 5 分"}) from exc
        if not 1 <= a.scale <= 5:
            raise ValidationError({field: f"{label}：请选择 1 到 5 分"})
        scales.append(a.scale)
    elif q.kind == QuestionKind.SINGLE:
        if raw not in q.options:
            raise ValidationError({field: f"{label}：请从选项中选择"})
        a.choices = [raw]
    elif q.kind == QuestionKind.MULTIPLE:
        chosen = raw if isinstance(raw, list) else [raw]
        if any(c not in q.options for c in chosen):
            raise ValidationError({field: f"{label}：请从选项中选择"})
        a.choices = list(dict.fromkeys(chosen))
    else:
        a.text = str(raw).strip()[:1000]
    rows.append(a)


@transaction.atomic
def survey_respond(
    *,
    campaign: SurveyCampaign,
    compound,
    answers: dict,
    user=None,
    code: str = "",
    today: datetime.date | None = None,
    is_generated: bool = False,
    unit=None,
    demo_household: str = "",
) -> SurveyResponse:
    """One household answers. Verified by the logged-in resident's own unit in the compound or
    a one-time unit code; a second response of the same household is refused, nothing saved.
    (`unit` and `demo_household` are for the demo, which answers for generated households of
    compounds whose units are not registered.)"""
    today = today or timezone.localdate()
    campaign = SurveyCampaign.objects.select_related("template").get(pk=campaign.pk)
    if not campaign.is_open(today):
        raise DomainError(
            f"本次测评（{campaign.starts_on:%Y-%m-%d}至{campaign.ends_on:%Y-%m-%d}）不在答题时间内。"
        )
    if not campaign.compounds.filter(pk=compound.pk).exists():
        raise DomainError("该小区不在本次测评范围内。")
    via = ResponseVia.LOGIN
    code_row = None
    if unit is None and not demo_household:
        unit = _resident_unit(user, compound)
    if unit is None and not demo_household:
        if not code:
            raise ValidationError({"code": "户码：请登录本小区的业主账号，或输入发放到户的一次性户码"})
        code_row = (
            UnitCode.objects.select_for_update()
            .select_related("unit")
            .filter(campaign=campaign, code_hash=code_hash(code))
            .first()
        )
        if code_row is None or code_row.unit.compound_id != compound.pk:
            raise ValidationError({"code": "户码：户码无效，请核对后重新输入"})
        if code_row.used_at is not None:
            raise ValidationError({"code": "户码：该户码已使用，每户只能提交一次"})
        unit, via = code_row.unit, ResponseVia.CODE
    key = household_key(campaign.pk, unit.pk if unit is not None else demo_household)
    if SurveyResponse.objects.filter(campaign=campaign, household_key=key).exists():
        raise DomainError("该户已提交过本次测评，每户只能提交一次。")
    rows, index = _answers(campaign.template, answers)
    response = SurveyResponse(
        campaign=campaign,
        compound=compound,
        household_key=key,
        via=via,
        submitted_on=today,
        index=index,
        is_generated=is_generated,
    )
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as exc:  # two phones of one household at the same moment
        raise DomainError("该户已提交过本次测评，每户只能提交一次。") from exc
    for a in rows:
        a.response = response
    SurveyAnswer.objects.bulk_create(rows)
    if code_row is not None:
        UnitCode.objects.filter(pk=code_row.pk, used_at__isnull=True).update(used_at=timezone.now())
    # The audit row names the campaign and compound only: answers stay anonymous to staff.
    event_record(
        actor=None,
        verb="surveycampaign.respond",
        obj=campaign,
        note=f"{compound.name} 收到一份答卷",
        region_code=compound.community_id,
    )
    return response


@transaction.atomic
def survey_responses_generate(
    *, campaign: SurveyCampaign, compound, answer_sets: list[dict], today: datetime.date, key_prefix: str
) -> int:
    """The demo's households of one compound answer at once: the same checks as survey_respond
    (open campaign, compound in it, each answer set validated), written in two INSERTs. Generated
    households are keyed by `key_prefix` and their index; one audit row for the batch."""
    if not campaign.is_open(today):
        raise DomainError("本次测评不在答题时间内。")
    if not campaign.compounds.filter(pk=compound.pk).exists():
        raise DomainError("该小区不在本次测评范围内。")
    questions = list(campaign.template.questions.order_by("order", "pk"))
    checked = [_answers(campaign.template, a, questions) for a in answer_sets]
    responses = SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                campaign=campaign,
                compound=compound,
                household_key=household_key(campaign.pk, f"{key_prefix}:{i}"),
                via=ResponseVia.CODE,
                submitted_on=today,
                index=index,
                is_generated=True,
            )
            for i, (_, index) in enumerate(checked)
        ]
    )
    rows = []
    for response, (answers, _) in zip(responses, checked, strict=True):
        for a in answers:
            a.response = response
            rows.append(a)
    SurveyAnswer.objects.bulk_create(rows)
    event_record(
        actor=None,
        verb="surveycampaign.respond",
        obj=campaign,
        note=f"{compound.name} 收到演示答卷 {len(responses)} 份",
        region_code=compound.community_id,
    )
    return len(responses)
