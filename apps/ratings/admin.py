"""Read-only admin of the rating engine and the surveys: every write goes through the pages'
services (the workflow has no generic edit), so the admin only lists, scoped to the user."""

from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.ratings.models import Objection, RatingEntry, RatingRound, RatingScheme, SurveyCampaign


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RatingScheme)
class RatingSchemeAdmin(ReadOnlyScopedAdmin):
    list_display = (
        "title",
        "version",
        "jurisdiction",
        "subject_kind",
        "effective_from",
        "is_example",
        "is_legacy",
    )
    list_filter = ("subject_kind", "is_example", "is_legacy")
    list_select_related = ("jurisdiction",)


@admin.register(RatingRound)
class RatingRoundAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "year", "region", "status", "notice_ends_on")
    list_filter = ("status", "year")
    list_select_related = ("region",)


@admin.register(RatingEntry)
class RatingEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ("__str__", "year", "status", "score", "stars", "vetoed", "is_legacy")
    list_filter = ("status", "year", "stars", "is_legacy")
    list_select_related = ("party_org", "compound")
    raw_id_fields = ("party_org", "compound", "round", "scheme", "region")


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyScopedAdmin):
    list_display = ("__str__", "status", "created_at", "answered_at")
    list_filter = ("status",)


@admin.register(SurveyCampaign)
class SurveyCampaignAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "region", "starts_on", "ends_on")
    list_select_related = ("region",)
