"""Admin of owners' joint decisions: read-only views of decisions and paper ballots (every change
goes through the pages' services), and the compound's counting policy through policy_set.
Ballots are not in the admin at all: nobody but their owner reads a ballot."""

from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.voting import services
from apps.voting.models import CountingPolicyRecord, Decision, Matter, PaperBallot


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MatterInline(admin.TabularInline):
    model = Matter
    fields = ("position", "number", "title")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("title", "compound", "form", "status", "opens_at", "closes_at", "ballot_count")
    list_filter = ("status", "form")
    search_fields = ("title", "compound__name")
    list_select_related = ("compound",)
    inlines = [MatterInline]
    exclude = ("policy",)
    readonly_fields = [f.name for f in Decision._meta.fields if f.name != "policy"]


@admin.register(PaperBallot)
class PaperBallotAdmin(ReadOnlyAdmin):
    list_display = ("decision", "voter", "status", "first_by", "second_by", "created_at")
    list_filter = ("status",)
    list_select_related = ("decision", "voter", "first_by", "second_by")
    # the entered choices are not shown: they are ballots
    fields = ("decision", "voter", "scan", "status", "first_by", "second_by", "void_reason")
    readonly_fields = fields


@admin.register(CountingPolicyRecord)
class CountingPolicyRecordAdmin(ScopedAdmin):
    list_display = (
        "compound",
        "developer_units_one_person",
        "multi_unit_owner_one_person",
        "abstention_participates",
        "silence_follows_majority",
        "basis",
    )
    raw_id_fields = ("compound",)
    create_service = staticmethod(
        lambda actor, data: services.policy_set(compound=data.pop("compound"), actor=actor, data=data)
    )
    update_service = staticmethod(
        lambda obj, actor, data: services.policy_set(
            compound=obj.compound, actor=actor, data={k: v for k, v in data.items() if k != "compound"}
        )
    )

    def has_delete_permission(self, request, obj=None):
        return False  # back to the statute = set every option to its default, audited
