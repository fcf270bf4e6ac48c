"""The API of projects under way (M17), scoped and permitted exactly like the pages (queries.py, rules.py).
Each part keeps its own block below and adds its viewsets to ROUTES."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from minsheng.core.permissions import ViewPermission
from minsheng.projects import changes, queries
from minsheng.projects.models import (
    Acceptance,
    AcceptanceCheckResult,
    AcceptanceExpert,
    AcceptanceIndicator,
    ChangeRequest,
)

ROUTES = []


# --- Change requests (项目变更) --------------------------------------------------------------------------------
# `projects/changes`: read the change requests of the projects one may see (an applicant its own organisation's,
# officers, finance, auditors and administrators every one; 404 outside), with the proposed change, who asked and
# who decided, the rejection's reason and the task-book version an approval started.

class ChangeRequestSerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    description = serializers.SerializerMethodField()
    from_version = serializers.IntegerField(source="task_book.number", read_only=True)
    new_version = serializers.IntegerField(source="result_book.number", read_only=True, allow_null=True)

    class Meta:
        model = ChangeRequest
        fields = ["id", "project", "project_number", "kind", "kind_label", "proposal", "description", "reason",
                  "clause", "needs_second", "state", "state_label", "requested_by", "requested_at", "endorsed_by",
                  "endorsed_at", "decided_by", "decided_at", "comments", "from_version", "new_version"]
        read_only_fields = fields

    def get_description(self, change) -> str:
        return changes.describe(change)


class ChangeRequestViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = "projects.view"
    serializer_class = ChangeRequestSerializer
    queryset = ChangeRequest.objects.none()   # for the schema; get_queryset scopes
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.changes_for(self.request.user).order_by("-requested_at", "-pk")


ROUTES += [("projects/changes", ChangeRequestViewSet, "projects-change")]
# --- Acceptance (验收) ---------------------------------------------------------------------------------
# `projects/acceptances/`: the acceptances the user may open (officers, finance, auditors, administrators: all;
# applicants: their organisation's; experts: those whose panel they sit on; others 403), each with promised
# against delivered per indicator, the financial report, the formal check's results of the latest filing, the
# panel's scores and the verdict with its performance score. Read only: the writes are the pages' forms.


class AcceptanceIndicatorSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code", read_only=True)
    name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    met = serializers.BooleanField(read_only=True)
    rate = serializers.IntegerField(read_only=True, help_text="Completion rate in percent")

    class Meta:
        model = AcceptanceIndicator
        fields = ["code", "name", "unit", "promised", "delivered", "evidence", "met", "rate"]
        read_only_fields = fields


class AcceptanceCheckResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcceptanceCheckResult
        fields = ["round", "code", "clause_code", "passed", "explanation_zh", "explanation_en"]
        read_only_fields = fields


class AcceptanceExpertSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="expert.person.name", read_only=True)
    scores = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = AcceptanceExpert
        fields = ["name", "scores", "scored_at"]
        read_only_fields = fields


class AcceptanceFinancialSerializer(serializers.Serializer):
    grant = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    unspent = serializers.DecimalField(max_digits=14, decimal_places=2)
    budget = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2))
    spent = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2))


class AcceptanceSerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True)
    indicators = AcceptanceIndicatorSerializer(many=True, read_only=True)
    financial = AcceptanceFinancialSerializer(read_only=True)
    check_results = serializers.SerializerMethodField()
    experts = AcceptanceExpertSerializer(many=True, read_only=True)

    class Meta:
        model = Acceptance
        fields = ["id", "project", "project_number", "state", "round", "summary", "achievements", "ip_produced",
                  "links", "applied_at", "check_comments", "checked_at", "indicators", "financial",
                  "check_results", "experts", "score", "conditions", "verdict_reason", "decided_at"]
        read_only_fields = fields

    @extend_schema(responses=AcceptanceCheckResultSerializer(many=True))
    def get_check_results(self, obj) -> list[dict]:
        rows = [r for r in obj.check_results.all() if r.round == obj.round]
        return AcceptanceCheckResultSerializer(rows, many=True).data


@extend_schema_view(list=extend_schema(summary="Acceptances you may open (验收), with the verdict"),
                    retrieve=extend_schema(summary="One acceptance: indicators, money, check, panel, verdict"))
class AcceptanceViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = "projects.view_acceptance"
    object_permission = "projects.view_acceptance"
    serializer_class = AcceptanceSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (Acceptance.objects.filter(project__in=queries.acceptance_projects_for(self.request.user))
                .select_related("project").prefetch_related("indicators__indicator", "check_results",
                                                            "experts__expert__person")
                .order_by("-applied_at", "pk"))


ROUTES += [("projects/acceptances", AcceptanceViewSet, "projects-acceptance")]
