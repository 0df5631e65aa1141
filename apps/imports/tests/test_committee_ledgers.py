"""The owners' committee ledger (one row per member): template round trip, a whole roster,
re-imports that update and add members, bad input in Chinese, rows outside the scope."""

import pytest

from apps.committees.models import CommitteeMember, OwnersCommittee
from apps.imports.models import BatchStatus
from apps.imports.tests.conftest import xlsx
from apps.imports.tests.ledgers import drop_downs, sample_of, template_of

pytestmark = pytest.mark.django_db

HEADERS = ["小区编码", "类别", "任期开始", "任期届满", "委员姓名", "手机号", "职务", "本小区业主", "中共党员"]
HEADERS += ["与小区党支部交叉任职", "党支部职务"]


def _roster(code, n=5, *, start="2021-01-01", end="2025-12-31"):
    people = [("孙一", "主任", "是", "是", "支部书记"), ("孙二", "副主任", "是", "是", "支部委员")]
    people += [(f"孙{c}", "委员", "否", "否", "") for c in "三四五六七八九十"]
    return [
        [code, "业主委员会", start, end, name, f"1370000{i:04d}", pos, "是", party, cross, branch]
        for i, (name, pos, party, cross, branch) in enumerate(people[:n])
    ]


def test_template_sample_round_trips(world, client_for, importer):
    client = client_for("community")
    template = template_of(client, "committees")
    sample = sample_of(template)
    assert {"类别", "职务", "本小区业主", "中共党员", "与小区党支部交叉任职"} <= drop_downs(template)
    _, batch = importer(client, "committees", template)
    assert (batch.status, batch.to_create) == (BatchStatus.VALID, 1), importer.problems(batch)
    importer.commit(client, batch)
    committee = OwnersCommittee.objects.get(compound__code=sample["小区编码"], term_start=sample["任期开始"])
    assert (committee.get_kind_display(), str(committee.term_end), str(committee.elected_on)) == (
        sample["类别"],
        sample["任期届满"],
        sample["选举（成立）日期"],
    )
    (member,) = committee.members.all()
    assert (member.name, member.phone, member.get_position_display(), member.is_owner) == (
        sample["委员姓名"],
        sample["手机号"],
        sample["职务"],
        True,
    )


def test_a_new_roster_then_re_import_updates_and_adds_members(world, client_for, importer):
    client = client_for("street")
    code = world.compound.code
    rows = _roster(code, 5)
    rows[0][5] = "137-0000-0000"  # stored as the 11 digits
    _, batch = importer(client, "committees", xlsx(HEADERS, rows))
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    importer.commit(client, batch)
    committee = OwnersCommittee.objects.get(compound=world.compound, term_start="2021-01-01")
    assert committee.members.count() == 5
    director = committee.members.get(name="孙一")
    assert (director.position, director.phone, director.cross_appointed) == ("director", "13700000000", True)
    committees, members = OwnersCommittee.objects.count(), CommitteeMember.objects.count()
    _, batch = importer(client, "committees", xlsx(HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 0, 5)
    rows[4][5] = "13911110000"
    rows += _roster(code, 6)[5:]  # 补选 one member
    _, batch = importer(client, "committees", xlsx(HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (1, 1, 4)
    importer.commit(client, batch)
    assert (OwnersCommittee.objects.count(), CommitteeMember.objects.count()) == (committees, members + 1)
    assert committee.members.get(name="孙五").phone == "13911110000"


def _short(world, rule: str, start="2021-01-01") -> str:
    return (
        f"{world.compound.name}（小区编码{world.compound.code}）任期自{start}起的业主委员会：{rule}；"
        "新登记的业主委员会须在同一文件中列出全部委员"
    )


def _community_rules(world, min_members: int):
    from apps.committees.services import rules_create

    rules_create(
        actor=None,
        data={
            "region": world.compound.community,
            "min_members": min_members,
            "max_members": 11,
            "require_odd": True,
            "max_term_years": 5,
            "reelection_window_days": 90,
            "red_min_cross_appointed": 3,
            "red_min_party_share": "1/2",
            "management_min_owner_share": "1/2",
            "source": "社区测试规则",
        },
    )


def test_a_short_roster_shows_in_the_preview_on_the_committees_rows(world, client_for, importer):
    client = client_for("county")
    code = world.compound.code
    rows = _roster(code, 4) + _roster(code, 5, start="2026-01-01", end="2030-12-31")
    _, batch = importer(client, "committees", xlsx(HEADERS, rows))
    assert (batch.status, batch.to_create) == (BatchStatus.INVALID, 5)  # the other committee's rows
    message = _short(world, "业主委员会委员应为5至11人，现为4人")
    assert importer.problems(batch) == [(n, "", message) for n in range(2, 6)]  # not the other committee's
    rows = _roster(code, 5)
    rows[0][5] = "1370000"  # a bad cell: its row still counts as one of the five members
    _, batch = importer(client, "committees", xlsx(HEADERS, rows))
    assert [(row, column) for row, column, _ in importer.problems(batch)] == [(2, "手机号")]
    _community_rules(world, 7)  # the rule as configured for the compound's community
    _, batch = importer(client, "committees", xlsx(HEADERS, _roster(code, 5)))
    assert importer.problems(batch) == [
        (n, "", _short(world, "业主委员会委员应为7至11人，现为5人")) for n in range(2, 7)
    ]
    assert not OwnersCommittee.objects.filter(compound=world.compound, term_start="2021-01-01").exists()


def test_a_roster_short_of_rules_changed_before_the_commit_is_refused_on_its_rows(
    world, client_for, importer
):
    client = client_for("county")
    _, batch = importer(client, "committees", xlsx(HEADERS, _roster(world.compound.code, 5)))
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    _community_rules(world, 7)
    batch = importer.commit(client, batch)
    assert batch.status == BatchStatus.FAILED
    assert batch.error == _short(world, "业主委员会委员应为7至11人，现为5人")
    assert {row for row, _, _ in importer.problems(batch)} == {2, 3, 4, 5, 6}
    assert not OwnersCommittee.objects.filter(term_start="2021-01-01").exists()


def test_bad_rows_are_named_in_chinese(world, client_for, importer):
    rows = _roster(world.compound.code, 7)
    rows[1][6] = "主任"  # a second director
    rows[2][7] = "否"  # not an owner
    rows[3][9], rows[3][10] = "是", "支部委员"  # cross-appointed, not a party member
    rows[4][3] = "2025-06-30"  # differs from the committee's other rows
    rows[5][6] = "秘书长"
    _, batch = importer(client_for("county"), "committees", xlsx(HEADERS, rows))
    problems = importer.problems(batch)
    assert (3, "职务", "业主委员会只能有一名主任") in problems
    assert (4, "本小区业主", "业主委员会委员应当是本小区业主") in problems
    assert (5, "与小区党支部交叉任职", "交叉任职的成员应为中共党员") in problems
    assert (6, "任期届满", "同一业委会（小区编码和任期开始相同）的各行，此列应填写一致") in problems
    assert (7, "职务", "“秘书长”不是可选值，可填：主任、副主任、委员、物管会主任（居委会）") in problems
    bad_term = [
        [world.compound.code, "业主委员会", "2021-01-01", "2020-01-01", "周一", "", "委员", "是", "", "", ""]
    ]
    _, batch = importer(client_for("county"), "committees", xlsx(HEADERS, bad_term))
    assert (2, "任期届满", "任期届满日期必须晚于任期开始日期") in importer.problems(batch)


def test_rows_outside_the_scope_are_refused(world, client_for, importer):
    other = world.other["compound"].code
    _, batch = importer(client_for("county"), "committees", xlsx(HEADERS, _roster(other, 1)))
    assert importer.problems(batch) == [(2, "小区编码", f"找不到“{other}”，或不在您的管辖范围内")]
    # a committee member's role may read its committee, not import into it
    response = client_for("committee").post("/imports/committees/", {})
    assert response.status_code == 403


def test_columns_left_out_keep_the_committees_values(world, client_for, importer):
    client = client_for("county")
    rows = [[*r, "2020-12-20"] for r in _roster(world.compound.code, 5)]
    _, batch = importer(client, "committees", xlsx([*HEADERS, "选举（成立）日期"], rows))
    importer.commit(client, batch)
    committee = OwnersCommittee.objects.get(compound=world.compound, term_start="2021-01-01")
    assert str(committee.elected_on) == "2020-12-20"
    rows = _roster(world.compound.code, 6)  # without the 选举（成立）日期 column, and one member more
    _, batch = importer(client, "committees", xlsx(HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (1, 0, 5), importer.problems(batch)
    importer.commit(client, batch)
    committee.refresh_from_db()
    assert str(committee.elected_on) == "2020-12-20" and committee.members.count() == 6
