"""Funding plans, objections and projects in the admin: to look up, never to change. Grants, co-funding,
approvals and 立项 go through funding/services.py (four eyes, notice, audit events)."""

from django.contrib import admin

from minsheng.core.admin import ReadOnlyAdmin, ReadOnlyInline
from minsheng.funding.models import CoFunding, Confirmation, FundingPlan, Objection, PlanLine, Project, ProjectFunding


class PlanLineInline(ReadOnlyInline):
    model = PlanLine
    fields = ["rank", "application", "final_score", "requested", "grant", "cut_reason", "withdrawn"]


class ConfirmationInline(ReadOnlyInline):
    model = Confirmation


class ObjectionInline(ReadOnlyInline):
    model = Objection
    fields = ["lodged_at", "line", "contact", "state", "handled_by", "handled_at"]


@admin.register(FundingPlan)
class FundingPlanAdmin(ReadOnlyAdmin):
    list_display = ["call", "state", "proposed_by", "approved_by", "notice_starts_at", "notice_ends_at", "decided_at"]
    list_filter = ["state"]
    search_fields = ["call__code", "call__title_zh"]
    list_select_related = ["call", "proposed_by", "approved_by"]
    inlines = [PlanLineInline, ConfirmationInline, ObjectionInline]


@admin.register(CoFunding)
class CoFundingAdmin(ReadOnlyAdmin):
    list_display = ["line", "source", "provider", "amount", "recorded_by", "recorded_at"]
    list_filter = ["source"]
    search_fields = ["provider", "line__application__number"]
    list_select_related = ["line", "source", "recorded_by"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "lodged_at", "line", "contact", "state", "handled_by", "handled_at"]
    list_filter = ["state"]
    search_fields = ["contact", "text", "handling"]
    list_select_related = ["plan__call", "line", "handled_by"]


class ProjectFundingInline(ReadOnlyInline):
    model = ProjectFunding


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "organisation", "call", "grant", "state", "approved_at"]
    list_filter = ["state", "call"]
    search_fields = ["number", "title", "organisation__name_zh"]
    list_select_related = ["organisation", "call"]
    inlines = [ProjectFundingInline]
