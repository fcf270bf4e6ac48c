"""The formal check's API: decisions (officers create; officers, auditors, administrators and the co-owning
department's officers read) and rule results (read), scoped exactly like the pages: an application outside the
user's scope answers 404 on read and "does not exist" on create. A decision that lost a race answers 409."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from minsheng.applications.models import RuleResult
from minsheng.checks import (
    queries,
    rules,  # noqa: F401  (rules registers the permissions)
    services,
)
from minsheng.checks.models import CheckDecision
from minsheng.core.permissions import ViewPermission
from minsheng.core.workflow import TransitionRefused

VIEW, DECIDE = "applications.view_formal_check", "applications.decide_formal_check"


class RuleResultSerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.template.code", read_only=True)
    overridden = serializers.SerializerMethodField()

    class Meta:
        model = RuleResult
        fields = ["id", "application", "rule", "rule_code", "round", "passed", "clause_code", "explanation_zh",
                  "explanation_en", "bonus", "evaluated_at", "overridden", "override_reason"]
        read_only_fields = fields

    def get_overridden(self, obj) -> bool:
        return obj.overridden_by_id is not None


class DecisionSerializer(serializers.ModelSerializer):
    overrides = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=2000),
                                      write_only=True, required=False,
                                      help_text="Rule result id -> written reason, for each failed rule when passing")
    decided_by = serializers.CharField(source="decided_by.display_name", read_only=True)

    class Meta:
        model = CheckDecision
        fields = ["id", "application", "decision", "reason", "deadline", "decided_by", "decided_at", "overrides"]
        read_only_fields = ["id", "decided_by", "decided_at"]
        extra_kwargs = {"reason": {"required": False, "max_length": 2000}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["application"].queryset = queries.applications_for(request.user)

    def validate_overrides(self, value):
        try:
            return {int(k): v for k, v in value.items()}
        except ValueError as exc:
            raise serializers.ValidationError("Keys are rule result ids.") from exc


def _filtered(queryset, params, fields):
    for name in fields:
        value = params.get(name, "")
        if value.isdigit():
            queryset = queryset.filter(**{fields[name]: int(value)})
    return queryset


@extend_schema_view(list=extend_schema(summary="Formal-check decisions you may see (filters: application, call)"),
                    retrieve=extend_schema(summary="One formal-check decision"),
                    create=extend_schema(summary="Pass, return for correction (reason, deadline) or reject (reason)"))
class DecisionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permissions = {"create": DECIDE, "*": VIEW}
    serializer_class = DecisionSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = (CheckDecision.objects.filter(application__in=queries.applications_for(self.request.user))
                    .select_related("decided_by").order_by("-decided_at", "-pk"))
        return _filtered(queryset, self.request.query_params, {"application": "application_id",
                                                                "call": "application__call_id"})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            record = services.decide(data["application"], by=request.user, decision=data["decision"],
                                     reason=data.get("reason", ""), deadline=data.get("deadline"),
                                     overrides=data.get("overrides"))
        except TransitionRefused as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        except services.ValidationError as exc:
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="Rule results you may see (filters: application, call, round)"),
                    retrieve=extend_schema(summary="One rule result with its explanation and clause"))
class RuleResultViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permissions = {"create": DECIDE, "*": VIEW}
    serializer_class = RuleResultSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = (RuleResult.objects.filter(application__in=queries.applications_for(self.request.user))
                    .select_related("rule__template").order_by("application_id", "-round", "rule__order", "pk"))
        return _filtered(queryset, self.request.query_params, {"application": "application_id",
                                                                "call": "application__call_id", "round": "round"})


ROUTES = [
    ("checks/decisions", DecisionViewSet, "checks-decision"),
    ("checks/rule-results", RuleResultViewSet, "checks-rule-result"),
]
