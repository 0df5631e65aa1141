"""Surveys: one response per household (login or one-time code, the same household either way),
closed campaigns refused, small samples hidden, open text stripped of personal data."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.core.errors import DomainError
from apps.ratings.choices import QuestionKind
from apps.ratings.models import SurveyResponse
from apps.ratings.selectors import survey_results, survey_texts
from apps.ratings.services import campaign_create, survey_respond, template_create, unit_codes_issue

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 3)


def make_campaign(world, *, start=datetime.date(2025, 5, 1), end=None):
    from apps.regions.models import Region

    city = Region.objects.get(pk="371300")
    template = template_create(
        data={"city": city, "title": "满意度问卷"},
        questions=[
            {"kind": QuestionKind.SCALE, "text": "总体满意度", "required": True},
            {
                "kind": QuestionKind.SINGLE,
                "text": "回应速度",
                "options": ["当天", "一周内"],
                "required": True,
            },
            {
                "kind": QuestionKind.MULTIPLE,
                "text": "改进",
                "options": ["卫生", "停车", "安全"],
                "required": False,
            },
            {"kind": QuestionKind.TEXT, "text": "建议", "required": False},
        ],
        actor=world.users["city"],
    )
    campaign = campaign_create(
        data={
            "template": template,
            "region": city,
            "title": "2025年测评",
            "starts_on": start,
            "ends_on": end or start + datetime.timedelta(days=30),
        },
        compounds=[world.compound, world.other_compound],
        actor=world.users["city"],
    )
    return campaign, list(template.questions.order_by("order"))


def answers(questions, scale=4, text=""):
    a = {questions[0].pk: scale, questions[1].pk: "当天", questions[2].pk: ["卫生"]}
    if text:
        a[questions[3].pk] = text
    return a


def answer_all(campaign, compound, questions, *, scale=4, household="h", today=DAY, text=""):
    return survey_respond(
        campaign=campaign,
        compound=compound,
        answers=answers(questions, scale, text),
        today=today,
        demo_household=household,
    )


@pytest.fixture
def resident_owner(world):
    """The world's resident persona owns the own-side unit of 盛庄花园."""
    from apps.registry.services import owner_update

    owner_update(owner=world.own["owner"], actor=None, data={"user": world.users["resident"]})
    return world.users["resident"]


def test_a_logged_in_resident_answers_once(world, resident_owner):
    campaign, qs = make_campaign(world)
    r = survey_respond(
        campaign=campaign, compound=world.compound, answers=answers(qs, 5), user=resident_owner, today=DAY
    )
    assert (r.via, r.index) == ("login", 100)
    with pytest.raises(DomainError) as exc:
        survey_respond(
            campaign=campaign, compound=world.compound, answers=answers(qs), user=resident_owner, today=DAY
        )
    assert "只能提交一次" in exc.value.message
    assert SurveyResponse.objects.count() == 1


def test_the_unit_code_is_the_same_household_as_the_login(world, resident_owner):
    campaign, qs = make_campaign(world)
    pairs = dict(
        (u.pk, c)
        for u, c in unit_codes_issue(campaign=campaign, compound=world.compound, actor=world.users["city"])
    )
    code = pairs[world.own["unit"].pk]
    survey_respond(campaign=campaign, compound=world.compound, answers=answers(qs), code=code, today=DAY)
    with pytest.raises(ValidationError) as exc:  # the code is spent
        survey_respond(campaign=campaign, compound=world.compound, answers=answers(qs), code=code, today=DAY)
    assert "已使用" in str(exc.value)
    with pytest.raises(DomainError):  # the same household logged in
        survey_respond(
            campaign=campaign, compound=world.compound, answers=answers(qs), user=resident_owner, today=DAY
        )
    assert SurveyResponse.objects.count() == 1


def test_bad_codes_and_answers_save_nothing(world):
    campaign, qs = make_campaign(world)
    with pytest.raises(ValidationError) as exc:
        survey_respond(
            campaign=campaign, compound=world.compound, answers=answers(qs), code="WRONG123", today=DAY
        )
    assert "户码" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        answer_all(campaign, world.compound, qs, scale=6)
    assert "第1题" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        survey_respond(
            campaign=campaign, compound=world.compound, answers={qs[0].pk: 3}, demo_household="x", today=DAY
        )
    assert "第2题" in str(exc.value) and "必答" in str(exc.value)
    assert not SurveyResponse.objects.exists()


def test_a_closed_campaign_refuses_answers(world):
    campaign, qs = make_campaign(world, start=datetime.date(2025, 5, 1), end=datetime.date(2025, 5, 31))
    with pytest.raises(DomainError) as exc:
        answer_all(campaign, world.compound, qs, today=datetime.date(2025, 6, 1))
    assert "不在答题时间内" in exc.value.message
    assert not SurveyResponse.objects.exists()


def test_small_samples_are_hidden(world, settings):
    settings.SURVEY_MIN_SAMPLE = 5
    campaign, qs = make_campaign(world)
    for i in range(4):
        answer_all(campaign, world.compound, qs, scale=5, household=f"a{i}", text=f"建议{i}")
    row = survey_results(campaign=campaign, user=world.users["county"])[0]
    assert (row["enough"], row["index"], row["response_rate"]) == (False, None, None)
    assert survey_texts(campaign=campaign, user=world.users["community"]) == []
    answer_all(campaign, world.compound, qs, scale=3, household="a5", text="有事打13912345678，我住3号楼")
    row = survey_results(campaign=campaign, user=world.users["county"])[0]
    assert (row["enough"], row["responses"], row["index"]) == (True, 5, 90.0)  # (4×100 + 50) ÷ 5
    assert row["response_rate"] == round(5 / 320 * 100, 1)
    texts = survey_texts(campaign=campaign, user=world.users["community"])
    assert any("［手机号已隐去］" in t and "［门牌已隐去］" in t for t in texts)
    assert not any("13912345678" in t for t in texts)


def test_results_are_scoped(world):
    campaign, qs = make_campaign(world)
    for i in range(5):
        answer_all(campaign, world.other_compound, qs, household=f"o{i}")
    names = {r["name"] for r in survey_results(campaign=campaign, user=world.users["county"])}
    assert names == {"盛庄花园"}  # 罗庄区 sees its own compound only
    assert survey_results(campaign=campaign, user=world.users["outsider"]) == []
    by_county = survey_results(campaign=campaign, user=world.users["city"], level="county")
    assert {r["name"] for r in by_county} == {"罗庄区", "兰山区"}
