"""公共用房 pages: the ledger, norms per compound and the region's shortfall list (Excel), recovery
cases with their steps and totals, service centres with usage statistics, and the phone-friendly
room page where residents book (single slots and weekly series)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.excel import xlsx_response
from apps.core.scoping import get_scoped_or_404
from apps.core.services import validation_message
from apps.core.validators import mask_name
from apps.core.views import Column, DetailPage, FormPage, ListPage, Section, generated_tag, tag
from apps.spaces import selectors, services
from apps.spaces.choices import BookingStatus, RecoveryStatus, SpaceStatus
from apps.spaces.forms import (
    ActForm,
    BookingFilter,
    BookingForm,
    CentreForm,
    ConvertForm,
    DocumentForm,
    HandOverForm,
    RecoverForm,
    RecoveryFilter,
    RecoveryForm,
    RoomForm,
    SeriesForm,
    SpaceFilter,
    SpaceForm,
    day_or_today,
)
from apps.spaces.norms import NORM_CODES, NORM_LABELS, RulesBook, exclusion_reasons

STATUS_TAGS = {
    SpaceStatus.AS_INTENDED: "ok",
    SpaceStatus.OCCUPIED: "red",
    SpaceStatus.VACANT: "warn",
    SpaceStatus.CONVERTED: "",
}


def _need(request, perm: str):
    if not request.user.has_perm(perm):
        raise PermissionDenied("您的角色无权查看此页面。")


# ------------------------------------------------------------------ ledger
class SpaceList(ListPage):
    title = "公共用房台账"
    permission = "spaces.view_publicspace"
    selector = selectors.space_list_for
    search_fields = ("compound__name__icontains", "name__icontains")
    search_placeholder = "小区或用房名称"
    filter_form = SpaceFilter
    default_ordering = ("compound__code", "kind", "id")
    export_name = "公共用房台账"
    create_url_name = "space_create"
    create_permission = "spaces.add_publicspace"
    import_url_name = "space_import"
    import_permission = "spaces.add_publicspace"  # held only by roles with registry.import_records
    intro = "每个小区的物业服务用房、业委会办公用房、政务管理用房、社区用房和党群服务中心。"
    template_name = "spaces/space_list.html"

    def get_columns(self):
        return [
            Column("小区", "compound.name"),
            Column("类别", lambda s: s.get_kind_display(), sort="kind"),
            Column("名称", "name", link=True),
            Column("楼栋", "building"),
            Column("楼层", "floor", css="num"),
            Column("电梯", "has_lift"),
            Column("建筑面积（㎡）", "floor_area", sort="floor_area", css="num"),
            Column("层高（m）", "clear_height", css="num"),
            Column(
                "使用状态",
                lambda s: s.get_status_display(),
                display=lambda s: tag(s.get_status_display(), STATUS_TAGS.get(s.status, "")),
                sort="status",
            ),
            Column("占用方", "occupant_name"),
            Column("演示数据", "is_generated", display=generated_tag),
        ]


class SpaceDetail(DetailPage):
    permission = "spaces.view_publicspace"
    selector = selectors.space_list_for
    edit_url_name = "space_update"
    edit_permission = "spaces.change_publicspace"
    list_url_name = "space_list"
    list_title = "公共用房台账"
    template_name = "spaces/space_detail.html"

    def fields(self, s):
        reasons = exclusion_reasons(selectors.facts_of(s), RulesBook().for_code(s.compound.community_id))
        out = [
            (
                "小区",
                format_html(
                    '<a href="{}">{}</a>', reverse("compound_norms", args=[s.compound_id]), s.compound.name
                ),
            ),
            ("类别", s.get_kind_display()),
            ("房屋性质", s.get_room_type_display()),
            (
                "位置",
                f"{s.building or ''} {s.floor}层（{'地上' if s.above_ground else '地下'}，{'有' if s.has_lift else '无'}电梯）",
            ),
            ("居住用房", s.is_residential),
            ("建筑面积（㎡）", s.floor_area),
            ("室内层高（m）", s.clear_height),
            ("使用状态", s.get_status_display()),
        ]
        if s.status == SpaceStatus.OCCUPIED:
            out.append(("占用", f"{s.get_occupant_kind_display()} {s.occupant_name}，自{s.occupied_since}起"))
        if s.status == SpaceStatus.CONVERTED:
            out.append(("改变用途", f"{s.converted_use}（{s.converted_decision or '见关联表决'}）"))
            if s.owners_decision_id:
                d = s.owners_decision
                out.append(
                    ("业主共同决定", format_html('<a href="{}">{}</a>', d.get_absolute_url(), d.title))
                )
        if s.kind in ("property_service", "committee_office"):
            out.append(("计入物业服务用房", "是" if not reasons else "否：" + "；".join(reasons)))
        return out

    def sections(self, s):
        docs = list(s.documents.all())
        return [
            Section(
                "文件",
                [
                    Column("类别", lambda d: d.get_kind_display()),
                    Column(
                        "标题",
                        "title",
                        display=lambda d: format_html('<a href="{}">{}</a>', d.file.url, d.title),
                    ),
                    Column("上传时间", lambda d: timezone.localtime(d.created_at).strftime("%Y-%m-%d %H:%M")),
                ],
                docs,
                empty="尚无规划许可、移交记录等文件",
            )
        ]

    def extra_context(self, s):
        can = self.request.user.has_perm("spaces.change_publicspace")
        return {"document_url": reverse("space_document_add", args=[s.pk]) if can else ""}


class SpaceCreate(FormPage):
    form_class = SpaceForm
    permission = "spaces.add_publicspace"
    title = "登记公共用房"
    cancel_url_name = "space_list"

    initial_from_query = ("compound",)

    def save(self, form):
        return services.space_create(actor=self.request.user, data=form.cleaned_data)


class SpaceUpdate(FormPage):
    form_class = SpaceForm
    permission = "spaces.change_publicspace"
    selector = selectors.space_list_for

    def get_title(self):
        return f"编辑“{self.object}”"

    def save(self, form):
        return services.space_update(space=self.object, actor=self.request.user, data=form.cleaned_data)


class DocumentAdd(FormPage):
    form_class = DocumentForm
    multipart = True
    title = "上传文件"
    owner_kind = "space"

    def get_object(self):
        sel = selectors.space_list_for if self.owner_kind == "space" else selectors.recovery_list_for
        return get_scoped_or_404(sel(user=self.request.user), self.request.user, pk=self.kwargs["pk"])

    def check_permission(self):
        perm = "spaces.change_publicspace" if self.owner_kind == "space" else "spaces.change_recoverycase"
        if not self.request.user.has_perm(perm):
            raise PermissionDenied("您的角色无权执行此操作。")

    def get_form(self, data=None, files=None):
        return DocumentForm(data, files)

    def save(self, form):
        d = form.cleaned_data
        owner = {"space": self.object} if self.owner_kind == "space" else {"recovery": self.object}
        services.document_add(
            actor=self.request.user, kind=d["kind"], title=d["title"], upload=d["file"], **owner
        )
        return self.object

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                obj = self.save(form)
            except ValidationError as exc:
                for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                    for e in errors:
                        form.add_error(field if field in form.fields else None, e)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "文件已上传。")
                return HttpResponseRedirect(obj.get_absolute_url())
        return self.render_form(form, status=400)


# ------------------------------------------------------------------ norms
@login_required
def compound_norms(request, pk: int):
    from apps.registry.models import Compound
    from apps.registry.selectors import compound_list_for

    compound = get_scoped_or_404(compound_list_for(user=request.user), request.user, pk=pk)
    _need(request, "spaces.view_publicspace")
    assert isinstance(compound, Compound)
    norms = selectors.compound_norms(compound)
    spaces = list(
        selectors.space_list_for(user=request.user).filter(compound=compound).order_by("kind", "id")
    )
    return render(
        request,
        "spaces/compound_norms.html",
        {
            "title": f"{compound.name} 公共用房配置核查",
            "compound": compound,
            "norms": norms,
            "spaces": spaces,
            "add_url": reverse("space_create") + f"?compound={compound.pk}"
            if request.user.has_perm("spaces.add_publicspace")
            else "",
        },
    )


@login_required
def norms_list(request):
    """The region's shortfall list: compounds missing a norm, and by how much; Excel export."""
    _need(request, "spaces.view_publicspace")
    region = (request.GET.get("region") or "").strip()
    if region and not region.isdigit():
        region = ""
    show_all = request.GET.get("all") == "1"
    shortfall = selectors.shortfall_for(user=request.user, region=region, show_all=show_all)
    rows = shortfall.rows
    if request.GET.get("export") == "xlsx":
        headers = ["小区编码", "小区", "社区", "总建筑面积（㎡）", "户数"]
        for code in NORM_CODES:
            headers += [
                f"{NORM_LABELS[code]}应有（㎡）",
                f"{NORM_LABELS[code]}现有（㎡）",
                f"{NORM_LABELS[code]}缺口（㎡）",
            ]
        data = []
        for row in rows:
            c, cells = row.compound, row.cells
            line = [c.code, c.name, c.community.name, c.total_floor_area, c.households]
            for code in NORM_CODES:
                r = cells[code]
                line += [r.required, r.actual, r.gap]
            data.append(line)
        return xlsx_response("公共用房配置缺口", headers, data, sheet_title="配置缺口")
    table = [(row.compound, [row.cells[code] for code in NORM_CODES]) for row in rows[:500]]
    return render(
        request,
        "spaces/norms_list.html",
        {
            "title": "公共用房配置缺口",
            "rows": table,
            "total": shortfall.total,
            "counts": shortfall.counts,
            "labels": [NORM_LABELS[c] for c in NORM_CODES],
            "region": region,
            "show_all": show_all,
            "query": request.GET.urlencode(),
        },
    )


# ------------------------------------------------------------------ recovery cases
class RecoveryList(ListPage):
    title = "公共用房清理"
    permission = "spaces.view_recoverycase"
    selector = selectors.recovery_list_for
    search_fields = ("compound__name__icontains", "occupant_name__icontains")
    search_placeholder = "小区或占用方"
    filter_form = RecoveryFilter
    default_ordering = ("-found_on", "-id")
    export_name = "公共用房清理"
    create_url_name = "recovery_create"
    create_permission = "spaces.add_recoverycase"
    intro = "开发企业、物业企业侵占公共用房的发现、联合清理、收回、移交和建成服务阵地。"

    def get_columns(self):
        return [
            Column("小区", "compound.name", link=True),
            Column("占用方", "occupant_name"),
            Column("占用方类别", lambda r: r.get_occupant_kind_display()),
            Column("占用面积（㎡）", "occupied_area", css="num"),
            Column("发现日期", "found_on", sort="found_on"),
            Column("进展", lambda r: r.get_status_display(), sort="status"),
            Column("收回日期", "recovered_on", sort="recovered_on"),
            Column("收回面积（㎡）", "recovered_area", css="num", sort="recovered_area"),
            Column("评估价值（元）", "assessed_value", css="num", sort="assessed_value"),
            Column("演示数据", "is_generated", display=generated_tag),
        ]


class RecoveryDetail(DetailPage):
    permission = "spaces.view_recoverycase"
    selector = selectors.recovery_list_for
    list_url_name = "recovery_list"
    list_title = "公共用房清理"
    template_name = "spaces/recovery_detail.html"

    def fields(self, r):
        return [
            ("小区", r.compound.name),
            ("公共用房", r.space.name if r.space_id else ""),
            ("进展", r.get_status_display()),
            ("占用方", f"{r.get_occupant_kind_display()} {r.occupant_name}"),
            ("占用面积（㎡）", r.occupied_area),
            ("占用起始", r.occupied_since),
            ("发现日期", r.found_on),
            ("参与部门", "、".join(d.name for d in r.departments.all())),
            (
                "联合清理",
                f"{r.action_started_on or ''} 至 {r.action_ended_on or ''} {r.action_note}".strip()
                if r.action_started_on
                else "",
            ),
            (
                "收回",
                f"{r.recovered_on}，{r.recovered_area}㎡，评估价值{r.assessed_value or '—'}元"
                if r.recovered_on
                else "",
            ),
            (
                "移交",
                f"{r.get_handed_to_display()} {r.handed_to_name}，{r.handed_over_on}"
                if r.handed_over_on
                else "",
            ),
            ("建成服务阵地", f"{r.centre}，{r.converted_on}" if r.converted_on else ""),
        ]

    def sections(self, r):
        return [
            Section(
                "文件",
                [
                    Column("类别", lambda d: d.get_kind_display()),
                    Column(
                        "标题",
                        "title",
                        display=lambda d: format_html('<a href="{}">{}</a>', d.file.url, d.title),
                    ),
                ],
                list(r.documents.all()),
                empty="尚无执法文书、现场照片等文件",
            )
        ]

    def extra_context(self, r):
        if not self.request.user.has_perm("spaces.change_recoverycase"):
            return {}
        steps = {
            RecoveryStatus.FOUND: [("recovery_act", "联合清理"), ("recovery_recover", "登记收回")],
            RecoveryStatus.ACTION: [("recovery_act", "更新联合清理"), ("recovery_recover", "登记收回")],
            RecoveryStatus.RECOVERED: [("recovery_hand_over", "移交")],
            RecoveryStatus.HANDED_OVER: [("recovery_convert", "建成服务阵地")],
        }.get(r.status, [])
        return {
            "steps": [(reverse(name, args=[r.pk]), label) for name, label in steps],
            "document_url": reverse("recovery_document_add", args=[r.pk]),
        }


class RecoveryCreate(FormPage):
    form_class = RecoveryForm
    permission = "spaces.add_recoverycase"
    title = "登记公共用房被占用"
    cancel_url_name = "recovery_list"

    def save(self, form):
        return services.recovery_create(actor=self.request.user, data=form.cleaned_data)


class RecoveryStep(FormPage):
    """One step of a case, each through its service."""

    permission = "spaces.change_recoverycase"
    selector = selectors.recovery_list_for
    step_title = ""

    def get_title(self):
        return f"{self.object}：{self.step_title}"

    def get_form(self, data=None, files=None):
        kwargs = {"user": self.request.user}
        if self.form_class in (ActForm, ConvertForm):
            kwargs["compound"] = self.object.compound
        return self.form_class(data, files, **kwargs)


class RecoveryAct(RecoveryStep):
    form_class = ActForm
    step_title = "联合清理"

    def save(self, form):
        d = form.cleaned_data
        return services.recovery_act(
            case=self.object,
            actor=self.request.user,
            departments=list(d["departments"]),
            started_on=d["started_on"],
            ended_on=d["ended_on"],
            note=d["note"],
        )


class RecoveryRecover(RecoveryStep):
    form_class = RecoverForm
    step_title = "登记收回"

    def save(self, form):
        d = form.cleaned_data
        return services.recovery_recover(
            case=self.object,
            actor=self.request.user,
            recovered_on=d["recovered_on"],
            recovered_area=d["recovered_area"],
            assessed_value=d["assessed_value"],
        )


class RecoveryHandOver(RecoveryStep):
    form_class = HandOverForm
    step_title = "移交"

    def save(self, form):
        return services.recovery_hand_over(case=self.object, actor=self.request.user, **form.cleaned_data)


class RecoveryConvert(RecoveryStep):
    form_class = ConvertForm
    step_title = "建成服务阵地"

    def save(self, form):
        return services.recovery_convert(case=self.object, actor=self.request.user, **form.cleaned_data)


@login_required
def recovery_totals(request):
    """Totals per region and year, summed from the cases."""
    _need(request, "spaces.view_recoverycase")
    try:
        by = int(request.GET.get("by") or 6)
    except ValueError:
        by = 6
    by = by if by in (4, 6, 9) else 6
    rows = selectors.recovery_totals(user=request.user, by=by)
    summary = selectors.recovery_summary(user=request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "公共用房清理汇总",
            ["区划代码", "区划", "年份", "小区数", "案件数", "收回面积（㎡）", "评估价值（元）"],
            ([r.region_code, r.region_name, r.year, r.compounds, r.cases, r.area, r.value] for r in rows),
            sheet_title="清理汇总",
        )
    return render(
        request,
        "spaces/recovery_totals.html",
        {"title": "公共用房清理汇总", "rows": rows, "summary": summary, "by": by},
    )


# ------------------------------------------------------------------ centres, rooms, bookings
class CentreList(ListPage):
    title = "党群服务中心"
    permission = "spaces.view_servicecentre"
    selector = selectors.centre_list_for
    search_fields = ("name__icontains", "compound__name__icontains")
    default_ordering = ("compound__code", "name")
    export_name = "党群服务中心"
    create_url_name = "centre_create"
    create_permission = "spaces.add_servicecentre"

    def get_columns(self):
        return [
            Column("名称", "name", link=True),
            Column("小区", "compound.name"),
            Column("管理方", "managed_by"),
            Column("演示数据", "is_generated", display=generated_tag),
        ]


class CentreCreate(FormPage):
    form_class = CentreForm
    permission = "spaces.add_servicecentre"
    title = "新建党群服务中心"
    cancel_url_name = "centre_list"

    def save(self, form):
        return services.centre_create(actor=self.request.user, data=form.cleaned_data)


def _period(request):
    start, end = selectors.default_period()
    try:
        if request.GET.get("from"):
            start = datetime.date.fromisoformat(request.GET["from"])
        if request.GET.get("to"):
            end = datetime.date.fromisoformat(request.GET["to"]) + datetime.timedelta(days=1)
    except ValueError:
        pass
    if end <= start:
        end = start + datetime.timedelta(days=1)
    return start, end


@login_required
def centre_detail(request, pk: int):
    centre = get_scoped_or_404(selectors.centre_list_for(user=request.user), request.user, pk=pk)
    _need(request, "spaces.view_servicecentre")
    start, end = _period(request)
    usage = selectors.centre_usage(centre, start, end)
    can_approve = request.user.has_perm("spaces.approve_booking")
    pending = (
        list(
            selectors.booking_list_for(user=request.user)
            .filter(room__centre=centre, status=BookingStatus.PENDING)
            .order_by("starts_at")[:50]
        )
        if can_approve
        else []
    )
    return render(
        request,
        "spaces/centre_detail.html",
        {
            "title": centre.name,
            "centre": centre,
            "usage": usage,
            "start": start,
            "end": end - datetime.timedelta(days=1),
            "pending": pending,
            "can_approve": can_approve,
            "room_add_url": reverse("room_create", args=[centre.pk])
            if request.user.has_perm("spaces.add_room")
            else "",
        },
    )


class RoomCreate(FormPage):
    form_class = RoomForm
    permission = "spaces.add_room"
    title = "新增活动室"

    def get_object(self):
        self.centre = get_scoped_or_404(
            selectors.centre_list_for(user=self.request.user), self.request.user, pk=self.kwargs["pk"]
        )
        return None

    def cancel_url(self):
        return self.centre.get_absolute_url()

    def save(self, form):
        return services.room_create(
            actor=self.request.user, data={**form.cleaned_data, "centre": self.centre}
        )


class RoomUpdate(FormPage):
    form_class = RoomForm
    permission = "spaces.change_room"
    selector = selectors.room_list_for

    def get_title(self):
        return f"编辑“{self.object}”"

    def save(self, form):
        return services.room_update(room=self.object, actor=self.request.user, data=form.cleaned_data)


def _booking_view(b, user):
    """A booking as shown to a user: other people's names masked."""
    mine = b.booker_id == user.pk
    who = b.group_name or (b.booker.display_name if mine else mask_name(b.booker.display_name))
    return {"booking": b, "who": who, "mine": mine}


@login_required
def room_detail(request, pk: int):
    """The room's day: free slots and bookings; the booking and weekly-series forms (phone-sized)."""
    room = get_scoped_or_404(selectors.room_list_for(user=request.user), request.user, pk=pk)
    _need(request, "spaces.view_room")
    today = timezone.localdate()
    day = day_or_today(request.GET.get("day"), today)
    form = series_form = None
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("spaces.add_booking"):
            raise PermissionDenied("您的角色无权预约活动室。")
        tz = timezone.get_default_timezone()
        if request.POST.get("kind") == "series":
            series_form = SeriesForm(request.POST, room=room, prefix="s")
            if series_form.is_valid():
                d = series_form.cleaned_data
                try:
                    _, report = services.booking_series_create(
                        actor=request.user,
                        room=room,
                        weekday=d["weekday"],
                        start_time=d["start"],
                        end_time=d["end"],
                        first_date=d["first_date"],
                        last_date=d["last_date"],
                        use=d["use"],
                        title=d["title"],
                        group_name=d["group_name"],
                        attendees=d["attendees"],
                        on_conflict=d["on_conflict"],
                    )
                except ValidationError as exc:
                    series_form.add_error(None, validation_message(exc))
                except DomainError as exc:
                    series_form.add_error(None, exc.message)
                else:
                    messages.success(request, report.text)
                    return HttpResponseRedirect(f"{room.get_absolute_url()}?day={d['first_date']}")
            status = 400
        else:
            form = BookingForm(request.POST, room=room)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    booking = services.booking_create(
                        actor=request.user,
                        room=room,
                        starts_at=datetime.datetime.combine(d["day"], d["start"], tzinfo=tz),
                        ends_at=datetime.datetime.combine(d["day"], d["end"], tzinfo=tz),
                        use=d["use"],
                        title=d["title"],
                        group_name=d["group_name"],
                        attendees=d["attendees"],
                    )
                except ValidationError as exc:
                    _errors_to_form(form, exc, {"starts_at": "start", "ends_at": "end"})
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        "预约已提交，等待审批。" if booking.status == BookingStatus.PENDING else "预约成功。",
                    )
                    return HttpResponseRedirect(f"{room.get_absolute_url()}?day={d['day']}")
                day = d["day"]
            status = 400
    form = form or BookingForm(room=room, initial={"day": day})
    series_form = series_form or SeriesForm(
        room=room, prefix="s", initial={"first_date": day, "last_date": day + datetime.timedelta(weeks=12)}
    )
    bookings = selectors.day_bookings(room, day)
    return render(
        request,
        "spaces/room_detail.html",
        {
            "title": str(room),
            "room": room,
            "day": day,
            "prev_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "free": selectors.free_slots(room, day, bookings),
            "bookings": [_booking_view(b, request.user) for b in bookings],
            "form": form,
            "series_form": series_form,
            "can_book": request.user.has_perm("spaces.add_booking"),
            "edit_url": reverse("room_update", args=[room.pk])
            if request.user.has_perm("spaces.change_room")
            else "",
        },
        status=status,
    )


def _errors_to_form(form, exc: ValidationError, mapping: dict):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = mapping.get(field, field)
            for e in errors:
                form.add_error(target if target in form.fields else None, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


class BookingList(ListPage):
    title = "活动室预约"
    permission = "spaces.view_booking"
    selector = selectors.booking_list_for
    search_fields = ("title__icontains", "group_name__icontains", "room__name__icontains")
    search_placeholder = "活动、团体或房间"
    filter_form = BookingFilter
    default_ordering = ("-starts_at", "-id")
    export_name = "活动室预约"

    def get_columns(self):
        user = self.request.user

        def who(b):
            return _booking_view(b, user)["who"]

        return [
            Column("活动", "title", link=True),
            Column("房间", lambda b: str(b.room)),
            Column(
                "开始", lambda b: timezone.localtime(b.starts_at).strftime("%Y-%m-%d %H:%M"), sort="starts_at"
            ),
            Column("结束", lambda b: timezone.localtime(b.ends_at).strftime("%H:%M")),
            Column("用途", lambda b: b.get_use_display()),
            Column("预约人", who),
            Column("状态", lambda b: b.get_status_display(), sort="status"),
        ]


class BookingDetail(DetailPage):
    permission = "spaces.view_booking"
    selector = selectors.booking_list_for
    list_url_name = "booking_list"
    list_title = "活动室预约"
    template_name = "spaces/booking_detail.html"

    def fields(self, b):
        view = _booking_view(b, self.request.user)
        return [
            ("房间", str(b.room)),
            (
                "时间",
                f"{timezone.localtime(b.starts_at):%Y-%m-%d %H:%M} – {timezone.localtime(b.ends_at):%H:%M}",
            ),
            ("用途", b.get_use_display()),
            ("预约人", view["who"]),
            ("人数", b.attendees),
            ("状态", b.get_status_display()),
            ("审批意见", b.decision_note),
            ("签到时间", timezone.localtime(b.checked_in_at).strftime("%H:%M") if b.checked_in_at else ""),
            ("周期预约", b.series.title if b.series_id else ""),
        ]

    def extra_context(self, b):
        user = self.request.user
        mine = b.booker_id == user.pk
        approver = user.has_perm("spaces.approve_booking")
        actions = []
        if b.status == BookingStatus.PENDING and approver:
            actions += [("booking_approve", "通过"), ("booking_reject", "不通过")]
        if b.status in (BookingStatus.PENDING, BookingStatus.APPROVED) and (mine or approver):
            actions.append(("booking_cancel", "取消预约"))
        if b.status == BookingStatus.APPROVED and (mine or user.has_perm("spaces.checkin_booking")):
            actions.append(("booking_check_in", "签到"))
        return {"actions": [(reverse(n, args=[b.pk]), label, n) for n, label in actions]}


def _booking_action(service, success: str, needs_note: bool = False):
    @login_required
    @require_POST
    def view(request, pk: int):
        booking = get_scoped_or_404(selectors.booking_list_for(user=request.user), request.user, pk=pk)
        kwargs = {}
        if needs_note or "note" in request.POST:
            kwargs["note"] = (request.POST.get("note") or "").strip()
        try:
            service(booking=booking, actor=request.user, **kwargs)
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
        back = request.POST.get("next") or ""
        if not back.startswith("/") or back.startswith("//"):
            back = booking.get_absolute_url()
        return HttpResponseRedirect(back)

    return view


booking_approve = _booking_action(services.booking_approve, "已通过。")
booking_reject = _booking_action(services.booking_reject, "已退回。", needs_note=True)
booking_cancel = _booking_action(services.booking_cancel, "已取消。")
booking_check_in = _booking_action(services.booking_check_in, "已签到。")
