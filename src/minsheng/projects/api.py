"""The API of projects under way (M17), scoped and permitted exactly like the pages (queries.py, rules.py):
officers, finance, auditors and administrators read every project's records, an applicant its own organisation's,
anyone else is refused; outside the scope an object answers 404. Each stage of a project's execution keeps its
endpoints in its own headed block below and adds them to ROUTES.
"""

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from minsheng.core import clock
from minsheng.core.permissions import ViewPermission
from minsheng.projects import changes, queries
from minsheng.projects.models import (
    Acceptance,
    AcceptanceCheckResult,
    AcceptanceExpert,
    AcceptanceIndicator,
    ChangeRequest,
    IndicatorProgress,
    MidtermCheck,
    MilestoneProgress,
    MisusedAmount,
    ProgressReport,
    Recovery,
    RecoveryReceipt,
    Termination,
)

ROUTES: list[tuple] = []


def _project_filter(queryset, params):
    """?project=<id> narrows to one project (ignored unless a plain number a database key can hold)."""
    project = params.get("project", "")
    return queryset.filter(project_id=int(project)) if re.fullmatch(r"[0-9]{1,18}", project) else queryset


PROJECT_PARAMETER = OpenApiParameter("project", int, description="Only this project's records")


# --- Progress reports and the mid-term check ------------------------------------------------------------------
# `projects/progress-reports`: every report with its milestones' status and work done, its indicators' values
# and evidence against their targets, and the money spent by category at submission (?project=, ?state=).
# `projects/midterm-checks`: the mid-term check of each project that had one (?project=).

class MilestoneProgressSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="milestone.title", read_only=True)
    due_on = serializers.DateField(source="milestone.due_on", read_only=True)

    class Meta:
        model = MilestoneProgress
        fields = ["milestone", "title", "due_on", "status", "work_done"]
        read_only_fields = fields


class IndicatorProgressSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code", read_only=True)
    name = serializers.CharField(source="indicator.name", read_only=True)
    target = serializers.DecimalField(source="indicator.target", max_digits=16, decimal_places=2, read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)

    class Meta:
        model = IndicatorProgress
        fields = ["indicator", "code", "name", "target", "unit", "value", "evidence"]
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True)
    on_time = serializers.BooleanField(read_only=True)
    milestones = MilestoneProgressSerializer(many=True, read_only=True)
    indicators = IndicatorProgressSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "project", "project_number", "task_book", "period", "period_ends_on", "due_on", "state",
                  "on_time", "submitted_at", "decided_at", "comments", "problems", "spent", "milestones",
                  "indicators", "achievements"]
        read_only_fields = fields


class MidtermCheckSerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True)
    passed = serializers.BooleanField(read_only=True)

    class Meta:
        model = MidtermCheck
        fields = ["id", "project", "project_number", "result", "passed", "findings", "actions", "actions_due_on",
                  "reason", "recorded_at"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=[
    PROJECT_PARAMETER, OpenApiParameter("state", str, enum=ProgressReport.State.values)]))
class ProgressReportViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = "projects.view"
    serializer_class = ProgressReportSerializer
    queryset = ProgressReport.objects.none()   # for the schema; get_queryset scopes
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        reports = queries.reports_for(self.request.user).order_by("project__number", "period").prefetch_related(
            "milestones__milestone", "indicators__indicator", "achievements")
        state = self.request.query_params.get("state", "")
        if state in ProgressReport.State.values:
            reports = reports.filter(state=state)
        return _project_filter(reports, self.request.query_params)


@extend_schema_view(list=extend_schema(parameters=[PROJECT_PARAMETER]))
class MidtermCheckViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = "projects.view"
    serializer_class = MidtermCheckSerializer
    queryset = MidtermCheck.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        checks = (MidtermCheck.objects.filter(project__in=queries.projects_for(self.request.user))
                  .select_related("project").order_by("project__number"))
        return _project_filter(checks, self.request.query_params)


ROUTES += [
    ("projects/progress-reports", ProgressReportViewSet, "projects-progress-report"),
    ("projects/midterm-checks", MidtermCheckViewSet, "projects-midterm-check"),
]


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
                  "cited_achievements", "links", "applied_at", "check_comments", "checked_at", "indicators",
                  "financial", "check_results", "experts", "score", "conditions", "verdict_reason", "decided_at"]
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
                                                            "experts__expert__person", "cited_achievements")
                .order_by("-applied_at", "pk"))


ROUTES += [("projects/acceptances", AcceptanceViewSet, "projects-acceptance")]


# --- Termination and recovery of funds (终止与经费追回) ----------------------------------------------------------
# - `projects/terminations`: terminations requested, proposed and decided, with their grounds (each citing its
#   clause), reason, misused amounts, who asked, proposed and decided, and the money fixed on approval (yuan).
# - `projects/recoveries`: the money to be paid back after a termination, with its due date, the receipts recorded
#   against it (append-only), what is received and still owed, and whether it is overdue.

class ProjectsMisusedAmountSerializer(serializers.ModelSerializer):
    class Meta:
        model = MisusedAmount
        fields = ["amount", "reason"]
        read_only_fields = fields


class ProjectsTerminationSerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True)
    clause = serializers.CharField(read_only=True)
    misused = ProjectsMisusedAmountSerializer(source="misused_lines", many=True, read_only=True)
    recovery = serializers.SerializerMethodField()

    class Meta:
        model = Termination
        fields = ["id", "project", "project_number", "state", "grounds", "clause", "reason", "midterm_check",
                  "requested_by", "requested_at", "proposed_by", "proposed_at", "decided_by", "decided_at",
                  "decision_reason", "misused", "paid", "spent", "to_recover", "recovery"]
        read_only_fields = fields

    def get_recovery(self, obj) -> int | None:
        recovery = getattr(obj, "recovery", None)
        return recovery.pk if recovery is not None else None


class ProjectsRecoveryReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecoveryReceipt
        fields = ["id", "amount", "received_on", "bank_reference", "recorded_by", "recorded_at"]
        read_only_fields = fields


class ProjectsRecoverySerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True)
    receipts = ProjectsRecoveryReceiptSerializer(many=True, read_only=True)
    received = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Recovery
        fields = ["id", "termination", "project", "project_number", "amount", "due_on", "received", "outstanding",
                  "settled_on", "overdue", "recorded_by", "recorded_at", "receipts"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.overdue_on(clock.today())


@extend_schema_view(list=extend_schema(summary="Terminations of the projects you may see"),
                    retrieve=extend_schema(summary="One termination with its grounds, decision and money"))
class TerminationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = "projects.view"
    serializer_class = ProjectsTerminationSerializer
    queryset = Termination.objects.none()     # for the schema; get_queryset scopes
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (queries.terminations_for(self.request.user).prefetch_related("misused_lines")
                .select_related("recovery").order_by("-pk"))


@extend_schema_view(list=extend_schema(summary="Recoveries of funds of the projects you may see"),
                    retrieve=extend_schema(summary="One recovery of funds with its receipts"))
class RecoveryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = "projects.view"
    serializer_class = ProjectsRecoverySerializer
    queryset = Recovery.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.recoveries_for(self.request.user).order_by("due_on", "pk")


ROUTES += [
    ("projects/terminations", TerminationViewSet, "projects-termination"),
    ("projects/recoveries", RecoveryViewSet, "projects-recovery"),
]
