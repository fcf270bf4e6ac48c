from django.contrib import admin

from minsheng.core.admin import AuditedModelAdmin
from minsheng.problems.models import Problem, ProblemStep

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
