"""The registry's ledgers for bulk import (apps/core/imports.py, run by apps/imports): each row
through the page's own form and saved by the page's own service."""

from __future__ import annotations

import copy

from django import forms

from apps.core.forms import SharedFields, use_shared_fields
from apps.core.imports import (
    IMPORT_RECORDS,
    Column,
    Ledger,
    ServiceLedger,
    detached_copy,
    not_found,
    page_fields,
)
from apps.core.scoping import scoped
from apps.core.validators import id_number_check_char, id_number_hash, normalize_id_number
from apps.registry import selectors, services
from apps.registry.bulk import UnitOwnerState, UnitRowForm, units_owners_save
from apps.registry.forms import BuildingForm, CompanyForm, CompoundForm, DepartmentForm, OwnerForm, UnitForm
from apps.registry.models import OwnerUnit, PropertyCompany, Unit

SAMPLE_ID_NUMBER = "37131119800101001" + id_number_check_char("37131119800101001")  # not a real person


# ------------------------------------------------------------------ property companies
class CompanyLedger(ServiceLedger):
    name = "companies"
    title = "物业服务企业"
    permissions = (IMPORT_RECORDS, "registry.add_propertycompany", "registry.change_propertycompany")
    list_url_name = "company_list"
    form_class = CompanyForm
    order = 30
    columns = (
        Column("name", "企业名称", required=True, width=30),
        Column("credit_code", "统一社会信用代码", required=True, text=True, width=22, note="18位，含校验位"),
        Column("kind", "企业类型", required=True),
        Column("region", "注册地（县区代码）", required=True, text=True, note="6位县区区划代码，如 371311"),
        Column("address", "地址", width=30),
        Column("legal_representative", "法定代表人"),
        Column("contact_phone", "联系电话", text=True, note="11位手机号"),
    )
    create = services.company_create
    update = services.company_update
    selector = selectors.company_list_for
    lookup_by = {"credit_code": "credit_code"}
    key_upper = True
    sample = {
        "name": "临沂市示例物业服务有限公司",
        "credit_code": "91350100M000100Y43",
        "kind": "市场化物业企业",
        "region": "371311",
    }

    def form(self, data, *, user, instance=None, state=None):
        form = CompanyForm(data, user=user, instance=instance)
        form.fields["region"].label = "注册地（县区代码）"
        return form

    def sample_row(self, user):
        row = dict(self.sample)
        row["kind"] = PropertyCompany._meta.get_field("kind").choices[0][1]
        return row


# ------------------------------------------------------------------ departments
class DepartmentLedger(ServiceLedger):
    name = "departments"
    title = "职能部门"
    permissions = (IMPORT_RECORDS, "registry.add_department", "registry.change_department")
    list_url_name = "department_list"
    form_class = DepartmentForm
    order = 35
    columns = (
        Column("name", "部门名称", required=True, width=24),
        Column("kind", "部门类别", required=True),
        Column("region", "所属区划代码", required=True, text=True, note="6位或9位区划代码（县区或街道）"),
        Column("contact_phone", "联系电话", text=True),
    )
    create = services.department_create
    update = services.department_update
    selector = selectors.department_list_for
    lookup_by = {"region": "region_id", "name": "name"}

    def sample_row(self, user):
        from apps.registry.choices import DepartmentKind

        return {
            "name": "示例区住房和城乡建设局",
            "kind": DepartmentKind.choices[0][1],
            "region": _region_sample(user, 6),
        }


# ------------------------------------------------------------------ compounds
class CompoundImportForm(CompoundForm):
    """Rows name the company by its credit code and the community by its code."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["company"].to_field_name = "credit_code"
        self.fields["company"].label = "服务企业统一社会信用代码"
        self.fields["community"].label = "社区区划代码"


class CompoundLedger(ServiceLedger):
    name = "compounds"
    title = "小区"
    permissions = (IMPORT_RECORDS, "registry.add_compound", "registry.change_compound")
    list_url_name = "compound_list"
    form_class = CompoundImportForm
    order = 20
    columns = (
        Column("name", "小区名称", required=True, width=24),
        Column("community", "社区区划代码", required=True, text=True, note="12位社区（村）区划代码"),
        Column("address", "地址", width=30),
        Column("households", "户数", required=True),
        Column("total_floor_area", "总建筑面积（㎡）", required=True),
        Column("year_built", "建成年份", required=True),
        Column("is_old", "老旧小区"),
        Column("management_mode", "管理模式", required=True),
        Column("company", "服务企业统一社会信用代码", text=True, width=22),
        Column("resident_party_members", "居住党员人数"),
        Column("latitude", "纬度"),
        Column("longitude", "经度"),
    )
    create = services.compound_create
    update = services.compound_update
    selector = selectors.compound_list_for
    lookup_by = {"community": "community_id", "name": "name"}
    notes = ("同一社区内按小区名称识别已有小区；小区编码由系统生成。",)

    def sample_row(self, user):
        return {
            "name": "示例花园",
            "community": _region_sample(user, 12),
            "households": "120",
            "total_floor_area": "12000",
            "year_built": "1996",
            "is_old": "是",
            "management_mode": "无物业服务",
            "resident_party_members": "4",
        }


# ------------------------------------------------------------------ buildings
class BuildingImportForm(BuildingForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["compound"].to_field_name = "code"
        self.fields["compound"].label = "小区编码"


class BuildingLedger(ServiceLedger):
    name = "buildings"
    title = "楼栋"
    permissions = (IMPORT_RECORDS, "registry.add_building", "registry.change_building")
    list_url_name = "compound_list"
    form_class = BuildingImportForm
    order = 40
    columns = (
        Column("compound", "小区编码", required=True, text=True, note="15位小区编码，见小区详情页"),
        Column("name", "楼栋", required=True, note="如 3号楼"),
        Column("floors", "层数", required=True),
        Column("has_lift", "有电梯"),
    )
    create = services.building_create
    update = services.building_update
    selector = selectors.building_list_for
    lookup_by = {"compound": "compound__code", "name": "name"}

    def sample_row(self, user):
        compound = selectors.compound_list_for(user=user).first()
        return {
            "compound": compound.code if compound else "371311003003001",
            "name": "1号楼",
            "floors": "6",
            "has_lift": "否",
        }


# ------------------------------------------------------------------ units and owners
UNIT_FIELDS = (
    "stair",
    "number",
    "floor",
    "kind",
    "registered_area",
    "surveyed_area",
    "contract_area",
    "developer_held",
)
OWNER_FIELDS = {
    "owner_name": "name",
    "phone": "phone",
    "id_number": "id_number",
    "is_developer": "is_developer",
}


class UnitOwnerImportForm(forms.Form):
    """A row of the units-and-owners ledger: a unit (专有部分) found by compound code, building,
    stair and number, and optionally its owner. Validated by the unit page's UnitForm (its
    model checks run without a query per row, apps/registry/bulk.py) and the owner page's
    OwnerForm, so the rules are the pages' rules."""

    compound = forms.CharField(label="小区编码", max_length=15)
    building_name = forms.CharField(label="楼栋", max_length=30)
    owner_name = forms.CharField(label="业主姓名", max_length=50, required=False)
    since = forms.DateField(label="取得日期", required=False)

    def __init__(self, data=None, *, user=None, instance=None, state=None):
        self.unit, self.owner, self.link = instance or (None, None, None)
        self.user = user
        self.state = state or UnitOwnerState(user)
        # the row forms of one run share their fields (apps/core/forms.py SharedFields)
        use_shared_fields(self, self.state.shared_fields(UnitOwnerImportForm, _row_fields))
        super().__init__(data, initial=row_initial(self.unit, self.owner))
        self.unit_form = self.owner_form = None
        self.building = None

    def clean(self):
        cleaned = super().clean()
        code, name = cleaned.get("compound"), cleaned.get("building_name")
        if not code or not name:
            return cleaned
        compound = self.state.compound(code)
        if compound is None:
            self.add_error("compound", not_found(code))
            return cleaned
        building = self.unit.building if self.unit else self.state.building(compound, name)
        if building is None:
            self.add_error("building_name", f"小区“{compound.name}”中没有楼栋“{name}”，请先导入楼栋")
            return cleaned
        self.building = building
        unit_data = {n: self.data.get(n) for n in UNIT_FIELDS if self.data.get(n) is not None}
        self.unit_form = UnitRowForm(
            unit_data,
            user=self.user,
            instance=detached_copy(self.unit),
            building=building,
            shared_fields=self.state.shared_fields(UnitRowForm),
        )
        if not self.unit_form.is_valid():
            for field, errors in self.unit_form.errors.as_data().items():
                target = field if field in self.fields else ("building_name" if field == "building" else None)
                for error in errors:
                    self.add_error(target, error)
        owner_data = {
            source: self.data.get(n) for n, source in OWNER_FIELDS.items() if self.data.get(n) is not None
        }
        if any(owner_data.get(k) for k in ("name", "phone", "id_number")):
            if not owner_data.get("name"):
                self.add_error("owner_name", "填写了业主信息时，业主姓名必须填写")
                return cleaned
            self.owner_form = OwnerForm(
                owner_data,
                user=self.user,
                instance=detached_copy(self.owner),
                shared_fields=self.state.shared_fields(OwnerForm),
            )
            if not self.owner_form.is_valid():
                reverse = {v: k for k, v in OWNER_FIELDS.items()}
                for field, errors in self.owner_form.errors.as_data().items():
                    for error in errors:
                        self.add_error(reverse.get(field), error)
        return cleaned


def _row_fields() -> SharedFields:
    """UnitOwnerImportForm's fields: its own, then the unit page's and the owner page's (none of
    them scoped to the user), built once per run."""
    fields = copy.deepcopy(UnitOwnerImportForm.base_fields)
    unit_fields, owner_fields = page_fields(UnitForm), page_fields(OwnerForm)
    for name in UNIT_FIELDS:
        fields[name] = copy.deepcopy(unit_fields[name])
    for name, source in OWNER_FIELDS.items():
        if name != "owner_name":
            fields[name] = copy.deepcopy(owner_fields[source])
    fields["is_developer"].label = "业主为开发建设单位"
    return SharedFields(fields)


def row_initial(unit, owner) -> dict:
    """A row form's initial values: the existing unit's and owner's (not the ID number)."""
    initial = {}
    if unit is not None:
        initial.update({n: getattr(unit, n) for n in UNIT_FIELDS})
    if owner is not None:
        initial.update({k: getattr(owner, v) for k, v in OWNER_FIELDS.items() if k != "id_number"})
    return initial


class UnitOwnerLedger(Ledger):
    name = "units"
    title = "房屋和业主"
    permissions = (
        IMPORT_RECORDS,
        "registry.add_unit",
        "registry.change_unit",
        "registry.add_owner",
        "registry.add_ownerunit",
    )
    list_url_name = "owner_list"
    form_class = UnitOwnerImportForm
    order = 10
    columns = (
        Column("compound", "小区编码", required=True, text=True, note="15位小区编码，见小区详情页"),
        Column("building_name", "楼栋", required=True, note="须已登记（先导入楼栋）"),
        Column("stair", "单元"),
        Column("number", "房号", required=True),
        Column("floor", "楼层"),
        Column("kind", "房屋类型"),
        Column("registered_area", "登记面积（㎡）"),
        Column("surveyed_area", "测绘面积（㎡）"),
        Column("contract_area", "合同面积（㎡）"),
        Column("developer_held", "开发建设单位未售出"),
        Column("owner_name", "业主姓名"),
        Column("phone", "手机号", text=True),
        Column(
            "id_number", "居民身份证号", text=True, width=22, note="18位，含校验位；只保存不可逆摘要和后四位"
        ),
        Column("is_developer", "业主为开发建设单位"),
        Column("since", "取得日期", date=True),
    )
    key_columns = ("compound", "building_name", "stair", "number")
    notes = (
        "按小区编码、楼栋、单元、房号识别已有房屋；业主按身份证号（摘要）识别，未填身份证号时按该房屋已登记的同名业主识别。",
        "登记面积、测绘面积、合同面积至少填一项，且必须大于0。",
    )

    bulk_size = 1000

    def prepare(self, user):
        return UnitOwnerState(user)

    def natural_key(self, data):
        parts = tuple((data.get(c) or "").strip() for c in self.key_columns)
        return parts if parts[0] and parts[1] and parts[3] else None

    def lookup(self, key, *, user, state=None):
        state = state or UnitOwnerState(user)
        code, building_name, stair, number = key
        compound = state.compound(code)
        building = state.building(compound, building_name) if compound is not None else None
        unit = state.unit(building, stair, number) if building is not None else None
        return (unit, None, None) if unit is not None else None

    def form(self, data, *, user, instance=None, state=None):
        state = state or UnitOwnerState(user)
        unit = instance[0] if instance else None
        owner = self._owner_for(data, unit, state) if data else None
        return UnitOwnerImportForm(data, user=user, instance=(unit, owner, None), state=state)

    def initial(self, instance, *, user, state=None):
        # what the unbound form of the row's unit starts from (no owner: it is found by the row's
        # data), without building that form for every row
        return row_initial(instance[0] if instance else None, None)

    def _owner_for(self, data, unit, state):
        """The existing owner this row describes: same ID number (hash) in scope, else the unit's
        owner of the same name."""
        id_number = normalize_id_number(data.get("id_number") or "")
        if id_number:
            owner = state.owner_by_id(id_number)
            if owner is not None:
                return owner
        name = (data.get("owner_name") or "").strip()
        if unit is not None and name:
            return state.owner_of_unit(unit, name)
        return None

    def bulk_save(self, rows, *, actor, state):
        units_owners_save(rows, actor=actor, state=state)

    def snapshot(self, instance) -> dict:
        return {}  # the form keeps its own (UnitOwnerImportForm.initial, taken before validation)

    def unchanged(self, form, before) -> bool:
        unit = form.unit
        if unit is None or form.unit_form is None:
            return False
        for name in UNIT_FIELDS:
            if (form.initial.get(name) or None) != (form.unit_form.cleaned_data.get(name) or None):
                return False
        if form.owner_form is None:
            return True
        owner = form.owner
        if owner is None:
            return False
        od = form.owner_form.cleaned_data
        if form.initial.get("owner_name") != od.get("name") or (form.initial.get("phone") or "") != (
            od.get("phone") or ""
        ):
            return False
        if bool(form.initial.get("is_developer")) != bool(od.get("is_developer")):
            return False
        if od.get("id_number") and owner.id_hash != id_number_hash(normalize_id_number(od["id_number"])):
            return False
        return OwnerUnit.objects.filter(owner=owner, unit=unit).exists()

    def sample_row(self, user):
        compound = selectors.compound_list_for(user=user).first()
        return {
            "compound": compound.code if compound else "371311003003001",
            "building_name": "1号楼",
            "stair": "1单元",
            "number": "101",
            "floor": "1",
            "kind": Unit._meta.get_field("kind").choices[0][1],
            "registered_area": "89.5",
            "developer_held": "否",
            "owner_name": "张三",
            "phone": "13800000000",
            "id_number": SAMPLE_ID_NUMBER,
            "is_developer": "否",
            "since": "2020-05-01",
        }


def _region_sample(user, length: int) -> str:
    from apps.regions.models import Region

    region = (
        scoped(Region.objects.all(), user)
        .filter(code__regex=rf"^[0-9]{{{length}}}$")
        .order_by("code")
        .first()
    )
    return region.code if region else ""


companies = CompanyLedger()
departments = DepartmentLedger()
compounds = CompoundLedger()
buildings = BuildingLedger()
units = UnitOwnerLedger()
