"""Writes to the region tree: loading NBS division CSVs (row-level errors, all or nothing), and
adding or correcting a single division that the lists lack (the page's form, the Excel import).

`region_create` and `region_update` check the actor's permission and scope themselves (actor=None
is the system: the demo, the CSV loader) and refuse with a DomainError, writing nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.services import (
    domain_error,
    event_record,
    permission_check,
    record_create,
    record_update,
    scope_check,
)
from apps.regions.choices import RegionKind, RegionLevel
from apps.regions.models import KINDS_BY_LEVEL, Region

REQUIRED_COLUMNS = ("code", "name", "level", "parent_code", "type")

# Province-level names by code, used when a CSV (like the Linyi/Heze one) starts below the
# province. Public GB/T 2260 names.
PROVINCE_NAMES = {
    "110000": "北京市",
    "120000": "天津市",
    "130000": "河北省",
    "140000": "山西省",
    "150000": "内蒙古自治区",
    "210000": "辽宁省",
    "220000": "吉林省",
    "230000": "黑龙江省",
    "310000": "上海市",
    "320000": "江苏省",
    "330000": "浙江省",
    "340000": "安徽省",
    "350000": "福建省",
    "360000": "江西省",
    "370000": "山东省",
    "410000": "河南省",
    "420000": "湖北省",
    "430000": "湖南省",
    "440000": "广东省",
    "450000": "广西壮族自治区",
    "460000": "海南省",
    "500000": "重庆市",
    "510000": "四川省",
    "520000": "贵州省",
    "530000": "云南省",
    "540000": "西藏自治区",
    "610000": "陕西省",
    "620000": "甘肃省",
    "630000": "青海省",
    "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区",
}

LEVEL_LABELS = dict(RegionLevel.choices)


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self):
        return f"第{self.line}行：{self.message}"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _kind_for(level: str, type_: str) -> str:
    if level == RegionLevel.CITY:
        return RegionKind.CITY
    if level == RegionLevel.PROVINCE:
        return RegionKind.PROVINCE
    return type_


def parse_region_rows(text: str) -> tuple[list[dict], list[RowError]]:
    """Parse and check a division CSV. Returns the rows to load and every row error."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [RowError(1, f"缺少列：{', '.join(missing)}（需要 {', '.join(REQUIRED_COLUMNS)}）")]
    existing = dict(Region.objects.values_list("code", "level"))
    seen: dict[str, str] = {}
    rows, errors = [], []
    for line, raw in enumerate(reader, start=2):
        code = (raw.get("code") or "").strip()
        name = (raw.get("name") or "").strip()
        level = (raw.get("level") or "").strip()
        parent = (raw.get("parent_code") or "").strip()
        type_ = (raw.get("type") or "").strip()
        problems = []
        if level not in LEVEL_LABELS:
            problems.append(f"层级“{level}”无效，应为 {' / '.join(LEVEL_LABELS)}")
        if not code.isdigit() or len(code) not in (6, 9, 12):
            problems.append(f"区划代码“{code}”应为6、9或12位数字")
        if not name:
            problems.append("名称不能为空")
        if code in seen:
            problems.append(f"区划代码 {code} 在文件中重复")
        if not problems:
            kind = _kind_for(level, type_)
            if kind not in KINDS_BY_LEVEL[level]:
                allowed = "、".join(sorted(KINDS_BY_LEVEL[level]))
                problems.append(f"{LEVEL_LABELS[level]}级的类型“{type_}”无效，应为 {allowed}")
            region = Region(code=code, name=name, level=level, kind=kind)
            parent_level = seen.get(parent) or existing.get(parent)
            if level != RegionLevel.PROVINCE:
                if not parent:
                    problems.append("缺少上级区划代码")
                elif parent_level is None and not (level == RegionLevel.CITY and parent in PROVINCE_NAMES):
                    problems.append(f"上级区划 {parent} 不存在（上级应排在下级之前）")
                else:
                    parent_obj = Region(code=parent, level=parent_level or RegionLevel.PROVINCE)
                    region.parent = parent_obj
                    try:
                        region.clean()
                    except ValidationError as exc:
                        problems.extend(
                            m for key, msgs in exc.message_dict.items() if key != "kind" for m in msgs
                        )
        if problems:
            errors.append(RowError(line, "；".join(problems)))
            continue
        seen[code] = level
        rows.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "kind": _kind_for(level, type_),
                "parent_id": parent or None,
                "vintage": (raw.get("vintage") or "").strip()[:16],
                "source": (raw.get("source") or "").strip()[:64],
            }
        )
    return rows, errors


@transaction.atomic
def regions_load(*, text: str, actor, source_name: str = "") -> LoadReport:
    """Load a division CSV. Any bad row → nothing is saved and every bad row is reported."""
    rows, errors = parse_region_rows(text)
    report = LoadReport(errors=errors)
    if errors:
        return report
    # Provinces that the file refers to but does not contain.
    for row in rows:
        if row["level"] == RegionLevel.CITY and row["parent_id"] in PROVINCE_NAMES:
            code = row["parent_id"]
            if not Region.objects.filter(code=code).exists() and not any(r["code"] == code for r in rows):
                Region.objects.create(
                    code=code,
                    name=PROVINCE_NAMES[code],
                    level=RegionLevel.PROVINCE,
                    kind=RegionKind.PROVINCE,
                    source="GB/T 2260",
                )
                report.created += 1
    existing = {r.code: r for r in Region.objects.filter(code__in=[r["code"] for r in rows])}
    to_create, to_update = [], []
    for row in rows:
        current = existing.get(row["code"])
        if current is None:
            to_create.append(Region(**row))
        elif any(getattr(current, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(current, k, v)
            to_update.append(current)
        else:
            report.unchanged += 1
    Region.objects.bulk_create(to_create, batch_size=2000)
    if to_update:
        Region.objects.bulk_update(
            to_update, ["name", "level", "kind", "parent_id", "vintage", "source"], batch_size=2000
        )
    report.created += len(to_create)
    report.updated += len(to_update)
    if report.created or report.updated:
        event_record(
            actor=actor,
            verb="region.import",
            changes={"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
            note=f"导入区划文件 {source_name}".strip(),
            region_code="",
        )
    return report


# Last three digits of a community code by kind (NBS 城乡分类: 001–199 居委会, 200–399 村委会).
COMMUNITY_CODE_RANGES = {RegionKind.URBAN_COMMUNITY: range(1, 200), RegionKind.VILLAGE: range(200, 400)}


REGION_OUT_OF_SCOPE = "该区划不在您的管辖范围内。"


def community_code_error(*, code: str, level: str, kind: str) -> str | None:
    """The NBS code range of a community's kind, as a message when the code is outside it (the
    page's form asks it too, so that an import names the row before anything is written)."""
    code = str(code or "")
    if level == RegionLevel.COMMUNITY and kind in COMMUNITY_CODE_RANGES and len(code) == 12:
        allowed = COMMUNITY_CODE_RANGES[kind]
        if not code[-3:].isdigit() or int(code[-3:]) not in allowed:
            return f"{RegionKind(kind).label}的区划代码末三位应在 {allowed[0]:03d}–{allowed[-1]:03d} 之间"
    return None


def _community_code_check(data: dict) -> None:
    message = community_code_error(code=data.get("code"), level=data.get("level"), kind=data.get("kind"))
    if message:
        raise ValidationError({"code": message})


@transaction.atomic
def region_create(*, actor, data: dict) -> Region:
    """Add one division that the loaded lists lack (e.g. a community formed after NBS 2020).

    Validated like a loaded row (level, kind, code nested under the parent) and, for
    communities, the NBS code range of the kind; the new division must lie inside the actor's
    scope; recorded as a `region.create` event.
    """
    permission_check(actor=actor, perm="regions.add_region")
    code = str(data.get("code") or "")
    try:
        _community_code_check(data)
        if code and Region.objects.filter(code=code).exists():
            raise ValidationError({"code": f"区划代码 {code} 已存在"})
        region = record_create(model=Region, data=data, actor=actor)
    except ValidationError as exc:
        raise domain_error(exc, Region) from exc
    scope_check(actor=actor, obj=region, message=REGION_OUT_OF_SCOPE)
    return region


@transaction.atomic
def region_update(*, region: Region, actor, data: dict) -> Region:
    """Correct a division's name, kind, version or source (its code is permanent: every record
    of the platform is keyed by it); recorded as a `region.update` event."""
    permission_check(actor=actor, perm="regions.change_region")
    scope_check(actor=actor, obj=region, message=REGION_OUT_OF_SCOPE)
    data = {k: v for k, v in data.items() if k != "code"}
    try:
        _community_code_check({"code": region.code, "level": region.level, "kind": region.kind, **data})
        region = record_update(obj=region, data=data, actor=actor)
    except ValidationError as exc:
        raise domain_error(exc, Region) from exc
    scope_check(actor=actor, obj=region, message=REGION_OUT_OF_SCOPE)
    return region
