"""The projects-under-way API (M17), scoped exactly like the pages (queries.projects_for): an applicant reads its own
organisation's projects, officers, finance, auditors and administrators every one; outside the scope, 404.

Other sections of this module serve other parts of the projects app; each keeps its own block and adds its routes
to ROUTES.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from minsheng.core import clock
from minsheng.core.permissions import ViewPermission
from minsheng.projects import queries
from minsheng.projects.models import MisusedAmount, Recovery, RecoveryReceipt, Termination

ROUTES = []


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
