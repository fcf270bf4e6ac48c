from django.contrib import admin

from minsheng.core.admin import AuditedModelAdmin
from minsheng.review.models import (
    Assignment,
    AvoidanceRequest,
    ConflictDeclaration,
    ExpertProfile,
    Panel,
)


@admin.register(ExpertProfile)
class ExpertProfileAdmin(AuditedModelAdmin):
    list_display = ["person", "state", "willingness", "max_load", "updated_at"]
    list_filter = ["state", "willingness", "domains"]
    search_fields = ["person__name", "keywords", "description", "person__organisation__name_zh"]
    list_select_related = ["person"]
    autocomplete_fields = ["person"]
    filter_horizontal = ["domains", "focus_directions"]
    # Approval and suspension go through the pool's pages, which check the transition and record the reason.
    readonly_fields = ["state", "state_reason", "invited_by"]


@admin.register(AvoidanceRequest)
class AvoidanceRequestAdmin(AuditedModelAdmin):
    list_display = ["application", "person", "created_at"]
    search_fields = ["application__number", "person__name"]
    raw_id_fields = ["application", "person", "requested_by"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(AuditedModelAdmin):
    list_display = ["expert", "organisation", "application", "created_at"]
    raw_id_fields = ["expert", "organisation", "application"]


@admin.register(Assignment)
class AssignmentAdmin(AuditedModelAdmin):
    list_display = ["application", "expert", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["application", "expert"]


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    """Read-only: a panel changes only through its pages, which check the state and write the audit trail."""

    list_display = ["call", "state", "convened_at", "frozen_at"]
    list_filter = ["state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
