from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.spaces import services
from apps.spaces.models import Booking, PublicSpace, RecoveryCase, Room, ServiceCentre, SpaceRules


@admin.register(SpaceRules)
class SpaceRulesAdmin(ScopedAdmin):
    list_display = (
        "region",
        "property_permille_min",
        "property_permille_max",
        "property_min_area",
        "committee_office_min_area",
        "government_min_area",
        "community_area_per_100_households",
        "min_clear_height",
        "max_floor_without_lift",
    )
    raw_id_fields = ("region",)
    create_service = staticmethod(lambda actor, data: services.rules_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.rules_update(rules=obj, actor=actor, data=data)
    )


@admin.register(PublicSpace)
class PublicSpaceAdmin(ScopedAdmin):
    list_display = ("__str__", "kind", "floor_area", "clear_height", "floor", "status")
    list_filter = ("kind", "status")
    search_fields = ("compound__name", "name")
    list_select_related = ("compound",)
    raw_id_fields = ("compound",)
    create_service = staticmethod(lambda actor, data: services.space_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.space_update(space=obj, actor=actor, data=data)
    )


@admin.register(RecoveryCase)
class RecoveryCaseAdmin(ScopedAdmin):
    """Read-only here: cases move through their steps on the platform pages."""

    list_display = ("__str__", "status", "occupant_name", "recovered_area", "assessed_value", "recovered_on")
    list_filter = ("status",)
    search_fields = ("compound__name", "occupant_name")
    list_select_related = ("compound",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ServiceCentre)
class ServiceCentreAdmin(ScopedAdmin):
    list_display = ("name", "compound", "managed_by")
    list_select_related = ("compound",)
    raw_id_fields = ("compound", "space")
    create_service = staticmethod(lambda actor, data: services.centre_create(actor=actor, data=data))
    update_service = None

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Room)
class RoomAdmin(ScopedAdmin):
    list_display = ("__str__", "capacity", "opens_at", "closes_at", "requires_approval", "is_active")
    list_select_related = ("centre",)
    raw_id_fields = ("centre",)
    create_service = staticmethod(lambda actor, data: services.room_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.room_update(room=obj, actor=actor, data=data)
    )


@admin.register(Booking)
class BookingAdmin(ScopedAdmin):
    """Read-only: bookings are made, approved and cancelled on the room pages."""

    list_display = ("__str__", "room", "status", "starts_at", "ends_at")
    list_filter = ("status", "use")
    list_select_related = ("room__centre",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
