"""The owners' committee ledger for bulk import (apps/core/imports.py, run by apps/imports): one
row per member, the committee's own columns repeated on each of its rows. A row is validated by
the committee page's CommitteeForm and the member page's MemberForm, and saved by the pages'
services: a new committee with its whole roster through `committee_create` (the roster rules are
checked on the whole roster, as on the page), a new member of a recorded committee through
`member_add` (补选), changes through `committee_update` and `member_update`."""

from __future__ import annotations

import copy
import datetime

from django import forms

from apps.committees import selectors, services
from apps.committees.choices import CommitteeKind, MemberPosition
from apps.committees.forms import CommitteeForm, MemberForm
from apps.committees.rules import MemberFacts, facts_of_data, roster_errors, rules_for, size_errors
from apps.core.imports import (
    IMPORT_RECORDS,
    Column,
    FileProblem,
    Ledger,
    MobileCellField,
    detached_copy,
    not_found,
    page_fields,
    plain_value,
)

COMMITTEE_FIELDS = ("kind", "term_start", "term_end", "elected_on", "filed_on", "dissolved_on")
MEMBER_FIELDS = tuple(MemberForm.Meta.fields)  # the member page's fields, one list


def _date(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None


class CommitteeState:
    """One file's lookups (compounds, committees, their members) and the rows seen so far of
    each committee: their committee columns must agree, and the roster may not outgrow the rules."""

    def __init__(self, user):
        self.user = user
        self._compounds: dict = {}
        self._committees: dict = {}
        self.first: dict = {}  # committee key → the committee columns of its first row
        self.tally: dict = {}  # committee key → {"members": n, "directors": n}
        self.rosters: dict = {}  # (compound code, term start) → Roster: the file's rows of it

    def compound(self, code: str):
        if code not in self._compounds:
            from apps.registry.selectors import compound_list_for

            self._compounds[code] = compound_list_for(user=self.user).filter(code=code).first()
        return self._compounds[code]

    def committee(self, compound, term_start: datetime.date):
        key = (compound.pk, term_start)
        if key not in self._committees:
            self._committees[key] = (
                selectors.committee_list_for(user=self.user)
                .filter(compound=compound, term_start=term_start)
                .order_by("pk")
                .first()
            )
        return self._committees[key]

    def member(self, committee, name: str):
        return next((m for m in committee.members.all() if m.name == name), None)


class Roster:
    """A committee's rows in one file, for the whole-roster rules (CommitteeLedger.file_problems)."""

    def __init__(self):
        self.rows: list[int] = []  # row numbers
        self.names: set[str] = set()
        self.members: list[MemberFacts] = []  # of its valid rows
        self.kind = None  # the committee's kind, from its first valid row
        self.complete = True  # every row valid


class MemberRowForm(forms.Form):
    """A row of the ledger: the committee (found by compound code and term start) and one member
    (found by name in that committee)."""

    compound = forms.CharField(label="小区编码", max_length=15)

    def __init__(self, data=None, *, user=None, instance=None, state=None):
        self.committee, self.member = instance or (None, None)
        initial = {}
        if self.committee is not None:
            initial.update({n: getattr(self.committee, n) for n in COMMITTEE_FIELDS})
            initial["compound"] = self.committee.compound.code
        if self.member is not None:
            initial.update({n: getattr(self.member, n) for n in MEMBER_FIELDS})
        super().__init__(data, initial=initial)
        self.user = user
        self.state = state or CommitteeState(user)
        committee_fields, member_fields = page_fields(CommitteeForm), page_fields(MemberForm)
        for name in COMMITTEE_FIELDS:
            self.fields[name] = copy.deepcopy(committee_fields[name])
        for name in MEMBER_FIELDS:
            self.fields[name] = copy.deepcopy(member_fields[name])
        self.fields["name"].label = "委员姓名"
        self.fields["phone"] = MobileCellField(label="手机号")
        self.committee_form = self.member_form = None
        self.key = None

    def clean(self):
        cleaned = super().clean()
        code, term_start = cleaned.get("compound"), cleaned.get("term_start")
        if not code or not term_start:
            return cleaned
        compound = self.state.compound(code)
        if compound is None:
            self.add_error("compound", not_found(code))
            return cleaned
        if self.committee is None:
            self.committee = self.state.committee(compound, term_start)
        self.key = (compound.pk, term_start)
        committee_data = {n: self.data.get(n) for n in COMMITTEE_FIELDS if self.data.get(n) is not None}
        if self.committee is not None:
            # A column left out of the file keeps the recorded committee's value, on the rows of
            # new members too (the engine's defaults only know an existing member's row).
            for name in COMMITTEE_FIELDS:
                value = getattr(self.committee, name)
                if name not in self.data and value is not None:
                    committee_data[name] = str(value)
        self.committee_form = CommitteeForm(
            {**committee_data, "compound": compound.pk},
            user=self.user,
            instance=detached_copy(self.committee),
        )
        self._take_errors(self.committee_form)
        member_data = {n: self.data.get(n) for n in MEMBER_FIELDS if self.data.get(n) is not None}
        self.member_form = MemberForm(member_data, user=self.user, instance=detached_copy(self.member))
        self.member_form.fields["phone"] = MobileCellField(label="手机号")
        self._take_errors(self.member_form)
        if not self.errors:
            self._roster_checks(compound)
        return cleaned

    def _take_errors(self, form) -> None:
        if not form.is_valid():
            for field, errors in form.errors.as_data().items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)

    def _roster_checks(self, compound) -> None:
        """What one row can already tell about the roster; the whole new roster is checked once
        the file is read (`CommitteeLedger.file_problems`), and again by `committee_create`."""
        committee_data = {n: self.committee_form.cleaned_data.get(n) for n in COMMITTEE_FIELDS}
        first = self.state.first.setdefault(self.key, committee_data)
        for name in COMMITTEE_FIELDS:
            if first[name] != committee_data[name]:
                self.add_error(name, "同一业委会（小区编码和任期开始相同）的各行，此列应填写一致")
        member = self.member_form.cleaned_data
        kind = committee_data["kind"]
        if kind != CommitteeKind.OWNERS_COMMITTEE:
            return
        if not member.get("is_owner"):
            self.add_error("is_owner", services.NOT_AN_OWNER)
        if self.member is not None:
            return
        existing = list(self.committee.members.all()) if self.committee is not None else []
        tally = self.state.tally.setdefault(
            self.key,
            {
                "members": len(existing),
                "directors": sum(m.position == MemberPosition.DIRECTOR for m in existing),
            },
        )
        tally["members"] += 1
        rules = rules_for(compound.community_id)
        if tally["members"] > rules.max_members:
            self.add_error(None, f"业主委员会委员不得超过{rules.max_members}人")
        if member.get("position") == MemberPosition.DIRECTOR:
            tally["directors"] += 1
            if tally["directors"] > 1:
                self.add_error("position", "业主委员会只能有一名主任")


class CommitteeLedger(Ledger):
    name = "committees"
    title = "业主委员会及委员"
    permissions = (
        IMPORT_RECORDS,
        "committees.add_ownerscommittee",
        "committees.change_ownerscommittee",
        "committees.add_committeemember",
        "committees.change_committeemember",
    )
    list_url_name = "committee_list"
    form_class = MemberRowForm
    order = 70
    # A new committee is created with its whole roster at once: all rows go to `bulk_save`
    # together (more than a file may hold), so that no committee is split between two calls.
    bulk_size = 10**9
    columns = (
        Column("compound", "小区编码", required=True, text=True, note="15位小区编码，见小区详情页"),
        Column("kind", "类别", required=True),
        Column("term_start", "任期开始", required=True, date=True),
        Column("term_end", "任期届满", required=True, date=True),
        Column("elected_on", "选举（成立）日期", date=True),
        Column("filed_on", "备案日期", date=True),
        Column("dissolved_on", "终止日期", date=True),
        Column("name", "委员姓名", required=True),
        Column("phone", "手机号", text=True, note="11位手机号"),
        Column("position", "职务", note="留空为委员"),
        Column("is_owner", "本小区业主", note="业主委员会委员须为本小区业主；留空为否"),
        Column("is_party_member", "中共党员"),
        Column("cross_appointed", "与小区党支部交叉任职", note="交叉任职的须为中共党员，并填写党支部职务"),
        Column("branch_position", "党支部职务", note="交叉任职时填写，如 支部委员"),
    )
    key_columns = ("compound", "term_start", "name")
    notes = (
        "每行一名委员；同一业委会（小区编码和任期开始相同）的各行，业委会各列应填写一致。",
        "新登记的业委会须在同一文件中列出全部委员：委员人数等规则按整个名单校验，与页面登记相同。",
        "已登记的业委会：已有委员按姓名识别并更新，新的委员按补选登记。",
    )

    def prepare(self, user):
        return CommitteeState(user)

    def natural_key(self, data):
        parts = tuple((data.get(c) or "").strip() for c in self.key_columns)
        return parts if all(parts) else None

    def lookup(self, key, *, user, state=None):
        state = state or CommitteeState(user)
        code, term_start, name = key
        compound = state.compound(code)
        start = _date(term_start)
        committee = state.committee(compound, start) if compound is not None and start else None
        member = state.member(committee, name) if committee is not None else None
        return (committee, member) if member is not None else None

    def form(self, data, *, user, instance=None, state=None):
        return MemberRowForm(data, user=user, instance=instance, state=state)

    def row_checked(self, number, key, form, *, state) -> None:
        if key is None:
            return
        roster = state.rosters.setdefault(key[:2], Roster())
        roster.rows.append(number)
        roster.names.add(key[2])
        if form is None:
            roster.complete = False
            return
        roster.kind = roster.kind or form.committee_form.cleaned_data.get("kind")
        roster.members += facts_of_data([form.member_form.cleaned_data])

    def file_problems(self, *, state) -> list[FileProblem]:
        """A new committee's whole roster by the rules `committee_create` applies (the size, an
        odd number, the 物管会's owners), on each of its rows; a row already said what one row can."""
        problems = []
        for (code, term_start), roster in state.rosters.items():
            compound, start = state.compound(code), _date(term_start)
            if roster.kind is None or compound is None or start is None:
                continue  # its rows' own problems say why
            if state.committee(compound, start) is not None:
                continue  # a recorded committee: by-elections (member_add) check themselves
            rules = rules_for(compound.community_id)
            if len(roster.members) > rules.max_members:
                errors = []  # the rows beyond the maximum said so
            elif roster.complete:
                errors = roster_errors(roster.kind, roster.members, rules)
            else:
                errors = size_errors(roster.kind, len(roster.names), rules)
            label = CommitteeKind(roster.kind).label
            what = f"{compound.name}（小区编码{code}）任期自{start}起的{label}"
            hint = f"新登记的{label}须在同一文件中列出全部委员"
            problems += [
                FileProblem(number, f"{what}：{error}；{hint}") for error in errors for number in roster.rows
            ]
        return problems

    def snapshot(self, instance) -> dict:
        committee, member = instance
        return {"committee": super().snapshot(committee), "member": super().snapshot(member)}

    def unchanged(self, form, before) -> bool:
        for part, sub in (("committee", form.committee_form), ("member", form.member_form)):
            for name, value in sub.cleaned_data.items():
                if name in before[part] and before[part][name] != plain_value(value):
                    return False
        return True

    def save(self, form, *, instance, actor):
        raise NotImplementedError  # rows go to bulk_save: a committee is saved with its roster

    def bulk_save(self, rows, *, actor, state):
        groups: dict = {}
        for row in rows:
            groups.setdefault(row.form.key, []).append(row)
        for group in groups.values():
            first = group[0]
            committee = first.form.committee
            data = first.form.committee_form.cleaned_data
            with _row(first.number):
                if committee is None:
                    services.committee_create(
                        actor=actor, data=data, members=[r.form.member_form.cleaned_data for r in group]
                    )
                    continue
                if any(getattr(committee, n) != data.get(n) for n in COMMITTEE_FIELDS):
                    committee = services.committee_update(committee=committee, actor=actor, data=data)
            for row in group:
                member_data = row.form.member_form.cleaned_data
                with _row(row.number):
                    if row.form.member is None:
                        services.member_add(committee=committee, actor=actor, data=member_data)
                    elif any(getattr(row.form.member, n) != member_data.get(n) for n in MEMBER_FIELDS):
                        services.member_update(member=row.form.member, actor=actor, data=member_data)

    def sample_row(self, user):
        from apps.registry.selectors import compound_list_for

        compound = compound_list_for(user=user).order_by("code").first()
        return {
            "compound": compound.code if compound else "",
            "kind": CommitteeKind.MANAGEMENT.label,
            "term_start": "2025-01-01",
            "term_end": "2027-12-31",
            "elected_on": "2025-01-01",
            "name": "赵六",
            "phone": "13600000000",
            "position": MemberPosition.MEMBER.label,
            "is_owner": "是",
            "is_party_member": "否",
            "cross_appointed": "否",
        }


class _row:
    """Marks a refusal of the service with the row it came from (the engine reports it there)."""

    def __init__(self, number: int):
        self.number = number

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is not None and not hasattr(exc, "row_number"):
            exc.row_number = self.number
        return False


committees = CommitteeLedger()
