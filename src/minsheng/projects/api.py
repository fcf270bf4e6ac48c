"""The API of projects under way (M17), scoped and permitted exactly like the pages (queries.py, rules.py).
Each part keeps its own block below and adds its viewsets to ROUTES."""

from rest_framework import serializers, viewsets

from minsheng.core.permissions import ViewPermission
from minsheng.projects import changes, queries
from minsheng.projects.models import ChangeRequest

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
