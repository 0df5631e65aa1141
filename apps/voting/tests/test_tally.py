"""The arithmetic of 民法典 第278条 at its boundaries (pure functions, no database)."""

import json
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command

from apps.voting.tally import (
    STATUTORY,
    CountingPolicy,
    RollEntry,
    TallyError,
    tally,
    tally_document,
    unit_area,
    voters_of,
)


def doc(matter, units, ballots, developer=None, **extra):
    return {"matter": matter, "units": units, "ballots": ballots, "developer": developer, **extra}


def equal_units(n, area="100"):
    return [[f"u{i}", f"o{i}", area] for i in range(1, n + 1)]


def test_exactly_two_thirds_participation_is_a_quorum():
    # 6 owners of 100 m²; 4 take part = exactly 2/3 of area and heads ("以上" includes it)
    r = tally_document(doc(5, equal_units(6), {"o1": "yes", "o2": "yes", "o3": "yes", "o4": "no"}))
    assert r.area.participation.value == Fraction(2, 3)
    assert r.heads.participation.value == Fraction(2, 3)
    assert r.quorum and r.passed


def test_just_under_two_thirds_is_no_quorum():
    # 9 owners; 5 take part = 5/9 < 2/3; area too
    ballots = {f"o{i}": "yes" for i in range(1, 6)}
    r = tally_document(doc(5, equal_units(9), ballots))
    assert not r.quorum and not r.passed


def test_quorum_needs_area_and_heads():
    # heads 2/3 but area only 1/2: three small owners take part, the big one does not
    units = [
        ["a", "A", "50"],
        ["b", "B", "50"],
        ["c", "C", "50"],
        ["d", "D", "150"],
        ["e", "E", "0.01"],
        ["f", "F", "0.01"],
    ]
    r = tally_document(doc(5, units, {"A": "yes", "B": "yes", "C": "yes", "E": "yes"}))
    assert r.heads.participation.value == Fraction(2, 3)
    assert r.area.participation.value < Fraction(2, 3)
    assert not r.quorum


def test_exactly_half_approving_fails_double_majority():
    units = equal_units(4)
    r = tally_document(doc(4, units, {"o1": "yes", "o2": "yes", "o3": "no", "o4": "no"}))
    assert r.quorum
    assert r.area.approval.value == Fraction(1, 2) and r.heads.approval.value == Fraction(1, 2)
    assert not r.passed


def test_more_than_half_on_both_passes_but_area_alone_does_not():
    units = [["a", "A", "300"], ["b", "B", "100"], ["c", "C", "100"]]
    r = tally_document(doc(4, units, {"A": "yes", "B": "no", "C": "no"}))
    assert r.area.approval.value == Fraction(3, 5)
    assert r.heads.approval.value == Fraction(1, 3)
    assert not r.passed  # 双过半 needs both


def test_exactly_three_quarters_passes_major_matter():
    units = equal_units(4)
    r = tally_document(doc(6, units, {"o1": "yes", "o2": "yes", "o3": "yes", "o4": "no"}))
    assert r.rule == "three_quarters"
    assert r.area.approval.value == Fraction(3, 4) and r.heads.approval.value == Fraction(3, 4)
    assert r.passed


def test_just_under_three_quarters_fails_major_matter():
    units = equal_units(8)
    ballots = {f"o{i}": "yes" for i in range(1, 6)} | {"o6": "no", "o7": "no"}  # 5/7 < 3/4
    for matter in (6, 7, 8):
        r = tally_document(doc(matter, units, ballots))
        assert r.quorum and not r.passed
    assert tally_document(doc(9, units, ballots)).passed  # item 9 is 双过半


def test_developer_unsold_units_count_as_one_person():
    units = [
        ["d1", "开发商", "100"],
        ["d2", "开发商", "100"],
        ["d3", "开发商", "100"],
        ["a", "A", "100"],
        ["b", "B", "100"],
    ]
    r = tally_document(doc(5, units, {"开发商": "yes", "A": "no"}, developer="开发商"))
    assert r.heads.total == 3  # developer, A, B
    assert r.area.total == 500
    assert r.heads.participating == 2 and r.area.participating == 400
    assert r.quorum
    # heads 1/2 approve → fails 双过半 although the developer holds 3/4 of the voting area
    assert r.heads.approval.value == Fraction(1, 2)
    assert not r.passed


def test_developer_deviation_counts_each_unit():
    units = [["d1", "开发商", "100"], ["d2", "开发商", "100"], ["a", "A", "100"]]
    policy = {"developer_units_one_person": False}
    r = tally_document(doc(5, units, {"开发商": "yes"}, developer="开发商", policy=policy))
    assert r.heads.total == 3 and r.heads.yes == 2


def test_one_buyer_of_several_units_is_one_person_with_all_their_area():
    units = [["a1", "A", "100"], ["a2", "A", "80"], ["b", "B", "100"], ["c", "C", "100"]]
    r = tally_document(doc(5, units, {"A": "yes", "B": "yes", "C": "no"}))
    assert r.heads.total == 3
    assert r.area.yes == 280
    assert r.heads.approval.value == Fraction(2, 3)


def test_co_owners_are_one_person_and_either_may_vote():
    units = [["a", "张三", "100"], ["a", "李四", "100"], ["b", "B", "100"], ["c", "C", "100"]]
    r = tally_document(doc(5, units, {"李四": "yes", "B": "yes"}))
    assert r.heads.total == 3 and r.area.total == 300
    assert r.heads.yes == 2
    with pytest.raises(TallyError, match="共有人"):
        tally_document(doc(5, units, {"张三": "yes", "李四": "no"}))


def test_the_same_couple_on_two_units_is_one_buyer():
    entries = [
        RollEntry("a", frozenset({"张三", "李四"}), Fraction(90)),
        RollEntry("b", frozenset({"李四", "张三"}), Fraction(60)),
        RollEntry("c", frozenset({"张三"}), Fraction(70)),  # 张三 alone is another buyer
    ]
    voters = voters_of(entries, STATUTORY)
    assert sorted(v.area for v in voters) == [70, 150]


def test_abstention_takes_part_and_is_not_a_yes():
    units = equal_units(3)
    r = tally_document(doc(5, units, {"o1": "yes", "o2": "abstain", "o3": "no"}))
    assert r.quorum
    assert r.heads.participating == 3
    assert r.heads.approval.value == Fraction(1, 3)
    assert not r.passed
    # with abstention as the only other vote: 1 yes of 2 taking part = exactly half → fails
    r = tally_document(doc(5, equal_units(3), {"o1": "yes", "o2": "abstain"}))
    assert r.quorum and not r.passed


def test_abstention_deviation_is_explicit():
    units = equal_units(3)
    policy = CountingPolicy(abstention_participates=False)
    assert policy.deviations == ["弃权票不计入参与表决"]
    r = tally_document(doc(5, units, {"o1": "yes", "o2": "abstain", "o3": "yes"}, policy=policy.as_dict()))
    assert r.heads.participating == 2 and r.heads.approval.value == 1


def test_silence_is_not_agreement_by_default():
    units = equal_units(6)
    ballots = {"o1": "yes", "o2": "yes", "o3": "yes", "o4": "no"}
    default = tally_document(doc(5, units, ballots))
    assert default.heads.not_voting == 2 and default.heads.yes == 3
    assert STATUTORY.silence_follows_majority is False
    silent = tally_document(doc(5, units, ballots, policy={"silence_follows_majority": True}))
    assert silent.heads.yes == 5 and silent.heads.silent_counted == 2
    assert "未参与表决的业主视为同意多数意见" in silent.policy.deviations


def test_area_basis_registered_then_surveyed_then_contract():
    assert unit_area("90.10", "91", "92") == (Fraction("90.10"), "registered")
    assert unit_area(None, "91", "92") == (91, "surveyed")
    assert unit_area(None, None, "92.5") == (Fraction("92.5"), "contract")
    with pytest.raises(TallyError):
        unit_area(None, None, None)


def test_contract_area_only_unit_counts_with_its_contract_area():
    entries = [
        RollEntry("a", frozenset({"A"}), unit_area(None, None, "120.50")[0]),
        RollEntry("b", frozenset({"B"}), unit_area("100", None, None)[0]),
    ]
    voters = voters_of(entries)
    r = tally(matter=5, voters=voters, choices={"A": "yes", "B": "no"})
    assert r.area.total == Fraction("220.5")
    assert r.area.approval.value == Fraction(241, 441)
    assert r.passed is False  # heads 1/2


def test_exact_arithmetic_where_floats_drift():
    # 0.1 + 0.2 != 0.3 in floats; in fractions the boundary is met exactly
    units = [["a", "A", "0.1"], ["b", "B", "0.2"], ["c", "C", "0.15"]]
    r = tally_document(doc(5, units, {"A": "yes", "B": "yes"}))
    assert r.area.participation.value == Fraction(2, 3)
    assert r.quorum


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "JSON对象"),
        ({"matter": 5, "units": []}, "缺少字段"),
        (doc(0, equal_units(2), {}), "1至9"),
        (doc(10, equal_units(2), {}), "1至9"),
        (doc("5", equal_units(2), {}), "1至9"),
        (doc(5, [["a", "A", "0"]], {}), "必须大于0"),
        (doc(5, [["a", "A", "abc"]], {}), "不是数字"),
        (doc(5, [["a", "A"]], {}), "三项"),
        (doc(5, equal_units(2), {"X": "yes"}), "不在表决名册"),
        (doc(5, equal_units(2), {"o1": "maybe"}), "无效"),
        (doc(5, [["a", "A", "1"], ["a", "B", "2"]], {}), "不同的面积"),
        (doc(5, equal_units(2), {}, policy={"bogus": True}), "policy"),
    ],
)
def test_bad_documents_are_refused_in_chinese(data, message):
    with pytest.raises(TallyError, match=message):
        tally_document(data)


def test_no_participants_is_no_quorum_not_a_crash():
    r = tally_document(doc(5, equal_units(3), {}))
    assert not r.quorum and r.heads.approval.text() == "—"


def test_vote_tally_command_prints_fractions(tmp_path, capsys):
    path = tmp_path / "count.json"
    path.write_text(
        json.dumps(doc(5, equal_units(6), {"o1": "yes", "o2": "yes", "o3": "yes", "o4": "no"})),
        encoding="utf-8",
    )
    call_command("vote_tally", str(path))
    out = json.loads(capsys.readouterr().out)
    assert out["quorum"] is True and out["passed"] is True
    assert out["area"]["participation"] == "2/3" and out["heads"]["participation"] == "2/3"
    assert out["area"]["approval"] == "3/4"
    assert out["heads"]["participation_percent"] == "66.67%"


def test_vote_tally_command_reads_json_numbers_exactly(tmp_path, capsys):
    path = tmp_path / "count.json"
    path.write_text(
        '{"matter": 5, "units": [["a","A",0.1],["b","B",0.2],["c","C",0.15]], "developer": null,'
        ' "ballots": {"A": "yes", "B": "yes"}}',
        encoding="utf-8",
    )
    call_command("vote_tally", str(path))
    assert json.loads(capsys.readouterr().out)["area"]["participation"] == "2/3"


@pytest.mark.parametrize(
    "text, message",
    [("{not json", "不是有效的JSON"), ('{"matter": 12, "units": [["a","A","1"]], "ballots": {}}', "1至9")],
)
def test_vote_tally_command_malformed_file(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("vote_tally", str(path))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("vote_tally", str(tmp_path / "missing.json"))
