"""Party pages: organisations (with ratings), instructors, red-collar secretaries."""

from __future__ import annotations

from django.utils import timezone

from apps.core.views import Column, DeletePage, DetailPage, FormPage, ListPage, Section, generated_tag, tag
from apps.party import selectors, services
from apps.party.filters import PartyOrgFilter, SecretaryFilter
from apps.party.forms import InstructorForm, PartyOrgForm, RatingForm, SecretaryForm


def stars_display(o):
    return tag("★" * o.latest_stars, "gold") if getattr(o, "latest_stars", None) else ""


class PartyOrgList(ListPage):
    title = "党组织"
    permission = "party.view_partyorg"
    columns = [
        Column("党组织名称", "name", sort="name", link=True),
        Column("类别", lambda o: o.get_kind_display(), sort="kind"),
        Column("所在区划", "region.name"),
        Column(
            "覆盖对象",
            lambda o: o.company.name if o.company_id else (o.compound.name if o.compound_id else ""),
        ),
        Column("书记", "secretary_name"),
        Column("党员人数", "member_count", sort="member_count", css="num"),
        Column("最新星级", lambda o: o.latest_stars, sort="latest_stars", display=stars_display),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__icontains", "secretary_name__startswith")
    filter_form = PartyOrgFilter
    default_ordering = ("region_id", "kind", "name")
    export_name = "党组织"
    create_url_name = "partyorg_create"
    create_permission = "party.add_partyorg"
    import_url_name = "partyorg_import"
    import_permission = "party.add_partyorg"

    selector = selectors.party_org_list_for


class PartyOrgDetail(DetailPage):
    permission = "party.view_partyorg"
    edit_url_name = "partyorg_update"
    edit_permission = "party.change_partyorg"
    delete_url_name = "partyorg_delete"
    delete_permission = "party.delete_partyorg"
    list_url_name = "partyorg_list"
    list_title = "党组织"
    template_name = "party/partyorg_detail.html"

    selector = selectors.party_org_list_for

    def fields(self, o):
        return [
            ("类别", o.get_kind_display()),
            ("上级党组织", o.parent.name if o.parent_id else ""),
            ("所在区划", o.region.name),
            ("书记", o.secretary_name),
            ("书记电话", o.masked_secretary_phone),
            ("党员人数", o.member_count),
            ("成立日期", o.founded_on),
            ("所属物业企业", o.company.name if o.company_id else ""),
            ("所在小区", o.compound.name if o.compound_id else ""),
            ("联建覆盖企业", "、".join(c.name for c in o.covered_companies.all())),
        ]

    def sections(self, o):
        # The rating history is the rating engine's (apps.ratings contributes it to this page).
        children = list(selectors.party_org_list_for(user=self.request.user).filter(parent=o)[:100])
        return [
            Section(
                "下级党组织",
                [Column("名称", "name", link=True), Column("类别", lambda x: x.get_kind_display())],
                children,
                empty="无下级党组织",
            ),
        ]

    def extra_context(self, o):
        can_rate = o.kind == "company_org" and self.request.user.has_perm("party.add_partyorgrating")
        from django.urls import reverse

        return {"rate_url": reverse("rating_create") + f"?party_org={o.pk}" if can_rate else ""}


class PartyOrgCreate(FormPage):
    form_class = PartyOrgForm
    permission = "party.add_partyorg"
    title = "新建党组织"
    cancel_url_name = "partyorg_list"

    def save(self, form):
        return services.party_org_create(actor=self.request.user, data=form.cleaned_data)


class PartyOrgUpdate(FormPage):
    form_class = PartyOrgForm
    permission = "party.change_partyorg"

    selector = selectors.party_org_list_for

    def get_title(self):
        return f"编辑党组织：{self.object}"

    def save(self, form):
        return services.party_org_update(
            party_org=self.object, actor=self.request.user, data=form.cleaned_data
        )


class PartyOrgDelete(DeletePage):
    permission = "party.delete_partyorg"
    success_url_name = "partyorg_list"

    selector = selectors.party_org_list_for

    def delete(self, obj):
        services.party_org_delete(party_org=obj, actor=self.request.user)


class RatingCreate(FormPage):
    form_class = RatingForm
    permission = "party.add_partyorgrating"
    title = "录入星级评定"
    cancel_url_name = "partyorg_list"

    initial_from_query = ("party_org",)

    def save(self, form):
        rating = services.rating_record(actor=self.request.user, data=form.cleaned_data)
        return rating.party_org


class InstructorList(ListPage):
    title = "党建指导员"
    permission = "party.view_partyinstructor"
    columns = [
        Column("姓名", "name", sort="name", link=True),
        Column("选派单位", "sending_unit"),
        Column("工作区划", "region.name"),
        Column("开始日期", "start_date", sort="start_date"),
        Column("结束日期", "end_date"),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__startswith", "sending_unit__icontains")
    default_ordering = ("region_id", "name")
    export_name = "党建指导员"
    create_url_name = "instructor_create"
    create_permission = "party.add_partyinstructor"
    import_url_name = "instructor_import"
    import_permission = "party.add_partyinstructor"

    selector = selectors.instructor_list_for


class InstructorDetail(DetailPage):
    permission = "party.view_partyinstructor"
    edit_url_name = "instructor_update"
    edit_permission = "party.change_partyinstructor"
    list_url_name = "instructor_list"
    list_title = "党建指导员"

    selector = selectors.instructor_list_for

    def fields(self, i):
        return [
            ("选派单位", i.sending_unit),
            ("工作区划", i.region.name),
            ("手机号", i.masked_phone),
            ("开始日期", i.start_date),
            ("结束日期", i.end_date),
        ]

    def sections(self, i):
        return [
            Section(
                "指导的物业企业", [Column("企业", "name", link=True)], list(i.companies.all()), empty="无"
            ),
            Section(
                "指导的业委会",
                [Column("业委会", lambda c: str(c), link=True)],
                list(i.committees.select_related("compound")),
                empty="无",
            ),
        ]


class InstructorCreate(FormPage):
    form_class = InstructorForm
    permission = "party.add_partyinstructor"
    title = "登记党建指导员"
    cancel_url_name = "instructor_list"

    def save(self, form):
        return services.instructor_create(actor=self.request.user, data=form.cleaned_data)


class InstructorUpdate(FormPage):
    form_class = InstructorForm
    permission = "party.change_partyinstructor"

    selector = selectors.instructor_list_for

    def get_title(self):
        return f"编辑党建指导员：{self.object}"

    def save(self, form):
        return services.instructor_update(
            instructor=self.object, actor=self.request.user, data=form.cleaned_data
        )


def in_post_display(s):
    return tag("在岗", "ok") if s.in_post(timezone.localdate()) else tag("已离任")


class SecretaryList(ListPage):
    title = "红领书记"
    permission = "party.view_redcollarsecretary"
    columns = [
        Column("姓名", "name", sort="name", link=True),
        Column("选派单位", "sending_unit"),
        Column(
            "县区",
            lambda s: (
                s.community.parent.parent.name
                if s.community.parent_id and s.community.parent.parent_id
                else ""
            ),
        ),
        Column("街道", lambda s: s.community.parent.name if s.community.parent_id else ""),
        Column("任职社区", "community.name"),
        Column("任职开始", "start_date", sort="start_date"),
        Column("任职结束", "end_date", sort="end_date"),
        Column(
            "状态", lambda s: "在岗" if s.in_post(timezone.localdate()) else "已离任", display=in_post_display
        ),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__startswith", "sending_unit__icontains", "community__name__icontains")
    filter_form = SecretaryFilter
    default_ordering = ("community_id", "-start_date")
    export_name = "红领书记"
    create_url_name = "secretary_create"
    create_permission = "party.add_redcollarsecretary"
    import_url_name = "secretary_import"
    import_permission = "party.add_redcollarsecretary"
    intro = "红领书记：选派到城市社区党组织任职、助推物业管理的干部。"

    selector = selectors.secretary_list_for


class SecretaryDetail(DetailPage):
    permission = "party.view_redcollarsecretary"
    edit_url_name = "secretary_update"
    edit_permission = "party.change_redcollarsecretary"
    delete_url_name = "secretary_delete"
    delete_permission = "party.delete_redcollarsecretary"
    list_url_name = "secretary_list"
    list_title = "红领书记"

    selector = selectors.secretary_list_for

    def fields(self, s):
        return [
            ("选派单位", s.sending_unit),
            ("任职社区", s.community.name),
            ("手机号", s.masked_phone),
            ("任职开始", s.start_date),
            ("任职结束", s.end_date),
            ("状态", "在岗" if s.in_post(timezone.localdate()) else "已离任"),
            ("工作职责", s.duties),
        ]


class SecretaryCreate(FormPage):
    form_class = SecretaryForm
    permission = "party.add_redcollarsecretary"
    title = "选派红领书记"
    cancel_url_name = "secretary_list"

    def save(self, form):
        return services.secretary_create(actor=self.request.user, data=form.cleaned_data)


class SecretaryUpdate(FormPage):
    form_class = SecretaryForm
    permission = "party.change_redcollarsecretary"

    selector = selectors.secretary_list_for

    def get_title(self):
        return f"编辑红领书记：{self.object}"

    def save(self, form):
        return services.secretary_update(
            secretary=self.object, actor=self.request.user, data=form.cleaned_data
        )


class SecretaryDelete(DeletePage):
    permission = "party.delete_redcollarsecretary"
    success_url_name = "secretary_list"

    selector = selectors.secretary_list_for

    def delete(self, obj):
        services.secretary_delete(secretary=obj, actor=self.request.user)
