"""Applications in the admin: to look up, never to change. Content belongs to the applicant organisation and
changes through its pages (sections.py, services.py); states change only through core.workflow.move."""

from django.contrib import admin

from minsheng.applications.models import Application, Attachment, BudgetLine, FundingLine, TeamMember
from minsheng.core.admin import AuditedModelAdmin, ReadOnlyInline


class TeamInline(ReadOnlyInline):
    model = TeamMember


class BudgetInline(ReadOnlyInline):
    model = BudgetLine


class FundingInline(ReadOnlyInline):
    model = FundingLine


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(AuditedModelAdmin):
    list_display = ["number", "title", "organisation", "call", "state", "submitted_at", "updated_at"]
    list_filter = ["state", "call"]
    search_fields = ["number", "title", "organisation__name_zh"]
    list_select_related = ["organisation", "call"]
    inlines = [TeamInline, BudgetInline, FundingInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
