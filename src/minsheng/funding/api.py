"""The funding API (M17, M20), scoped exactly like the pages.

- `funding/plans/`: officers and everyone in government read plans with their lines, co-funding and leverage;
  `POST funding/plans/{id}/approve/` approves a proposed plan (never the proposer's own: 400; a lost race: 409).
- `funding/notices/`: anyone reads the plans in public notice (only the fields on the public list).
- `funding/objections/`: anyone lodges an objection to a notice (contact required; rate-limited per address);
  government users read them.
- `funding/projects/`: approved projects (government: all; applicants: their organisation's; others 404).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from minsheng.core.permissions import ViewPermission
from minsheng.core.workflow import TransitionRefused
from minsheng.funding import queries, services
from minsheng.funding.models import CoFunding, FundingPlan, Objection, PlanLine, Project, ProjectFunding
from minsheng.funding.notice_views import OBJECTION_RATE
from minsheng.problems.views import limited

LIMITED = _("Too many objections from this address in a short time. Please wait and try again.")


class FundingCoFundingSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.code", read_only=True)

    class Meta:
        model = CoFunding
        fields = ["id", "source", "provider", "amount", "recorded_at"]
        read_only_fields = fields


class FundingPlanLineSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)
    title = serializers.CharField(source="application.title", read_only=True)
    organisation = serializers.CharField(source="application.organisation.name_zh", read_only=True)
    cofunding = FundingCoFundingSerializer(many=True, read_only=True)
    funded = serializers.BooleanField(read_only=True)

    class Meta:
        model = PlanLine
        fields = ["id", "rank", "application", "application_number", "title", "organisation", "final_score",
                  "requested", "grant", "cut_reason", "withdrawn", "withdrawn_reason", "funded", "cofunding"]
        read_only_fields = fields


class FundingPlanSerializer(serializers.ModelSerializer):
    call_code = serializers.CharField(source="call.code", read_only=True)
    allow_partial = serializers.BooleanField(source="call.allow_partial_funding", read_only=True)
    lines = FundingPlanLineSerializer(many=True, read_only=True)
    total = serializers.SerializerMethodField()
    leverage = serializers.SerializerMethodField()

    class Meta:
        model = FundingPlan
        fields = ["id", "call", "call_code", "state", "allow_partial", "notice_days", "proposed_by", "proposed_at",
                  "approved_by", "approved_at", "approval_reason", "notice_starts_at", "notice_ends_at",
                  "decided_at", "total", "leverage", "lines"]
        read_only_fields = fields

    def get_total(self, obj) -> str:
        return str(services.funded_total(list(obj.lines.all())))

    def get_leverage(self, obj) -> str | None:
        ratio = queries.plan_view(obj).money.ratio
        return None if ratio is None else str(ratio)


class FundingApprovalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class FundingNoticeLineSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="application.title", read_only=True)
    organisation = serializers.CharField(source="application.organisation.name_zh", read_only=True)
    lead = serializers.SerializerMethodField()

    class Meta:
        model = PlanLine
        fields = ["id", "title", "organisation", "lead", "grant"]
        read_only_fields = fields

    def get_lead(self, obj) -> str:
        return obj.application.lead.name if obj.application.lead else ""


class FundingNoticeSerializer(serializers.ModelSerializer):
    call_code = serializers.CharField(source="call.code", read_only=True)
    call_title = serializers.CharField(source="call.title_zh", read_only=True)
    projects = serializers.SerializerMethodField()
    open = serializers.SerializerMethodField()

    class Meta:
        model = FundingPlan
        fields = ["id", "call_code", "call_title", "notice_starts_at", "notice_ends_at", "open", "projects"]
        read_only_fields = fields

    def get_projects(self, obj) -> list[dict]:
        return FundingNoticeLineSerializer(queries.public_lines(obj), many=True).data

    def get_open(self, obj) -> bool:
        return services.notice_open(obj)


class FundingObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "plan", "line", "name", "contact", "text", "lodged_at", "state", "handling", "handled_at"]
        read_only_fields = ["id", "lodged_at", "state", "handling", "handled_at"]
        extra_kwargs = {"contact": {"max_length": 200}, "text": {"max_length": 2000},
                        "name": {"max_length": 100, "required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = queries.public_plans()
        self.fields["line"].queryset = PlanLine.objects.filter(plan__in=queries.public_plans())


class FundingPublicObjectionSerializer(FundingObjectionSerializer):
    """What the person who objected gets back: the objection, not the officers' handling."""

    class Meta(FundingObjectionSerializer.Meta):
        fields = ["id", "plan", "line", "name", "contact", "text", "lodged_at", "state"]
        read_only_fields = ["id", "lodged_at", "state"]


class FundingProjectLineSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.code", read_only=True)
    is_government = serializers.BooleanField(source="source.is_government", read_only=True)

    class Meta:
        model = ProjectFunding
        fields = ["source", "is_government", "provider", "amount"]
        read_only_fields = fields


class FundingProjectSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    funding_lines = FundingProjectLineSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = ["id", "number", "title", "call", "application", "organisation", "organisation_name", "lead",
                  "grant", "state", "approved_at", "funding_lines"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(summary="Funding plans with lines, co-funding and leverage (government)"),
                    retrieve=extend_schema(summary="One funding plan"))
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permissions = {"approve": "funding.approve_plan", "*": "funding.view_plan"}
    serializer_class = FundingPlanSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.plans_for(self.request.user).prefetch_related(
            "lines__application__organisation", "lines__cofunding__source").order_by("-created_at", "pk")

    @extend_schema(request=FundingApprovalSerializer, responses=FundingPlanSerializer,
                   summary="Approve a proposed plan and publish it for public notice (another officer than the "
                           "proposer)")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        body = FundingApprovalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.approve(plan, by=request.user, reason=body.validated_data["reason"])
        except TransitionRefused as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)


@extend_schema_view(list=extend_schema(summary="Funding plans in public notice (public)"),
                    retrieve=extend_schema(summary="One public notice with its funded projects (public)"))
class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = FundingNoticeSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.public_plans()


@extend_schema_view(list=extend_schema(summary="Objections to public notices (government)"),
                    retrieve=extend_schema(summary="One objection and how it was handled (government)"),
                    create=extend_schema(summary="Lodge an objection during a public notice (public; rate-limited)",
                                         request=FundingPublicObjectionSerializer,
                                         responses={201: FundingPublicObjectionSerializer}))
class ObjectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permissions = {"create": None, "*": "funding.view_plan"}   # anyone objects; government reads
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return FundingPublicObjectionSerializer if self.action == "create" else FundingObjectionSerializer

    def get_queryset(self):
        if not self.request.user.has_perm("funding.view_plan"):
            return Objection.objects.none()
        return Objection.objects.filter(plan__in=queries.plans_for(self.request.user)).order_by("-lodged_at", "pk")

    def create(self, request, *args, **kwargs):
        if limited(request, "funding.objection", OBJECTION_RATE):
            raise Throttled(detail=LIMITED)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            objection = services.lodge_objection(data["plan"], contact=data["contact"], text=data["text"],
                                                 name=data.get("name", ""), line=data.get("line"))
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from exc
        return Response(FundingPublicObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="Approved projects you may see (applicants: their organisation's)"),
                    retrieve=extend_schema(summary="One project with its funding by source"))
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = "funding.view_project"
    serializer_class = FundingProjectSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.projects_for(self.request.user).prefetch_related("funding_lines__source").order_by(
            "-approved_at", "number")


ROUTES = [
    ("funding/plans", PlanViewSet, "funding-plan"),
    ("funding/notices", NoticeViewSet, "funding-notice"),
    ("funding/objections", ObjectionViewSet, "funding-objection"),
    ("funding/projects", ProjectViewSet, "funding-project"),
]
