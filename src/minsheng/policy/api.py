"""The policy catalogue as a public, read-only API: clauses and the reference data that cites them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from minsheng.policy import queries
from minsheng.policy.models import (
    Clause,
    Department,
    District,
    Domain,
    FocusDirection,
    FundingMode,
    FundingSource,
    SupportType,
)


class ClauseSerializer(serializers.ModelSerializer):
    version = serializers.CharField(source="version.code", read_only=True)
    part_label = serializers.CharField(source="get_part_display", read_only=True)

    class Meta:
        model = Clause
        fields = ["code", "number", "part", "part_label", "version", "title_zh", "title_en", "text_zh", "asks_en",
                  "platform_zh", "platform_en"]


class FocusDirectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusDirection
        fields = ["name_zh", "name_en", "order"]


class DomainSerializer(serializers.ModelSerializer):
    lead_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    focus_directions = FocusDirectionSerializer(many=True, read_only=True)

    class Meta:
        model = Domain
        fields = ["code", "name_zh", "name_en", "clause_code", "lead_department", "focus_directions"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name_zh", "name_en", "is_coordinator", "order"]


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name_zh", "name_en", "division_code", "note_zh", "note_en", "order"]


class FundingModeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingMode
        fields = ["code", "name_zh", "name_en", "clause_code", "order"]


class SupportTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportType
        fields = ["code", "name_zh", "name_en", "clause_code", "order"]


class FundingSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingSource
        fields = ["code", "name_zh", "name_en", "is_government", "clause_code", "order"]


@extend_schema(tags=["policy"])
class PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    """The catalogue is public: anyone may read it, nobody may write it through the API (admin does)."""

    permission_classes = [AllowAny]
    lookup_field = "code"


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("part", OpenApiTypes.STR, enum=Clause.Part.values,
                     description="Only the clauses of one part of the notice (I, II or III)."),
]))
class ClauseViewSet(PublicReadOnly):
    """The clauses M01–M24 of the policy version in force."""

    serializer_class = ClauseSerializer
    lookup_value_regex = r"M\d{2}"

    def get_queryset(self):
        clauses = queries.clauses()
        part = self.request.query_params.get("part") if self.action == "list" else None
        if part:
            clauses = clauses.filter(part=part)
        return clauses


class DomainViewSet(PublicReadOnly):
    """The livelihood domains D01–D10 with their focus directions and lead department."""

    serializer_class = DomainSerializer

    def get_queryset(self):
        return queries.domains()


class DepartmentViewSet(PublicReadOnly):
    """The S&T department (coordinator) and its partner departments (M05)."""

    serializer_class = DepartmentSerializer

    def get_queryset(self):
        return Department.objects.all()


class DistrictViewSet(PublicReadOnly):
    """The city's districts with their administrative division codes."""

    serializer_class = DistrictSerializer

    def get_queryset(self):
        return queries.districts()


class FundingModeViewSet(PublicReadOnly):
    """What the livelihood S&T plan funds (M17; infrastructure M01)."""

    serializer_class = FundingModeSerializer

    def get_queryset(self):
        return queries.funding_modes()


class SupportTypeViewSet(PublicReadOnly):
    """Stable support and competitive merit selection (M17)."""

    serializer_class = SupportTypeSerializer

    def get_queryset(self):
        return queries.support_types()


class FundingSourceViewSet(PublicReadOnly):
    """Where a project's money comes from; government sources are the leverage ratio's denominator (M20)."""

    serializer_class = FundingSourceSerializer

    def get_queryset(self):
        return queries.funding_sources()


ROUTES = [
    ("clauses", ClauseViewSet, "clause"),
    ("domains", DomainViewSet, "domain"),
    ("departments", DepartmentViewSet, "department"),
    ("districts", DistrictViewSet, "district"),
    ("funding-modes", FundingModeViewSet, "funding-mode"),
    ("support-types", SupportTypeViewSet, "support-type"),
    ("funding-sources", FundingSourceViewSet, "funding-source"),
]
