"""Open API for the registry: /api/v1/compounds, /companies, /departments."""

from __future__ import annotations

from django.db.models import Q
from ninja import Field, Query, Router, Schema

from apps.core.api import (
    PageParams,
    RegionCode,
    SearchText,
    in_region_q,
    page_schema,
    paginate,
    require_perm,
)
from apps.core.api import responses as answers
from apps.core.scoping import get_scoped_or_404
from apps.regions.api import RegionRef
from apps.registry.choices import CompanyKind, DepartmentKind, ManagementMode
from apps.registry.models import Compound, Department, PropertyCompany
from apps.registry.selectors import company_with_counts_for, compound_list_for, department_list_for

router = Router(tags=["小区与物业企业"])


def _region(r) -> dict | None:
    return {"code": r.code, "name": r.name} if r is not None else None


# ------------------------------------------------------------ compounds
class CompanyRef(Schema):
    id: int
    name: str


class CompoundOut(Schema):
    id: int
    code: str = Field(..., description="小区编码（社区区划代码+3位序号），Open311 的 address_id")
    name: str
    community: RegionRef
    street: RegionRef | None
    county: RegionRef | None
    address: str
    latitude: float | None
    longitude: float | None
    households: int
    total_floor_area: float = Field(..., description="总建筑面积（㎡）")
    year_built: int
    is_old: bool = Field(..., description="老旧小区")
    management_mode: ManagementMode
    management_mode_label: str
    company: CompanyRef | None
    resident_party_members: int
    branch_eligible: bool = Field(..., description="居住党员达到建立党支部的人数")


class CompoundDetailOut(CompoundOut):
    building_count: int
    unit_count: int


CompoundPage = page_schema(CompoundOut, "CompoundPage")


class CompoundFilters(PageParams):
    region: RegionCode | None = None
    q: SearchText | None = Field(None, description="小区名称、编码或地址关键字")
    mode: ManagementMode | None = Field(None, description="管理模式")
    company: int | None = Field(None, ge=1, le=2**62, description="服务企业编号")
    is_old: bool | None = Field(None, description="只看（或排除）老旧小区")


def compound_out(c: Compound) -> dict:
    street = c.community.parent
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "community": _region(c.community),
        "street": _region(street),
        "county": _region(street.parent if street is not None else None),
        "address": c.address,
        "latitude": float(c.latitude) if c.latitude is not None else None,
        "longitude": float(c.longitude) if c.longitude is not None else None,
        "households": c.households,
        "total_floor_area": float(c.total_floor_area),
        "year_built": c.year_built,
        "is_old": c.is_old,
        "management_mode": c.management_mode,
        "management_mode_label": c.get_management_mode_display(),
        "company": {"id": c.company.pk, "name": c.company.name} if c.company_id else None,
        "resident_party_members": c.resident_party_members,
        "branch_eligible": c.is_branch_eligible,
    }


@router.get("/compounds", response=answers(CompoundPage), summary="小区列表")
def compound_list(request, filters: Query[CompoundFilters]):
    user = request.auth
    require_perm(user, "registry.view_compound")
    qs = compound_list_for(user=user).order_by("code")
    if filters.region:
        qs = qs.filter(in_region_q(Compound, filters.region))
    if filters.q:
        qs = qs.filter(
            Q(name__contains=filters.q) | Q(code__startswith=filters.q) | Q(address__contains=filters.q)
        )
    if filters.mode:
        qs = qs.filter(management_mode=filters.mode)
    if filters.company:
        qs = qs.filter(company_id=filters.company)
    if filters.is_old is not None:
        qs = qs.filter(is_old=filters.is_old)
    return paginate(qs, filters, compound_out)


@router.get(
    "/compounds/{int:compound_id}", response=answers(CompoundDetailOut, detail=True), summary="小区详情"
)
def compound_detail(request, compound_id: int):
    user = request.auth
    compound = get_scoped_or_404(compound_list_for(user=user), user, pk=compound_id)
    require_perm(user, "registry.view_compound")
    return {
        **compound_out(compound),
        "building_count": compound.buildings.count(),
        "unit_count": compound.units.count(),
    }


# ------------------------------------------------------------ companies
class CompanyOut(Schema):
    id: int
    name: str
    credit_code: str = Field(..., description="统一社会信用代码")
    kind: CompanyKind
    kind_label: str
    region: RegionRef = Field(..., description="注册地（县区）")
    address: str
    legal_representative: str
    contact_phone: str = Field(..., description="企业对外联系电话")
    compound_count: int = Field(..., description="服务小区总数")


CompanyPage = page_schema(CompanyOut, "CompanyPage")


class CompanyFilters(PageParams):
    region: RegionCode | None = Field(None, description="注册在此区划，或在此区划服务小区")
    q: SearchText | None = Field(None, description="企业名称或统一社会信用代码")
    kind: CompanyKind | None = None


def company_out(c: PropertyCompany) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "credit_code": c.credit_code,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "region": _region(c.region),
        "address": c.address,
        "legal_representative": c.legal_representative,
        "contact_phone": c.contact_phone,
        "compound_count": c.compound_count,
    }


@router.get("/companies", response=answers(CompanyPage), summary="物业服务企业列表")
def company_list(request, filters: Query[CompanyFilters]):
    user = request.auth
    require_perm(user, "registry.view_propertycompany")
    qs = company_with_counts_for(user=user).order_by("name", "id")
    if filters.region:
        qs = qs.filter(in_region_q(PropertyCompany, filters.region))
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(credit_code__startswith=filters.q.upper()))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return paginate(qs, filters, company_out)


@router.get(
    "/companies/{int:company_id}", response=answers(CompanyOut, detail=True), summary="物业服务企业详情"
)
def company_detail(request, company_id: int):
    user = request.auth
    company = get_scoped_or_404(company_with_counts_for(user=user), user, pk=company_id)
    require_perm(user, "registry.view_propertycompany")
    return company_out(company)


# ------------------------------------------------------------ departments
class DepartmentOut(Schema):
    id: int
    name: str
    kind: DepartmentKind
    kind_label: str
    region: RegionRef
    contact_phone: str = Field(..., description="部门对外联系电话")


DepartmentPage = page_schema(DepartmentOut, "DepartmentPage")


class DepartmentFilters(PageParams):
    region: RegionCode | None = None
    q: SearchText | None = Field(None, description="部门名称关键字")
    kind: DepartmentKind | None = None


def department_out(d: Department) -> dict:
    return {
        "id": d.pk,
        "name": d.name,
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "region": _region(d.region),
        "contact_phone": d.contact_phone,
    }


@router.get("/departments", response=answers(DepartmentPage), summary="职能部门列表")
def department_list(request, filters: Query[DepartmentFilters]):
    user = request.auth
    require_perm(user, "registry.view_department")
    qs = department_list_for(user=user).order_by("region_id", "name", "id")
    if filters.region:
        qs = qs.filter(in_region_q(Department, filters.region))
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return paginate(qs, filters, department_out)


@router.get(
    "/departments/{int:department_id}", response=answers(DepartmentOut, detail=True), summary="职能部门详情"
)
def department_detail(request, department_id: int):
    user = request.auth
    department = get_scoped_or_404(department_list_for(user=user), user, pk=department_id)
    require_perm(user, "registry.view_department")
    return department_out(department)
