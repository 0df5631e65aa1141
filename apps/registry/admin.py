from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.registry import services
from apps.registry.models import Building, Compound, Department, Owner, PropertyCompany, Unit


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(ScopedAdmin):
    list_display = ("name", "credit_code", "kind", "region", "is_generated")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")
    fields = ("name", "credit_code", "kind", "region", "address", "legal_representative", "contact_phone")
    create_service = staticmethod(lambda actor, data: services.company_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.company_update(company=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.company_delete(company=obj, actor=actor))


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name",)
    fields = ("name", "kind", "region", "contact_phone")
    create_service = staticmethod(lambda actor, data: services.department_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.department_update(department=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.department_delete(department=obj, actor=actor))


@admin.register(Compound)
class CompoundAdmin(ScopedAdmin):
    list_display = (
        "code",
        "name",
        "community",
        "households",
        "is_old",
        "management_mode",
        "company",
        "is_generated",
    )
    list_filter = ("management_mode", "is_old")
    search_fields = ("name", "code")
    list_select_related = ("community", "company")
    raw_id_fields = ("community",)
    readonly_fields = ("code",)
    fields = (
        "code",
        "name",
        "community",
        "address",
        "latitude",
        "longitude",
        "households",
        "total_floor_area",
        "year_built",
        "is_old",
        "management_mode",
        "company",
        "resident_party_members",
    )
    create_service = staticmethod(lambda actor, data: services.compound_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.compound_update(compound=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.compound_delete(compound=obj, actor=actor))


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ("name", "compound", "floors", "has_lift")
    search_fields = ("name", "compound__name")
    list_select_related = ("compound",)
    raw_id_fields = ("compound",)
    create_service = staticmethod(lambda actor, data: services.building_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.building_update(building=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.building_delete(building=obj, actor=actor))


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ("__str__", "compound", "kind", "registered_area", "surveyed_area", "contract_area")
    list_filter = ("kind",)
    search_fields = ("number", "compound__name")
    list_select_related = ("compound", "building")
    raw_id_fields = ("compound", "building")
    create_service = staticmethod(lambda actor, data: services.unit_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.unit_update(unit=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.unit_delete(unit=obj, actor=actor))


@admin.register(Owner)
class OwnerAdmin(ScopedAdmin):
    """Owners are shown masked here; ID numbers are entered on the platform's owner form."""

    list_display = ("masked_name", "masked_phone", "masked_id", "is_developer")
    search_fields = ("name",)
    fields = ("name", "phone", "is_developer")
    create_service = staticmethod(lambda actor, data: services.owner_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.owner_update(owner=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.owner_delete(owner=obj, actor=actor))

    @admin.display(description="姓名")
    def masked_name(self, obj):
        return obj.masked_name

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return obj.masked_phone

    @admin.display(description="身份证号")
    def masked_id(self, obj):
        return obj.masked_id
