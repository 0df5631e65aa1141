"""Writes of rating schemes. A scheme is created whole (dimensions, items, vetoes) and checked
as a whole; once a round uses it, it is never edited — a change is a new version."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.errors import DomainError
from apps.core.services import event_record
from apps.ratings.choices import ItemMethod
from apps.ratings.models import RatingScheme, SchemeDimension, SchemeItem
from apps.ratings.services.common import check_perm

SCHEME_FIELDS = (
    "jurisdiction",
    "subject_kind",
    "title",
    "source_document",
    "source_note",
    "effective_from",
    "effective_to",
    "total_points",
    "star_cutoffs",
    "is_example",
    "is_legacy",
    "is_generated",
)


def _dec(value, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({"structure": f"{where}：满分应为数字"}) from exc


def _build_tree(scheme: RatingScheme, structure: dict) -> None:
    """Create the dimensions and items of `structure` under the (saved) scheme and check that
    item points add up to each dimension and dimensions to the scheme total."""
    dimensions = structure.get("dimensions") or []
    if not dimensions:
        raise ValidationError({"structure": "评定办法至少需要一个维度"})
    codes: set[str] = set()
    total = Decimal("0")
    order = 0

    def item(data: dict, dimension: SchemeDimension | None) -> None:
        nonlocal order
        order += 1
        code = str(data.get("code") or "").strip()
        where = f"细则 {code or order}"
        if not code:
            raise ValidationError({"structure": f"第 {order} 条细则缺少编号"})
        if code in codes:
            raise ValidationError({"structure": f"{where}：编号重复"})
        codes.add(code)
        obj = SchemeItem(
            scheme=scheme,
            dimension=dimension,
            order=order,
            code=code,
            name=str(data.get("name") or "").strip(),
            method=data.get("method") or ItemMethod.ASSESSOR,
            max_points=_dec(data.get("max_points", 0), where),
            indicator=data.get("indicator") or "",
            curve_kind=data.get("curve_kind") or "",
            curve=data.get("curve") or {},
            guidance=data.get("guidance") or "",
        )
        try:
            obj.full_clean(exclude=["scheme", "dimension"])
        except ValidationError as exc:
            messages = "；".join(f"{m}" for ms in exc.message_dict.values() for m in ms)
            raise ValidationError({"structure": f"{where}：{messages}"}) from exc
        obj.save()

    for i, d in enumerate(dimensions, start=1):
        name = str(d.get("name") or "").strip() or f"第{i}维度"
        dim_max = _dec(d.get("max_points"), f"维度“{name}”")
        dimension = SchemeDimension.objects.create(scheme=scheme, order=i, name=name, max_points=dim_max)
        items = d.get("items") or []
        if not items:
            raise ValidationError({"structure": f"维度“{name}”没有细则"})
        item_sum = Decimal("0")
        for data in items:
            if data.get("method") == ItemMethod.VETO:
                raise ValidationError({"structure": f"维度“{name}”：一票否决项不计分，请列在否决项中"})
            item(data, dimension)
            item_sum += _dec(data.get("max_points", 0), f"维度“{name}”")
        if item_sum != dim_max:
            raise ValidationError(
                {"structure": f"维度“{name}”：细则满分合计 {item_sum} 与维度满分 {dim_max} 不一致"}
            )
        total += dim_max
    for data in structure.get("vetoes") or []:
        item({**data, "method": ItemMethod.VETO, "max_points": data.get("max_points", 0)}, None)
    if total != scheme.total_points:
        raise ValidationError(
            {"total_points": f"各维度满分合计 {total} 与办法总分 {scheme.total_points} 不一致"}
        )


def structure_of(scheme: RatingScheme) -> dict:
    """The scheme's tree as the dict `scheme_create` takes (for a new version, the form, the API)."""

    def item(i: SchemeItem) -> dict:
        d = {"code": i.code, "name": i.name, "method": i.method, "max_points": str(i.max_points)}
        if i.indicator:
            d.update(indicator=i.indicator, curve_kind=i.curve_kind, curve=i.curve)
        if i.guidance:
            d["guidance"] = i.guidance
        return d

    items = list(scheme.items.order_by("order", "pk"))
    return {
        "dimensions": [
            {
                "name": dim.name,
                "max_points": str(dim.max_points),
                "items": [item(i) for i in items if i.dimension_id == dim.pk],
            }
            for dim in scheme.dimensions.order_by("order", "pk")
        ],
        "vetoes": [
            {"code": i.code, "name": i.name, **({"guidance": i.guidance} if i.guidance else {})}
            for i in items
            if i.is_veto
        ],
    }


@transaction.atomic
def scheme_create(*, data: dict, structure: dict, actor) -> RatingScheme:
    """A new scheme with its whole tree; ValidationError (nothing saved) when totals do not add up."""
    jurisdiction = data.get("jurisdiction")
    check_perm(actor, "ratings.add_ratingscheme", region_code=getattr(jurisdiction, "code", None))
    scheme = RatingScheme(
        **{k: v for k, v in data.items() if k in SCHEME_FIELDS or k in ("version", "previous")}
    )
    scheme.full_clean()
    scheme.save()
    _build_tree(scheme, structure)
    event_record(
        actor=actor,
        verb="ratingscheme.create",
        obj=scheme,
        changes={"title": [None, scheme.title], "version": [None, scheme.version]},
    )
    return scheme


def scheme_in_use(scheme: RatingScheme) -> bool:
    return scheme.rounds.exists() or scheme.entries.exists()


@transaction.atomic
def scheme_update(*, scheme: RatingScheme, data: dict, structure: dict, actor) -> RatingScheme:
    """Replace a scheme not yet used by any round; a scheme in use is refused (make a new version)."""
    check_perm(actor, "ratings.add_ratingscheme", region_code=scheme.jurisdiction_id)
    scheme = RatingScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme_in_use(scheme):
        raise DomainError("该评定办法已在评定中使用，不能修改；请建立新版本。")
    for k, v in data.items():
        if k in SCHEME_FIELDS:
            setattr(scheme, k, v)
    scheme.full_clean()
    scheme.save()
    scheme.items.all().delete()
    scheme.dimensions.all().delete()
    _build_tree(scheme, structure)
    event_record(actor=actor, verb="ratingscheme.update", obj=scheme, changes={"structure": ["", "已替换"]})
    return scheme


@transaction.atomic
def scheme_new_version(
    *, scheme: RatingScheme, actor, data: dict | None = None, structure: dict | None = None
):
    """A copy of the scheme as the next version (with changes); the old version stays as it was."""
    check_perm(actor, "ratings.add_ratingscheme", region_code=scheme.jurisdiction_id)
    latest = (
        RatingScheme.objects.filter(
            jurisdiction_id=scheme.jurisdiction_id, subject_kind=scheme.subject_kind, title=scheme.title
        )
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    base = {k: getattr(scheme, k) for k in SCHEME_FIELDS}
    base.update(data or {})
    base.update(version=(latest or scheme.version) + 1, previous=scheme)
    new = scheme_create(data=base, structure=structure or structure_of(scheme), actor=actor)
    event_record(actor=actor, verb="ratingscheme.new_version", obj=new, note=f"由第{scheme.version}版修订")
    return new
