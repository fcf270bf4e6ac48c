"""The API of projects under way (M17), scoped and permitted exactly like the pages (queries.py, rules.py):
officers, finance, auditors and administrators read every project's records, an applicant its own organisation's,
anyone else is refused; outside the scope an object answers 404. Each stage of a project's execution keeps its
endpoints in its own headed block below and adds them to ROUTES.
"""

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from minsheng.core.permissions import ViewPermission
from minsheng.projects import queries
from minsheng.projects.models import IndicatorProgress, MidtermCheck, MilestoneProgress, ProgressReport

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
                  "indicators"]
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
            "milestones__milestone", "indicators__indicator")
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
