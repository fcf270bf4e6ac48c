from django.contrib import admin

from minsheng.calls.models import Call, CallRule, Programme, RubricCriterion, Topic
from minsheng.core.admin import AuditedModelAdmin, ReadOnlyInline


# --- Programmes and calls (M17) -------------------------------------------------------------------
@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    list_display = ["year", "name_zh", "source", "budget"]
    list_filter = ["year", "source"]
    search_fields = ["name_zh", "name_en"]


class TopicInline(ReadOnlyInline):
    model = Topic
    fields = ["order", "title", "description"]


class CriterionInline(ReadOnlyInline):
    model = RubricCriterion
    fields = ["order", "name_zh", "weight", "scale_min", "scale_max"]


class RuleInline(ReadOnlyInline):
    model = CallRule
    fields = ["order", "template", "params"]


@admin.register(Call)
class CallAdmin(AuditedModelAdmin):
    """Read-mostly: calls are drafted, approved and published on the calls pages, which keep the four eyes."""

    list_display = ["code", "title_zh", "programme", "state", "opens_at", "closes_at"]
    list_filter = ["state", "programme", "domains"]
    search_fields = ["code", "title_zh", "title_en"]
    readonly_fields = ["state", "drafted_by", "approved_by", "published_at", "code"]
    inlines = [TopicInline, CriterionInline, RuleInline]
