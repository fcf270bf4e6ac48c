"""The applications API, scoped and permitted exactly like the pages (queries.py, rules.py).

An applicant lists and reads its own organisation's applications, starts one in an open call, saves a
section of a draft with the version it read (an older version answers 409 naming who changed it and when),
and submits (a repeated submit answers 200 with `already_submitted`). Programme officers and administrators
read every application, department officers those of the calls they co-own; nobody else any. Outside the
scope an application answers 404. No reviewer or officer identity is ever part of an answer.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from minsheng.applications import queries, sections, services
from minsheng.applications.models import (
    Application,
    ApplicationPartner,
    Attachment,
    BudgetLine,
    FundingLine,
    IPClaim,
    Milestone,
    RuleResult,
    TeamMember,
)
from minsheng.calls.models import Call
from minsheng.core import money
from minsheng.core.permissions import ViewPermission, allowed


def _wan(amount) -> str:
    """The amount in 万元 as one types it ("12.5"): what the API has always given beside the 元."""
    return money.wan(amount, exact=True)


class TeamSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["person", "name", "role", "task", "time_share"]


class BudgetSerializer(serializers.ModelSerializer):
    amount_wan = serializers.SerializerMethodField()

    class Meta:
        model = BudgetLine
        fields = ["category", "amount", "amount_wan", "note"]

    def get_amount_wan(self, line) -> str:
        return _wan(line.amount)


class FundingSerializer(BudgetSerializer):
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = FundingLine
        fields = ["source", "amount", "amount_wan", "provider"]


class IPClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = IPClaim
        fields = ["kind", "asset", "ip_kind", "count", "description"]


class ApplicationPartnerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="partner.name_zh", read_only=True)
    region = serializers.CharField(source="partner.region", read_only=True)

    class Meta:
        model = ApplicationPartner
        fields = ["partner", "name", "region", "contribution"]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "deliverable"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class ApplicantRuleResultSerializer(serializers.ModelSerializer):
    """A rule's verdict as the applicant sees it: no overriding officer, only whether it was overridden."""

    overridden = serializers.SerializerMethodField()

    class Meta:
        model = RuleResult
        fields = ["round", "passed", "clause_code", "explanation_zh", "explanation_en", "bonus", "overridden",
                  "evaluated_at"]

    def get_overridden(self, result) -> bool:
        return result.overridden_by_id is not None


class ApplicationListSerializer(serializers.ModelSerializer):
    call_code = serializers.CharField(source="call.code", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "number", "call", "call_code", "organisation", "organisation_name", "title", "state",
                  "version", "submitted_at", "updated_at"]
        read_only_fields = fields


class ApplicationSerializer(ApplicationListSerializer):
    team = TeamSerializer(many=True, read_only=True)
    budget_lines = BudgetSerializer(many=True, read_only=True)
    funding_lines = FundingSerializer(many=True, read_only=True)
    ip_claims = IPClaimSerializer(many=True, read_only=True)
    partners = ApplicationPartnerSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    rule_results = ApplicantRuleResultSerializer(many=True, read_only=True)
    completeness = serializers.SerializerMethodField()
    expected_revenue_wan = serializers.SerializerMethodField()

    class Meta(ApplicationListSerializer.Meta):
        fields = [*ApplicationListSerializer.Meta.fields, "topic", "lead", "domain", "focus_direction", "summary",
                  "keywords", "objectives", "technical_route", "starts_on", "ends_on", "expected_patents",
                  "expected_standards", "expected_products", "expected_sites", "expected_people_served",
                  "expected_revenue", "expected_revenue_wan", "correction_deadline", "state_reason", "team",
                  "budget_lines", "funding_lines", "ip_claims", "partners", "milestones", "attachments",
                  "rule_results", "completeness"]
        read_only_fields = fields

    def get_completeness(self, application) -> dict:
        return {p.section.key: [str(m) for m in p.missing] for p in sections.completeness(application)}

    def get_expected_revenue_wan(self, application) -> str:
        return _wan(application.expected_revenue)


class SubmitResultSerializer(ApplicationSerializer):
    already_submitted = serializers.BooleanField(read_only=True, help_text="True when this was a repeat: the "
                                                 "application had already been submitted and nothing changed.")

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "already_submitted"]
        read_only_fields = fields


class StartSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    topic = serializers.IntegerField(required=False, allow_null=True, default=None)


class SectionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; an older one is refused with 409.")
    data = serializers.DictField(help_text="Field sections: their fields. team/partners/milestones: "
                                           "{\"rows\": [...]}. budget: {\"budget\": {category: 万元}, "
                                           "\"funding\": {source code: 万元}}. ip: {\"held\": [asset ids], "
                                           "\"rows\": [...]}.")


def _errors(error: ValidationError) -> dict:
    return {"detail": " ".join(error.messages), "code": getattr(error, "code", None) or "invalid"}


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ViewPermission]
    permissions = {"create": "applications.add_application", "*": "applications.view_application"}
    object_permission = "applications.view_application"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = queries.applications_for(self.request.user).order_by("-updated_at", "-pk")
        if self.action != "list":
            queryset = queryset.prefetch_related("team__person", "budget_lines", "funding_lines__source",
                                                 "ip_claims", "partners__partner", "milestones", "attachments",
                                                 "rule_results")
        return queryset

    def get_serializer_class(self):
        return ApplicationListSerializer if self.action == "list" else ApplicationSerializer

    def _own(self, perm: str) -> Application:
        application = self.get_object()
        if not allowed(self.request.user, perm, application):
            raise PermissionDenied
        return application

    @extend_schema(summary="Start an application in an open call (applicants of a verified organisation)",
                   request=StartSerializer, responses={201: ApplicationSerializer})
    def create(self, request):
        payload = StartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call = get_object_or_404(Call.objects.filter(state=Call.State.PUBLISHED), pk=payload.validated_data["call"])
        topic = call.topics.filter(pk=payload.validated_data["topic"] or 0).first()
        try:
            application = services.start(call, by=request.user, title=payload.validated_data["title"], topic=topic)
        except ValidationError as error:
            return Response(_errors(error), status=status.HTTP_400_BAD_REQUEST)
        return Response(ApplicationSerializer(application, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Save one section of a draft", request=SectionSerializer,
                   responses={200: ApplicationSerializer, 400: OpenApiResponse(description="Invalid data"),
                              409: OpenApiResponse(description="Someone saved a newer version, or not editable")})
    @action(detail=True, methods=["put"], url_path=r"sections/(?P<section>[a-z]+)")
    def section(self, request, pk=None, section=""):
        application = self._own("applications.change_application")
        if section not in sections.BY_KEY:
            return Response({"detail": f"Unknown section {section}; one of {', '.join(sections.BY_KEY)}"},
                            status=status.HTTP_404_NOT_FOUND)
        payload = SectionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            bundle = services.save_section(application, section, sections.form_data(section,
                                                                                   payload.validated_data["data"]),
                                           version=payload.validated_data["version"], by=request.user)
        except ValidationError as error:
            return Response(_errors(error), status=status.HTTP_409_CONFLICT)
        if not bundle.is_valid():
            return Response({"detail": bundle.errors(), "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk),
                                              context={"request": request}).data)

    @extend_schema(summary="Submit (or resubmit a correction)", request=None,
                   responses={200: SubmitResultSerializer, 400: OpenApiResponse(description="Refused, with why")})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = self._own("applications.submit_application")
        try:
            first = services.submit(application, by=request.user)
        except ValidationError as error:
            return Response(_errors(error), status=status.HTTP_400_BAD_REQUEST)
        result = self.get_queryset().get(pk=application.pk)
        result.already_submitted = not first
        return Response(SubmitResultSerializer(result, context={"request": request}).data)


ROUTES = [("applications", ApplicationViewSet, "applications-application")]
