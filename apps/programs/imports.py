"""The programmes' ledger for bulk import (apps/core/imports.py, run by apps/imports): service
arrangements (服务安排: 兜底, 大手牵小手, market, street centre, self-managed), each row through
the arrangement page's own form and saved by the page's own service.

A row is identified by its compound and start date (two arrangements of one compound never
overlap, so no two share a start). An arrangement already recorded can only be ended by a
re-import (its end date), as on its page; who serves and how is changed by a new arrangement."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from apps.core.imports import IMPORT_RECORDS, Column, Ledger, plain_value
from apps.core.scoping import scoped
from apps.programs import selectors, services
from apps.programs.choices import ArrangementMode
from apps.programs.forms import ArrangementForm
from apps.programs.models import ServiceArrangement
from apps.registry.models import Compound

# what a re-import may change on an arrangement already recorded: its end (arrangement_end)
CHANGEABLE = ("end_date",)


class ArrangementState:
    """Per-file memory: the rows' own periods per compound, so that two rows of one file that
    overlap each other are refused in the preview, before either is saved."""

    def __init__(self):
        self.periods: dict[int, list[tuple[datetime.date, datetime.date | None]]] = {}


def _meets(a_start, a_end, b_start, b_end) -> bool:
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def _period(start, end) -> str:
    return f"{start}—{end or '长期'}"


class ArrangementImportForm(ArrangementForm):
    """Rows name the compound by its code and the company by its credit code."""

    def __init__(self, *args, user=None, state=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        self.state = state
        self.fields["compound"].to_field_name = "code"
        self.fields["compound"].label = "小区编码"
        self.fields["company"].to_field_name = "credit_code"
        self.fields["company"].label = "服务企业统一社会信用代码"

    def clean(self):
        cleaned = super().clean()
        compound, start, end = cleaned.get("compound"), cleaned.get("start_date"), cleaned.get("end_date")
        if self._errors or compound is None or start is None or (end is not None and end < start):
            return cleaned  # the cells' own messages (or the model's end-after-start) say it
        existing = self.instance if self.instance.pk else None
        if existing is not None and not self._check_change(existing, cleaned):
            return cleaned
        clash = services.overlapping(
            compound, start, end, exclude_pk=existing.pk if existing else None
        ).first()
        if clash is not None:
            self.add_error(
                "start_date",
                f"与已有服务安排重叠：{clash.get_mode_display()} {_period(clash.start_date, clash.end_date)}，"
                "同一小区的服务安排不能重叠（开始日期/结束日期）",
            )
            return cleaned
        if self.state is not None:
            for other_start, other_end in self.state.periods.get(compound.pk, []):
                if _meets(start, end, other_start, other_end):
                    self.add_error(
                        "start_date",
                        f"与本文件中同一小区的另一行（{_period(other_start, other_end)}）重叠，"
                        "同一小区的服务安排不能重叠",
                    )
                    return cleaned
        return cleaned

    def full_clean(self):
        super().full_clean()
        # remembered only once the whole row (the model's checks too) is valid
        if self.state is not None and self.is_bound and not self._errors:
            d = self.cleaned_data
            self.state.periods.setdefault(d["compound"].pk, []).append((d["start_date"], d.get("end_date")))

    def _check_change(self, existing: ServiceArrangement, cleaned: dict) -> bool:
        """An arrangement already recorded may only get (or move) its end, as on its page."""
        changed = [
            name
            for name in ArrangementForm.Meta.fields
            if name in cleaned
            and name not in CHANGEABLE
            and name != "compound"
            and plain_value(cleaned[name])
            != plain_value(getattr(existing, ServiceArrangement._meta.get_field(name).attname))
        ]
        if changed:
            labels = "、".join(str(self.fields[n].label) for n in changed)
            self.add_error(
                None,
                f"该小区自{existing.start_date}起的服务安排已登记，导入只能修改结束日期（本行改动了：{labels}）；"
                "变更服务模式或企业请新建一条开始日期不同的服务安排",
            )
            return False
        if cleaned.get("end_date") == existing.end_date:
            return True
        if cleaned.get("end_date") is None:
            self.add_error("end_date", "已结束的服务安排不能改为长期，请填写结束日期")
            return False
        if self.user is not None and not self.user.has_perm("programs.change_servicearrangement"):
            self.add_error("end_date", "您的角色无权修改已登记服务安排的结束日期")
            return False
        return True


class ArrangementLedger(Ledger):
    name = "arrangements"
    title = "物业服务安排（兜底、大手牵小手）"
    permissions = (IMPORT_RECORDS, "programs.add_servicearrangement")
    list_url_name = "arrangement_list"
    form_class = ArrangementImportForm
    order = 60
    columns = (
        Column("compound", "小区编码", required=True, text=True, note="15位小区编码，见小区详情页"),
        Column("mode", "服务模式", required=True),
        Column(
            "company",
            "服务企业统一社会信用代码",
            text=True,
            width=22,
            note="市场化、兜底、大手牵小手必须填写（兜底须为国有公益性物业企业）；其他模式不填",
        ),
        Column(
            "provider_name",
            "服务机构",
            width=24,
            note="街道物业服务中心、业主自治管理时填写服务机构或自治组织的名称",
        ),
        Column("start_date", "开始日期", required=True, date=True),
        Column("end_date", "结束日期", date=True, note="含当日；不填表示长期"),
        Column("security", "保安"),
        Column("cleaning", "保洁"),
        Column("greenery", "保绿"),
        Column("repairs", "保修"),
        Column("extra_services", "其他服务", width=24),
        Column("fee_per_sqm", "物业费标准（元/㎡·月）"),
        Column("note", "备注", width=24),
    )
    key_columns = ("compound", "start_date")
    notes = (
        "按小区编码和开始日期识别已有服务安排；同一小区的服务安排在时间上不能重叠（与已登记的、与本文件其他行的都不能）。",
        "已登记的服务安排再次导入时只能修改结束日期（终止安排）；变更服务模式或服务企业，请新建一条开始日期不同的安排。",
        "保安、保洁、保绿、保修填“是”或“否”；不含这几列时默认均为“是”。",
    )

    def prepare(self, user):
        return ArrangementState()

    def form(self, data, *, user, instance=None, state=None):
        return ArrangementImportForm(data, user=user, instance=instance, state=state)

    def natural_key(self, data):
        code = (data.get("compound") or "").strip()
        try:
            start = datetime.date.fromisoformat((data.get("start_date") or "").strip())
        except ValueError:
            return None  # the form says what is wrong with the date
        return (code, start.isoformat()) if code else None

    def lookup(self, key, *, user, state=None):
        return (
            selectors.arrangement_list_for(user=user)
            .filter(compound__code=key[0], start_date=datetime.date.fromisoformat(key[1]))
            .first()
        )

    def save(self, form, *, instance, actor):
        data = dict(form.cleaned_data)
        compound = data.pop("compound")
        if instance is None:
            return services.arrangement_create(compound=compound, data=data, actor=actor)
        return services.arrangement_end(arrangement=instance, end_date=data["end_date"], actor=actor)

    def sample_row(self, user):
        """A compound of the user's scope with no arrangement from today on, served from today
        by a street centre: a row that imports as it is."""
        today = timezone.localdate()
        busy = ServiceArrangement.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        compounds = scoped(Compound.objects.all(), user)
        compound = compounds.exclude(pk__in=busy.values("compound_id")).order_by("code").first()
        return {
            "compound": compound.code if compound else "",
            "mode": ArrangementMode.STREET_CENTRE.label,
            "provider_name": "示例街道物业服务中心",
            "start_date": today.isoformat(),
            "security": "是",
            "cleaning": "是",
            "greenery": "是",
            "repairs": "否",
            "fee_per_sqm": "0.30",
            "note": "示例行，导入前请改写或删除",
        }


arrangements = ArrangementLedger()
