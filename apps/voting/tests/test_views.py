"""Pages and API of owners' joint decisions: scope (outsider, wrong region), permissions per
verb, the owner's ballot, paper entry, the notice's fractions, and ballots kept private."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.voting import services
from apps.voting.models import Ballot, Decision, PaperBallot, RollVoter

from .conftest import scan


def url(name, d, *args):
    return reverse(name, args=[d.pk, *args])


def test_list_is_scoped_and_query_bounded(world, client_for, django_assert_max_num_queries):
    own, other = world.own["decision"], world.other["decision"]
    for persona in ("county", "street", "community", "committee"):
        client = client_for(persona)
        with django_assert_max_num_queries(20):
            body = client.get(reverse("voting_decision_list")).content.decode()
        assert own.title in body and other.title not in body, persona
    assert other.title in client_for("other_county").get(reverse("voting_decision_list")).content.decode()
    assert own.title not in client_for("other_county").get(reverse("voting_decision_list")).content.decode()
    city = client_for("city").get(reverse("voting_decision_list")).content.decode()
    assert own.title in city and other.title in city  # both counties are in Linyi
    heze = client_for("heze_city").get(reverse("voting_decision_list")).content.decode()
    assert own.title not in heze and other.title not in heze
    assert client_for("outsider").get(reverse("voting_decision_list")).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "voting_decision_detail",
        "voting_decision_ballot",
        "voting_decision_paper",
        "voting_decision_proxy",
        "voting_decision_notice",
    ],
)
@pytest.mark.parametrize("persona", ["outsider", "other_county", "heze_city"])
def test_pages_refuse_outsider_and_wrong_region(world, client_for, name, persona):
    d = world.own["decision"]
    assert client_for(persona).get(url(name, d)).status_code in (403, 404)
    if persona != "outsider":
        assert client_for(persona).get(url(name, d)).status_code == 404


def test_drafts_are_hidden_from_owners(world, client_for):
    d = world.own["decision"]
    assert client_for("resident").get(url("voting_decision_detail", d)).status_code == 404
    assert client_for("committee").get(url("voting_decision_detail", d)).status_code == 200


def test_create_through_the_form(world, client_for):
    client = client_for("committee")
    start = timezone.localtime() + datetime.timedelta(days=20)
    data = {
        "compound": world.compound.pk,
        "title": "选举第三届业委会",
        "form": "meeting",
        "opens_at": start.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (start + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "organiser": world.committee.pk,
        "matter_1_number": "3",
        "matter_1_title": "选举业主委员会委员",
        "matter_2_number": "12",
        "matter_2_title": "越界",
    }
    r = client.post(reverse("voting_decision_create"), data)
    assert r.status_code == 400 and not Decision.objects.filter(title="选举第三届业委会").exists()
    data["matter_2_number"] = "8"
    r = client.post(reverse("voting_decision_create"), data)
    assert r.status_code == 302
    d = Decision.objects.get(title="选举第三届业委会")
    assert [m.rule for m in d.matters.order_by("position")] == ["majority", "three_quarters"]
    # the other compound is not offered and a forged id is refused
    data["compound"] = world.other_compound.pk
    data["title"] = "伪造"
    assert client.post(reverse("voting_decision_create"), data).status_code == 400
    assert client_for("resident").get(reverse("voting_decision_create")).status_code == 403


def test_open_needs_the_verb_permission(world, client_for, roll, no_advance_notice):
    d = services.decision_create(
        actor=None,
        data={
            "compound": world.compound,
            "title": "开启测试",
            "form": "written",
            "opens_at": timezone.now(),
            "closes_at": timezone.now() + datetime.timedelta(days=3),
        },
        matters=[{"number": 4, "title": "续聘物业"}],
    )
    assert client_for("county").post(url("voting_decision_action", d, "open")).status_code == 403
    assert client_for("company").post(url("voting_decision_action", d, "open")).status_code == 403
    assert client_for("committee").post(url("voting_decision_action", d, "open")).status_code == 302
    d.refresh_from_db()
    assert d.status == "open" and RollVoter.objects.filter(decision=d).exists()


def test_owner_votes_on_the_ballot_page_and_cannot_change(open_decision, roll, client):
    d = open_decision
    client.force_login(roll["users"]["张三"])
    page = client.get(url("voting_decision_ballot", d)).content.decode()
    assert "提交选票" in page and "150.00" in page
    m1, m2 = d.matters.order_by("position")
    voter = RollVoter.objects.get(decision=d, owners=roll["owners"]["张三"])
    r = client.post(
        url("voting_decision_ballot", d), {"voter": voter.pk, f"m{m1.pk}": "yes", f"m{m2.pk}": "no"}
    )
    assert r.status_code == 302
    assert Ballot.objects.filter(voter=voter).count() == 2
    again = client.post(url("voting_decision_ballot", d), {"voter": voter.pk, f"m{m1.pk}": "no"}, follow=True)
    assert "不能修改" in again.content.decode() or "已投票" in again.content.decode()
    assert Ballot.objects.get(voter=voter, matter=m1).choice == "yes"
    # another owner cannot vote as 张三
    client.force_login(roll["users"]["赵六"])
    client.post(url("voting_decision_ballot", d), {"voter": voter.pk, f"m{m1.pk}": "no"})
    assert Ballot.objects.filter(voter=voter).count() == 2


def test_turnout_shows_participation_but_no_choices(open_decision, roll, client_for):
    d = open_decision
    m1 = d.matters.order_by("position").first()
    services.ballot_cast(
        decision=d,
        voter=RollVoter.objects.get(decision=d, owners=roll["owners"]["张三"]),
        choices={m1.pk: "no"},
        actor=roll["users"]["张三"],
    )
    body = client_for("committee").get(url("voting_decision_detail", d)).content.decode()
    assert "实时参与情况" in body and "1/6" in body and "150/710" in body
    assert "反对" not in body and "同意" not in body.split("实时参与情况")[1].split("</table>")[0]
    # the notice (with choices) is not there before closing
    assert client_for("committee").get(url("voting_decision_notice", d)).status_code == 403


def test_paper_entry_page_double_entry(open_decision, roll, client_for, users):
    d = open_decision
    m1, m2 = d.matters.order_by("position")
    voter = RollVoter.objects.get(decision=d, owners=roll["owners"]["赵六"])
    first = client_for("community")
    r = first.post(
        url("voting_decision_paper", d),
        {"action": "enter", "voter": voter.pk, f"m{m1.pk}": "yes", f"m{m2.pk}": "yes", "scan": scan()},
    )
    assert r.status_code == 302
    sheet = PaperBallot.objects.get(decision=d)
    page = first.get(url("voting_decision_paper", d)).content.decode()
    assert "须由另一名工作人员复录" in page
    second = client_for("committee")
    page = second.get(url("voting_decision_paper", d)).content.decode()
    assert "保存复录" in page
    second.post(
        url("voting_decision_paper", d),
        {
            "action": "confirm",
            "paper": sheet.pk,
            f"p{sheet.pk}-m{m1.pk}": "yes",
            f"p{sheet.pk}-m{m2.pk}": "yes",
        },
    )
    sheet.refresh_from_db()
    assert sheet.status == "matched" and Ballot.objects.filter(paper=sheet).count() == 2
    assert client_for("resident").get(url("voting_decision_paper", d)).status_code == 403


def test_notice_shows_every_figure_as_a_fraction(open_decision, roll, users, client_for):
    d = open_decision
    for name, choice in (
        ("张三", "yes"),
        ("李四", "yes"),
        ("赵六", "no"),
        ("开发商", "yes"),
        ("孙七", "abstain"),
    ):
        services.ballot_cast(
            decision=d,
            voter=RollVoter.objects.get(decision=d, owners=roll["owners"][name]),
            choices={m.pk: choice for m in d.matters.all()},
            actor=roll["users"][name],
        )
    services.decision_close(decision=d, actor=users["committee"], note="测试提前截止")
    assert client_for("resident").get(url("voting_decision_notice", d)).status_code in (403, 404)
    services.decision_publish(decision=d, actor=users["committee"])
    body = client_for("resident").get(url("voting_decision_notice", d)).content.decode()
    assert "620.5/710 = 1241/1420（87.39%）" in body
    assert "5/6 = 5/6（83.33%）" in body
    assert "3/5 = 3/5（60.00%）" in body
    assert "通过" in body and "未通过" in body  # item 5 passes, item 6 fails at 3/4
    assert "一年内" in body


def test_api_lists_scoped_and_results_only_when_published(open_decision, roll, users, api_get, client):
    d = open_decision
    r = api_get("/api/v1/voting/decisions", as_="county")
    assert r.status_code == 200
    ids = [row["id"] for row in r.json()["results"]]
    assert d.pk in ids
    assert d.pk not in [
        row["id"] for row in api_get("/api/v1/voting/decisions", as_="other_county").json()["results"]
    ]
    assert api_get(f"/api/v1/voting/decisions/{d.pk}", as_="other_county").status_code == 404
    assert api_get(f"/api/v1/voting/decisions/{d.pk}", as_="heze_city").status_code == 404
    assert api_get(f"/api/v1/voting/decisions/{d.pk}/result", as_="county").status_code == 403
    detail = api_get(f"/api/v1/voting/decisions/{d.pk}", as_="county").json()
    assert [m["rule"] for m in detail["matters"]] == ["majority", "three_quarters"]
    services.ballot_cast(
        decision=d,
        voter=RollVoter.objects.get(decision=d, owners=roll["owners"]["张三"]),
        choices={m.pk: "yes" for m in d.matters.all()},
        actor=roll["users"]["张三"],
    )
    services.decision_close(decision=d, actor=users["committee"], note="测试")
    services.decision_publish(decision=d, actor=users["committee"])
    result = api_get(f"/api/v1/voting/decisions/{d.pk}/result", as_="county").json()
    assert result["matters"][0]["heads"]["participation"] == "1/6"
    assert result["matters"][0]["quorum"] is False
    # ballots: only the owner's own
    client.force_login(roll["users"]["张三"])
    mine = client.get("/api/v1/voting/my-ballots").json()
    assert len(mine) == 2 and {b["choice"] for b in mine} == {"yes"}
    client.force_login(roll["users"]["赵六"])
    assert client.get("/api/v1/voting/my-ballots").json() == []
    assert api_get("/api/v1/voting/my-ballots", as_="county").json() == []


def test_api_list_query_count(world, api_get, django_assert_max_num_queries):
    api_get("/api/v1/voting/decisions", as_="city")  # the key is made on first use
    with django_assert_max_num_queries(15):
        assert api_get("/api/v1/voting/decisions", as_="city").status_code == 200


def test_scans_only_for_staff_in_scope(open_decision, roll, client_for):
    d = open_decision
    voter = RollVoter.objects.get(decision=d, owners=roll["owners"]["赵六"])
    client = client_for("community")
    client.post(
        url("voting_decision_paper", d),
        {"action": "enter", "voter": voter.pk, f"m{d.matters.first().pk}": "yes", "scan": scan()},
    )
    sheet = PaperBallot.objects.get(decision=d)
    r = client.get(url("voting_paperballot_scan", d, sheet.pk))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert client_for("resident").get(url("voting_paperballot_scan", d, sheet.pk)).status_code == 403
    assert client_for("other_county").get(url("voting_paperballot_scan", d, sheet.pk)).status_code == 404
    assert client_for("outsider").get(url("voting_paperballot_scan", d, sheet.pk)).status_code in (403, 404)


def test_proxy_page_registers_with_document(open_decision, roll, client_for):
    d = open_decision
    client = client_for("committee")
    principal = RollVoter.objects.get(decision=d, owners=roll["owners"]["孙七"])
    r = client.post(
        url("voting_decision_proxy", d), {"principal": principal.pk, "agent": roll["owners"]["张三"].pk}
    )
    assert r.status_code == 200 and "授权委托书" in r.content.decode() and not d.proxies.exists()
    r = client.post(
        url("voting_decision_proxy", d),
        {"principal": principal.pk, "agent": roll["owners"]["张三"].pk, "document": scan("auth.pdf")},
    )
    assert r.status_code == 302 and d.proxies.count() == 1
    item = d.proxies.get()
    assert client.get(url("voting_proxy_document", d, item.pk)).status_code == 200
    # the agent sees a second card on the ballot page
    client.force_login(roll["users"]["张三"])
    page = client.get(url("voting_decision_ballot", d)).content.decode()
    assert "受托代为投票" in page


def test_owner_page_and_home_tile(open_decision, roll, client):
    d = open_decision
    client.force_login(roll["users"]["李四"])
    page = client.get(url("voting_decision_detail", d)).content.decode()
    assert "我要投票" in page and "实时参与情况" not in page and "操作记录" not in page
    from apps.voting.selectors import home_tiles

    tiles = home_tiles(roll["users"]["李四"])
    assert tiles[0]["value"] == 1 and tiles[0]["sub"] == "待我投票 1 项"
    assert home_tiles(roll["users"]["李四"].__class__(role="")) == []


def test_vote_verify_unknown_decision(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="没有编号"):
        call_command("vote_verify", "999999")


def test_openapi_schema_lists_the_voting_endpoints(world, client_for):
    schema = client_for("city").get("/api/v1/openapi.json").json()
    assert {"/api/v1/voting/decisions", "/api/v1/voting/my-ballots"} <= set(schema["paths"])


def test_counting_policy_page(world, client_for):
    target = reverse("voting_countingpolicy_edit", args=[world.compound.pk])
    client = client_for("committee")
    assert "法定方法" in client.get(target).content.decode()
    base = {
        "developer_units_one_person": "on",
        "multi_unit_owner_one_person": "on",
        "abstention_participates": "on",
    }
    r = client.post(target, {**base, "silence_follows_majority": "on", "basis": ""})
    assert r.status_code == 200 and "依据" in r.content.decode()
    from apps.voting.models import CountingPolicyRecord

    assert not CountingPolicyRecord.objects.exists()
    assert (
        client.post(target, {**base, "silence_follows_majority": "on", "basis": "议事规则第8条"}).status_code
        == 302
    )
    assert CountingPolicyRecord.objects.get().silence_follows_majority
    for persona in ("resident", "county", "company"):
        assert client_for(persona).get(target).status_code == 403
    assert client_for("other_county").get(target).status_code == 404
    assert (
        client_for("committee")
        .get(reverse("voting_countingpolicy_edit", args=[world.other_compound.pk]))
        .status_code
        == 404
    )
