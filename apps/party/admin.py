from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.party import services
from apps.party.models import PartyInstructor, PartyOrg, PartyOrgRating, RedCollarSecretary


@admin.register(PartyOrg)
class PartyOrgAdmin(ScopedAdmin):
    list_display = ("name", "kind", "region", "company", "compound", "member_count")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("region", "company", "compound")
    raw_id_fields = ("region", "compound", "parent")
    filter_horizontal = ("covered_companies",)
    fields = (
        "name",
        "kind",
        "parent",
        "region",
        "secretary_name",
        "secretary_phone",
        "member_count",
        "founded_on",
        "company",
        "compound",
        "covered_companies",
    )
    create_service = staticmethod(lambda actor, data: services.party_org_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.party_org_update(party_org=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.party_org_delete(party_org=obj, actor=actor))


@admin.register(PartyInstructor)
class PartyInstructorAdmin(ScopedAdmin):
    list_display = ("name", "sending_unit", "region", "start_date", "end_date")
    search_fields = ("name", "sending_unit")
    raw_id_fields = ("region",)
    filter_horizontal = ("companies", "committees")
    fields = ("name", "phone", "sending_unit", "region", "companies", "committees", "start_date", "end_date")
    create_service = staticmethod(lambda actor, data: services.instructor_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.instructor_update(instructor=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.instructor_delete(instructor=obj, actor=actor))


@admin.register(PartyOrgRating)
class PartyOrgRatingAdmin(ScopedAdmin):
    list_display = ("party_org", "year", "stars", "issuer")
    list_filter = ("year", "stars")
    raw_id_fields = ("party_org",)
    fields = ("party_org", "year", "stars", "issuer", "issued_on")
    create_service = staticmethod(lambda actor, data: services.rating_record(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.rating_update(rating=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.rating_delete(rating=obj, actor=actor))


@admin.register(RedCollarSecretary)
class RedCollarSecretaryAdmin(ScopedAdmin):
    list_display = ("name", "sending_unit", "community", "start_date", "end_date")
    search_fields = ("name", "sending_unit")
    raw_id_fields = ("community",)
    fields = ("name", "phone", "sending_unit", "community", "start_date", "end_date", "duties")
    create_service = staticmethod(lambda actor, data: services.secretary_create(actor=actor, data=data))
    update_service = staticmethod(
        lambda obj, actor, data: services.secretary_update(secretary=obj, actor=actor, data=data)
    )
    delete_service = staticmethod(lambda obj, actor: services.secretary_delete(secretary=obj, actor=actor))
