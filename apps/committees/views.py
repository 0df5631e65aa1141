"""Owners' committee pages: list with derived red/term state, detail with roster checks,
election (committee + roster in one form), by-elections, and the per-jurisdiction rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from apps.committees import selectors, services
from apps.committees.filters import CommitteeFilter
from apps.committees.forms import CommitteeForm, MemberForm, MemberFormSet, RulesForm, member_rows
from apps.committees.rules import is_red, rules_for, term_state
from apps.committees.selectors import facts_of
from apps.core.errors import DomainError
from apps.core.scoping import get_scoped_or_404
from apps.core.views import (
    Column,
    DetailPage,
    FormPage,
    ListPage,
    Section,
    apply_domain_error,
    apply_validation_error,
    generated_tag,
    tag,
)

TERM_TAGS = {
    "in_term": ("任期内", "ok"),
    "reelection_window": ("换届期", "warn"),
    "street_takeover": ("街道组织换届", "red"),
    "expired": ("已届满", "red"),
}


class CommitteeList(ListPage):
    title = "业主委员会"
    permission = "committees.view_ownerscommittee"
    search_fields = ("compound__name__icontains",)
    search_placeholder = "小区名称"
    filter_form = CommitteeFilter
    default_ordering = ("compound__code", "-term_start")
    export_name = "业主委员会"
    create_url_name = "committee_create"
    create_permission = "committees.add_ownerscommittee"
    import_url_name = "committee_import"
    import_permission = "committees.add_ownerscommittee"

    selector = selectors.committee_list_for

    def get_columns(self):
        cache: dict = {}
        today = timezone.localdate()

        def rules(c):
            code = c.compound.community_id
            if code not in cache:
                cache[code] = rules_for(code)
            return cache[code]

        def red(c):
            return is_red(facts_of(c.members.all()), rules(c))

        def term(c):
            return term_state(c.term_start, c.term_end, rules(c), today)[0]

        return [
            Column("小区", "compound.name", link=True),
            Column("类别", lambda c: c.get_kind_display(), sort="kind"),
            Column("任期开始", "term_start", sort="term_start"),
            Column("任期届满", "term_end", sort="term_end"),
            Column("委员人数", lambda c: len(c.members.all()), css="num"),
            Column("党员", lambda c: sum(1 for m in c.members.all() if m.is_party_member), css="num"),
            Column("交叉任职", lambda c: sum(1 for m in c.members.all() if m.cross_appointed), css="num"),
            Column("红色业委会", red, display=lambda c: tag("红色业委会", "red") if red(c) else ""),
            Column("任期状态", lambda c: TERM_TAGS[term(c)][0], display=lambda c: tag(*TERM_TAGS[term(c)])),
            Column("演示数据", "is_generated", display=generated_tag),
        ]


class CommitteeDetail(DetailPage):
    permission = "committees.view_ownerscommittee"
    edit_url_name = "committee_update"
    edit_permission = "committees.change_ownerscommittee"
    list_url_name = "committee_list"
    list_title = "业主委员会"
    template_name = "committees/committee_detail.html"

    selector = selectors.committee_list_for

    def fields(self, c):
        st = selectors.committee_state(c, today=timezone.localdate())
        self.state = st
        return [
            ("小区", c.compound.name),
            ("类别", c.get_kind_display()),
            ("任期", f"{c.term_start} 至 {c.term_end}"),
            ("选举（成立）日期", c.elected_on),
            ("备案日期", c.filed_on),
            ("任期状态", st.term_message),
            ("委员人数", st.member_count),
            ("党员人数", st.party_members),
            ("交叉任职人数", st.cross_appointed),
            ("红色业委会", st.is_red),
            (
                "适用规则",
                f"{st.rules.source}：{st.rules.min_members}–{st.rules.max_members}人"
                f"{'、单数' if st.rules.require_odd else ''}，任期不超过{st.rules.max_term_years}年；"
                f"红色业委会须交叉任职≥{st.rules.red_min_cross_appointed}人且党员占比≥{st.rules.red_min_party_share}",
            ),
        ]

    def sections(self, c):
        user = self.request.user
        can_edit = user.has_perm("committees.change_committeemember")
        columns = [
            Column("姓名", lambda m: m.masked_name if hasattr(m, "masked_name") else str(m)),
            Column("职务", lambda m: m.get_position_display()),
            Column("业主", "is_owner"),
            Column("党员", "is_party_member"),
            Column("交叉任职", lambda m: m.branch_position if m.cross_appointed else ""),
        ]
        if can_edit:
            from django.utils.html import format_html

            columns.append(
                Column(
                    "",
                    lambda m: "",
                    display=lambda m: format_html(
                        '<a href="{}">编辑</a>', reverse("member_update", args=[m.pk])
                    ),
                )
            )
        return [Section("委员名单", columns, list(c.members.all()), empty="尚未登记委员")]

    def extra_context(self, c):
        user = self.request.user
        return {
            "problems": self.state.roster_problems,
            "add_member_url": reverse("member_add", args=[c.pk])
            if user.has_perm("committees.add_committeemember")
            else "",
        }


class CommitteeCreate(FormPage):
    """Record an election: the committee and its whole roster, checked together."""

    form_class = CommitteeForm
    permission = "committees.add_ownerscommittee"
    title = "登记业主委员会（含委员名单）"
    template_name = "committees/committee_form.html"
    cancel_url_name = "committee_list"

    def render_form(self, form, status=200, formset=None):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "formset": formset or MemberFormSet(prefix="m"),
                "title": self.title,
                "cancel_url": self.cancel_url(),
            },
            status=status,
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        formset = MemberFormSet(request.POST, prefix="m")
        if form.is_valid() and formset.is_valid():
            try:
                committee = services.committee_create(
                    actor=request.user, data=form.cleaned_data, members=member_rows(formset)
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, "业主委员会已登记。")
                return HttpResponseRedirect(committee.get_absolute_url())
        return self.render_form(form, status=400, formset=formset)


class CommitteeUpdate(FormPage):
    form_class = CommitteeForm
    permission = "committees.change_ownerscommittee"

    selector = selectors.committee_list_for

    def get_title(self):
        return f"编辑：{self.object}"

    def save(self, form):
        return services.committee_update(
            committee=self.object, actor=self.request.user, data=form.cleaned_data
        )


class MemberAdd(FormPage):
    form_class = MemberForm
    permission = "committees.add_committeemember"

    selector = selectors.committee_list_for

    def get_title(self):
        return f"补选委员：{self.object}"

    def get_form(self, data=None, files=None):
        return MemberForm(data, user=self.request.user)

    def save(self, form):
        services.member_add(committee=self.object, actor=self.request.user, data=form.cleaned_data)
        return self.object


class MemberUpdate(FormPage):
    form_class = MemberForm
    permission = "committees.change_committeemember"

    selector = selectors.member_list_for

    def get_title(self):
        return f"编辑委员：{self.object}"

    def cancel_url(self):
        return self.object.committee.get_absolute_url()

    def save(self, form):
        services.member_update(member=self.object, actor=self.request.user, data=form.cleaned_data)
        return self.object.committee


def member_remove(request, pk):
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("login"))
    member = get_scoped_or_404(selectors.member_list_for(user=request.user), request.user, pk=pk)
    if not request.user.has_perm("committees.delete_committeemember"):
        raise PermissionDenied("您的角色无权移除委员。")
    committee = member.committee
    if request.method == "POST":
        services.member_remove(member=member, actor=request.user)
        messages.success(request, f"已移除委员 {member}。")
        return HttpResponseRedirect(committee.get_absolute_url())
    return render(request, "core/confirm_delete.html", {"object": member, "title": f"移除委员 {member}"})


class RulesList(ListPage):
    title = "业委会规则（按辖区）"
    permission = "committees.view_committeerules"
    columns = [
        Column("适用区划", "region.name", link=True),
        Column("委员人数", lambda r: f"{r.min_members}–{r.max_members}"),
        Column("单数", "require_odd"),
        Column("任期上限（年）", "max_term_years", css="num"),
        Column("换届期（日）", "reelection_window_days", css="num"),
        Column("街道组织换届（日）", "street_organises_days", css="num"),
        Column("红色：交叉任职≥", "red_min_cross_appointed", css="num"),
        Column("红色：党员占比≥", "red_min_party_share"),
        Column("依据", "source"),
    ]
    search_fields = ("region__name__icontains", "source__icontains")
    search_placeholder = "辖区名称或依据"
    default_ordering = ("region_id",)
    export_name = "业委会规则"
    create_url_name = "committeerules_create"
    create_permission = "committees.add_committeerules"
    intro = "未单独设置规则的辖区，沿用上级辖区的规则；都未设置时采用《山东省物业管理条例》的默认值。"

    selector = selectors.rules_list_for


class RulesDetail(DetailPage):
    permission = "committees.view_committeerules"
    edit_url_name = "committeerules_update"
    edit_permission = "committees.change_committeerules"
    list_url_name = "committeerules_list"
    list_title = "业委会规则"

    selector = selectors.rules_list_for

    def fields(self, r):
        return [
            (str(r._meta.get_field(f).verbose_name), getattr(r, f))
            for f in RulesForm.Meta.fields
            if f != "region"
        ]


class RulesCreate(FormPage):
    form_class = RulesForm
    permission = "committees.add_committeerules"
    title = "设置辖区业委会规则"
    cancel_url_name = "committeerules_list"

    def save(self, form):
        return services.rules_create(actor=self.request.user, data=form.cleaned_data)


class RulesUpdate(FormPage):
    form_class = RulesForm
    permission = "committees.change_committeerules"

    selector = selectors.rules_list_for

    def get_title(self):
        return f"编辑：{self.object}"

    def save(self, form):
        return services.rules_update(rules=self.object, actor=self.request.user, data=form.cleaned_data)
