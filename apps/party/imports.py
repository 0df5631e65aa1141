"""The party ledgers for bulk import (apps/core/imports.py, run by apps/imports): party
organisations, party-building instructors (党建指导员) and red-collar secretaries (红领书记), each
row through the page's own form and saved by the page's own service."""

from __future__ import annotations

from django import forms

from apps.core.imports import IMPORT_RECORDS, CodeListField, Column, MobileCellField, ServiceLedger
from apps.core.scoping import scoped
from apps.party import selectors, services
from apps.party.choices import PartyOrgKind
from apps.party.forms import InstructorForm, PartyOrgForm, SecretaryForm
from apps.regions.choices import RegionLevel
from apps.regions.models import Region


class NameChoiceField(forms.ModelChoiceField):
    """A record named by its name in a cell; a name held by two records in scope is refused
    rather than guessed."""

    def __init__(self, *args, what: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.what = what

    def to_python(self, value):
        if value in self.empty_values:
            return None
        matches = list(self.queryset.filter(name=str(value).strip())[:2])
        if not matches:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if len(matches) > 1:
            raise forms.ValidationError(f"有多个名为“{value}”的{self.what}，请在页面上选择", code="ambiguous")
        return matches[0]


def _codes(objects, attr: str) -> str:
    return "、".join(sorted(getattr(o, attr) for o in objects))


class ManyToManyLedger(ServiceLedger):
    """A ledger whose form has many-to-many columns: they count when judging 'unchanged'."""

    many = ()  # the many-to-many column names

    def snapshot(self, instance) -> dict:
        before = super().snapshot(instance)
        for name in self.many:  # kept under another key: the default comparison skips them
            before[f"{name}+"] = sorted(getattr(instance, name).values_list("pk", flat=True))
        return before

    def unchanged(self, form, before) -> bool:
        for name in self.many:
            if (
                name in form.cleaned_data
                and sorted(o.pk for o in form.cleaned_data[name]) != before[f"{name}+"]
            ):
                return False
        return super().unchanged(form, before)


def _first_region(user, level: str) -> Region | None:
    return scoped(Region.objects.filter(level=level), user).order_by("code").first()


# ------------------------------------------------------------------ party organisations
class PartyOrgImportForm(PartyOrgForm):
    """Rows name the parent organisation by name, the company by its credit code, the compound
    by its code and the covered companies by their credit codes."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        f = self.fields
        f["region"].label = "所在区划代码"
        f["parent"] = NameChoiceField(
            queryset=f["parent"].queryset, required=False, label="上级党组织名称", what="党组织"
        )
        f["company"].to_field_name = "credit_code"
        f["company"].label = "所属物业企业统一社会信用代码"
        f["compound"].to_field_name = "code"
        f["compound"].label = "所在小区编码"
        f["covered_companies"] = CodeListField(
            queryset=f["covered_companies"].queryset,
            to_field_name="credit_code",
            required=False,
            label="联建覆盖企业统一社会信用代码",
        )
        f["secretary_phone"] = MobileCellField(label="书记电话")
        o = self.instance
        if o.pk is not None:  # a column left out of the file keeps these (the engine's defaults)
            self.initial.update(
                parent=o.parent.name if o.parent_id else "",
                company=o.company.credit_code if o.company_id else "",
                compound=o.compound.code if o.compound_id else "",
                covered_companies=_codes(o.covered_companies.all(), "credit_code"),
            )


class PartyOrgLedger(ManyToManyLedger):
    name = "partyorgs"
    title = "党组织"
    permissions = (IMPORT_RECORDS, "party.add_partyorg", "party.change_partyorg")
    list_url_name = "partyorg_list"
    form_class = PartyOrgImportForm
    order = 60
    many = ("covered_companies",)
    columns = (
        Column("name", "党组织名称", required=True, width=30),
        Column("kind", "类别", required=True),
        Column("region", "所在区划代码", required=True, text=True, note="6位县区、9位街道或12位社区区划代码"),
        Column("parent", "上级党组织名称", width=26, note="须已登记，且在您的管辖范围内"),
        Column("secretary_name", "书记"),
        Column("secretary_phone", "书记电话", text=True, note="11位手机号"),
        Column("member_count", "党员人数"),
        Column("founded_on", "成立日期", date=True),
        Column("company", "所属物业企业统一社会信用代码", text=True, width=22, note="物业企业党组织必填"),
        Column("compound", "所在小区编码", text=True, note="小区党支部必填：15位小区编码，见小区详情页"),
        Column(
            "covered_companies",
            "联建覆盖企业统一社会信用代码",
            text=True,
            width=30,
            note="联合党支部填写；多个企业用顿号（、）分隔",
        ),
    )
    create = services.party_org_create
    update = services.party_org_update
    selector = selectors.party_org_list_for
    lookup_by = {"region": "region_id", "name": "name"}
    notes = ("同一区划内按党组织名称识别已有党组织。",)

    def sample_row(self, user):
        from apps.registry.selectors import compound_list_for

        compound = compound_list_for(user=user).order_by("code").first()
        if compound is None:
            return {}
        return {
            "name": f"{compound.name}示例党支部",
            "kind": PartyOrgKind.COMPOUND_BRANCH.label,
            "region": compound.community_id,
            "secretary_name": "张三",
            "secretary_phone": "13800000000",
            "member_count": "7",
            "founded_on": "2021-07-01",
            "compound": compound.code,
        }


# ------------------------------------------------------------------ instructors
class InstructorImportForm(InstructorForm):
    """Rows name the companies guided by their credit codes. The committees guided are chosen on
    the page (a committee has no code to write in a cell); an import leaves them as they are."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        f = self.fields
        del f["committees"]
        f["region"].label = "工作区划代码"
        f["phone"] = MobileCellField(label="手机号")
        f["companies"] = CodeListField(
            queryset=f["companies"].queryset,
            to_field_name="credit_code",
            required=False,
            label="指导的物业企业统一社会信用代码",
        )
        if self.instance.pk is not None:
            self.initial["companies"] = _codes(self.instance.companies.all(), "credit_code")


class InstructorLedger(ManyToManyLedger):
    name = "instructors"
    title = "党建指导员"
    permissions = (IMPORT_RECORDS, "party.add_partyinstructor", "party.change_partyinstructor")
    list_url_name = "instructor_list"
    form_class = InstructorImportForm
    order = 62
    many = ("companies",)
    columns = (
        Column("name", "姓名", required=True),
        Column("phone", "手机号", text=True, note="11位手机号"),
        Column("sending_unit", "选派单位", width=24),
        Column("region", "工作区划代码", required=True, text=True, note="6位县区、9位街道或12位社区区划代码"),
        Column(
            "companies",
            "指导的物业企业统一社会信用代码",
            text=True,
            width=30,
            note="多个企业用顿号（、）分隔；指导的业委会请在页面上选择",
        ),
        Column("start_date", "开始日期", required=True, date=True),
        Column("end_date", "结束日期", date=True),
    )
    create = services.instructor_create
    update = services.instructor_update
    selector = selectors.instructor_list_for
    lookup_by = {"region": "region_id", "name": "name"}
    notes = ("同一工作区划内按姓名识别已有指导员。",)

    def sample_row(self, user):
        from apps.registry.selectors import company_list_for

        county = _first_region(user, RegionLevel.COUNTY) or _first_region(user, RegionLevel.STREET)
        company = company_list_for(user=user).order_by("credit_code").first()
        return {
            "name": "李四",
            "phone": "13900000000",
            "sending_unit": "区住房和城乡建设局",
            "region": county.code if county else "",
            "companies": company.credit_code if company else "",
            "start_date": "2024-01-01",
        }


# ------------------------------------------------------------------ red-collar secretaries
class SecretaryImportForm(SecretaryForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["community"].label = "任职社区区划代码"
        self.fields["phone"] = MobileCellField(label="手机号")


class SecretaryLedger(ServiceLedger):
    name = "secretaries"
    title = "红领书记"
    permissions = (IMPORT_RECORDS, "party.add_redcollarsecretary", "party.change_redcollarsecretary")
    list_url_name = "secretary_list"
    form_class = SecretaryImportForm
    order = 64
    columns = (
        Column("name", "姓名", required=True),
        Column("phone", "手机号", text=True, note="11位手机号"),
        Column("sending_unit", "选派单位", required=True, width=24),
        Column("community", "任职社区区划代码", required=True, text=True, note="12位社区（村）区划代码"),
        Column("start_date", "任职开始", required=True, date=True),
        Column("end_date", "任职结束", date=True),
        Column("duties", "工作职责", width=30),
    )
    create = services.secretary_create
    update = services.secretary_update
    selector = selectors.secretary_list_for
    lookup_by = {"community": "community_id", "name": "name"}
    notes = ("同一社区内按姓名识别已有红领书记（再次选派到同一社区的，更新其任职日期）。",)

    def sample_row(self, user):
        community = _first_region(user, RegionLevel.COMMUNITY)
        return {
            "name": "王五",
            "phone": "13700000000",
            "sending_unit": "区委组织部",
            "community": community.code if community else "",
            "start_date": "2024-03-01",
            "duties": "指导社区党组织推进物业管理",
        }


party_orgs = PartyOrgLedger()
instructors = InstructorLedger()
secretaries = SecretaryLedger()
