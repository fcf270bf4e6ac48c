"""The calls API (M17), read-only and scoped exactly like the pages (rules.py, queries.py).

Calls: anyone reads published and withdrawn calls with their topics, rules, rubric and timeline; programme
officers, administrators and auditors read every call; a department officer also the calls its department
co-owns (M05). Programmes: programme officers, administrators, auditors and finance. Filters: `domain` (D01…),
`when` (open, upcoming, closed) and, for those who see unpublished calls, `state`.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from minsheng.calls import guide, queries
from minsheng.calls.models import Call, CallRule, Programme, RubricCriterion, Topic
from minsheng.core.permissions import ViewPermission


def _codes(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


class CallTopicSerializer(serializers.ModelSerializer):
    problems = serializers.SerializerMethodField(help_text="Tracking codes of the livelihood problems it answers.")

    class Meta:
        model = Topic
        fields = ["id", "title", "description", "order", "problems"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_problems(self, topic) -> list[str]:
        return [problem.tracking_code for problem in topic.problems.all()]


class CallCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RubricCriterion
        fields = ["id", "name_zh", "name_en", "description", "weight", "scale_min", "scale_max", "order"]
        read_only_fields = fields


class CallRuleSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="template.code", read_only=True)
    name = serializers.CharField(source="template.name", read_only=True)
    kind = serializers.CharField(source="template.kind", read_only=True)
    clause = serializers.CharField(source="template.clause_code", read_only=True)

    class Meta:
        model = CallRule
        fields = ["code", "name", "kind", "clause", "params", "order"]
        read_only_fields = fields


class CallSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.name_zh", read_only=True)
    domains = _codes(many=True)
    focus_directions = serializers.SerializerMethodField()
    funding_mode = _codes()
    support_type = _codes()
    co_owners = _codes(many=True)
    state = serializers.CharField(read_only=True, help_text="draft, in_review, published or withdrawn")
    phase = serializers.SerializerMethodField(help_text="open, upcoming or closed, by the server's clock.")
    topics = CallTopicSerializer(many=True, read_only=True)
    criteria = CallCriterionSerializer(many=True, read_only=True)
    rules = CallRuleSerializer(many=True, read_only=True)
    rules_explained = serializers.SerializerMethodField(help_text="Each rule in plain words, with its clause.")

    class Meta:
        model = Call
        fields = ["id", "code", "title_zh", "title_en", "description", "programme", "domains", "focus_directions",
                  "funding_mode", "support_type", "budget", "max_grant", "cofunding_ratio", "allow_partial_funding",
                  "reviewers_per_proposal", "opens_at", "closes_at", "review_ends_at", "notice_at", "co_owners",
                  "state", "phase", "published_at", "topics", "criteria", "rules", "rules_explained"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_focus_directions(self, call) -> list[str]:
        return [direction.name_zh for direction in call.focus_directions.all()]

    def get_phase(self, call) -> str:
        return queries.phase(call)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_rules_explained(self, call) -> list[dict]:
        return [{"clause": line["clause"], "name": line["name"], "text": line["text"]}
                for line in guide.rule_lines(call)]


class ProgrammeSerializer(serializers.ModelSerializer):
    source = _codes()
    committed = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True,
                                         help_text="Yuan taken by its draft, in-review and published calls.")

    class Meta:
        model = Programme
        fields = ["id", "year", "source", "name_zh", "name_en", "budget", "committed", "description"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Calls you may see (published ones for everyone)", parameters=[
        OpenApiParameter("domain", OpenApiTypes.STR, description="Domain code, e.g. D01"),
        OpenApiParameter("when", OpenApiTypes.STR, enum=list(queries.PHASES)),
        OpenApiParameter("state", OpenApiTypes.STR, enum=list(Call.State.values),
                         description="Only for officers, auditors and department officers"),
    ]),
    retrieve=extend_schema(summary="One call with its topics, rules, rubric and timeline"),
)
class CallViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CallSerializer
    permission_classes = [ViewPermission]
    permission = "calls.view_call"
    object_permission = permission
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        user = self.request.user
        queryset = queries.detail_queryset(user)
        if self.action == "list":
            params = self.request.query_params
            when = params.get("when", "")
            sees_drafts = user.has_perm("calls.view_unpublished_calls")    # only they may filter to drafts
            state = params.get("state", "") if sees_drafts else ""
            queryset = queries.filter_calls(
                queryset, domain=params.get("domain", ""), when=when if when in queries.PHASES else "",
                state=state if state in Call.State.values else "")
        return queryset.order_by("-opens_at", "pk")


@extend_schema_view(list=extend_schema(summary="Programmes and their envelopes (officers)"),
                    retrieve=extend_schema(summary="One programme"))
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgrammeSerializer
    permission_classes = [ViewPermission]
    permission = "calls.view_programme"
    object_permission = permission
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.programmes_for(self.request.user).order_by("-year", "name_zh")


ROUTES = [
    ("calls", CallViewSet, "calls-call"),
    ("programmes", ProgrammeViewSet, "calls-programme"),
]
