from django.contrib import admin

from minsheng.calls.models import Call, CallRule, Problem, ProblemStep, Programme, RubricCriterion, Topic
from minsheng.core.admin import AuditedModelAdmin, ReadOnlyInline

# --- Livelihood problems (M05) ---------------------------------------------------------------------
# Triage (accept, merge, reject, topic) goes through the problem pages, which check the transition and
# write the submitter's public steps; here the state and the steps are read-only.

class ProblemStepInline(admin.TabularInline):
    model = ProblemStep
    extra = 0
    can_delete = False
    readonly_fields = ["state", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(AuditedModelAdmin):
    list_display = ["tracking_code", "title", "domain", "district", "source", "state", "created_at"]
    list_filter = ["state", "source", "domain", "district"]
    search_fields = ["tracking_code", "title", "description"]
    list_select_related = ["domain", "district"]
    readonly_fields = ["tracking_code", "state", "state_reason", "merged_into", "source", "department",
                       "submitted_by"]
    inlines = [ProblemStepInline]

    def has_add_permission(self, request):
        return False  # problems come in through the public form, which issues the tracking code

# --- end of livelihood problems ----------------------------------------------------------------------


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
