from django.contrib import admin

from apps.committees import services
from apps.committees.models import CommitteeMember, CommitteeRules, OwnersCommittee
from apps.core.admin import ScopedAdmin


@admin.register(CommitteeRules)
class CommitteeRulesAdmin(ScopedAdmin):
    list_display = (
        "region",
        "min_members",
        "max_members",
        "require_odd",
        "max_term_years",
        "reelection_window_days",
        "street_organises_days",
        "red_min_cross_appointed",
        "red_min_party_share",
    )
    raw_id_fields = ("region",)
    create_service = staticmethod(lambda actor, data: services.rules_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.rules_update(rules=obj, actor=actor, data=data)
    )


@admin.register(OwnersCommittee)
class OwnersCommitteeAdmin(ScopedAdmin):
    """Committees are elected with their roster on the platform page; here they are edited."""

    list_display = ("__str__", "kind", "term_start", "term_end", "filed_on")
    list_filter = ("kind",)
    search_fields = ("compound__name",)
    list_select_related = ("compound",)
    raw_id_fields = ("compound",)
    fields = ("compound", "kind", "term_start", "term_end", "elected_on", "filed_on", "dissolved_on")
    create_service = staticmethod(
        lambda actor, data: services.committee_create(actor=actor, data=data, members=[])
    )
    update_service = staticmethod(
        lambda obj, actor, data: services.committee_update(committee=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.committee_delete(committee=obj, actor=actor))

    def has_add_permission(self, request):
        return False  # an election needs its roster: use the platform's 登记业主委员会 page


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ScopedAdmin):
    list_display = ("__str__", "committee", "position", "is_party_member", "cross_appointed")
    list_filter = ("position", "is_party_member", "cross_appointed")
    raw_id_fields = ("committee", "owner")
    fields = (
        "committee",
        "name",
        "phone",
        "position",
        "owner",
        "is_owner",
        "is_party_member",
        "cross_appointed",
        "branch_position",
    )
    create_service = staticmethod(
        lambda actor, data: services.member_add(committee=data.pop("committee"), actor=actor, data=data)
    )
    update_service = staticmethod(
        lambda obj, actor, data: services.member_update(member=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.member_remove(member=obj, actor=actor))
