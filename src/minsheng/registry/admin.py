from django.contrib import admin

from minsheng.core.admin import AuditedModelAdmin
from minsheng.registry.models import (
    CooperationPartner,
    InnovationCarrier,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
    TalentTag,
)


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name_zh", "credit_code", "kind", "district", "state", "updated_at"]
    list_filter = ["state", "kind", "district"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    list_select_related = ["district"]
    # Verification goes through the registry's verify/reject pages, which check the transition.
    readonly_fields = ["state", "state_reason", "verified_by", "verified_at"]


@admin.register(TalentTag)
class TalentTagAdmin(AuditedModelAdmin):
    list_display = ["code", "name_zh", "name_en", "order"]
    ordering = ["order"]


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    list_display = ["name", "organisation", "title", "in_expert_pool"]
    list_filter = ["in_expert_pool", "title", "talent_tags", "domains"]
    search_fields = ["name", "name_en", "expertise", "organisation__name_zh"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["domains", "talent_tags"]
    # Only the masked number is kept; the full number is typed in the registry's person form, which checks it.
    readonly_fields = ["id_number_masked"]


@admin.register(InnovationCarrier)
class InnovationCarrierAdmin(AuditedModelAdmin):
    list_display = ["name_zh", "kind", "level", "domain", "host"]
    list_filter = ["kind", "level", "domain"]
    search_fields = ["name_zh", "name_en", "host__name_zh"]
    list_select_related = ["domain", "host"]
    autocomplete_fields = ["host"]


@admin.register(ServiceInstitution)
class ServiceInstitutionAdmin(AuditedModelAdmin):
    list_display = ["organisation", "service", "level"]
    list_filter = ["service", "level"]
    search_fields = ["organisation__name_zh", "description"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["domains"]


@admin.register(SharedFacility)
class SharedFacilityAdmin(AuditedModelAdmin):
    list_display = ["name_zh", "kind", "host", "domain", "open_to_public"]
    list_filter = ["kind", "open_to_public", "domain"]
    search_fields = ["name_zh", "name_en", "host__name_zh"]
    list_select_related = ["host", "domain"]
    autocomplete_fields = ["host"]


@admin.register(CooperationPartner)
class CooperationPartnerAdmin(AuditedModelAdmin):
    list_display = ["name_zh", "region", "country", "kind"]
    list_filter = ["region", "kind"]
    search_fields = ["name_zh", "name_en", "country"]
    filter_horizontal = ["partners_with"]
