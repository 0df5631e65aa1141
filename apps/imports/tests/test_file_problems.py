"""The engine's end-of-file hook (Ledger.row_checked / file_problems): every row is seen, valid or
not, and the whole file's problems come back on their rows with the column's header."""

from django import forms

from apps.core.imports import Column, FileProblem, Ledger
from apps.imports.engine import Problem, Session


class NameForm(forms.Form):
    name = forms.CharField(label="名称")

    def __init__(self, data=None, *, user=None, instance=None):
        super().__init__(data)


class CountingLedger(Ledger):
    form_class = NameForm
    columns = (Column("name", "名称", required=True),)
    key_columns = ("name",)

    def prepare(self, user):
        return []

    def lookup(self, key, *, user, state=None):
        return None

    def row_checked(self, number, key, form, *, state):
        state.append((number, key, form is not None))

    def file_problems(self, *, state):
        valid = [number for number, _, ok in state if ok]
        return [FileProblem(n, f"本文件只有{len(valid)}行有效", column="name") for n in valid]


def test_every_row_is_seen_and_the_files_problems_come_back_on_their_rows():
    ledger = CountingLedger()
    session = Session(ledger, None, list(ledger.columns))
    for number, cells in ((2, ["甲"]), (3, [""]), (4, ["乙"])):
        session.validate(number, cells)
    assert session.state == [(2, ("甲",), True), (3, None, False), (4, ("乙",), True)]
    assert session.finish() == [
        Problem(2, "名称", "", "本文件只有2行有效"),
        Problem(4, "名称", "", "本文件只有2行有效"),
    ]


def test_a_ledger_without_the_hook_has_no_file_problems():
    class Plain(CountingLedger):
        row_checked = Ledger.row_checked
        file_problems = Ledger.file_problems

    session = Session(Plain(), None, list(Plain.columns))
    session.validate(2, ["甲"])
    assert session.finish() == [] and session.state == []
