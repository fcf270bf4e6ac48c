"""The livelihood-problem API (M05), scoped and limited exactly like the pages.

- `POST problems/public/`: anyone reports a problem and receives its tracking code (rate-limited per address,
  the same limit as the form).
- `GET problems/track/{code}/`: anyone follows a problem by its code, in public words (rate-limited per
  address, the same limit as the tracking page, so codes cannot be enumerated).
- `GET problems/`, `GET problems/{id}/`: the triage list for those who may read it (rules.py);
  outside the reader's scope a problem answers 404. Contact details are null unless the reader may see them.
  The list takes the same search (`q`), filters and `sort` as the list page.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from minsheng.core.limits import limited
from minsheng.core.listing import list_parameters, listed
from minsheng.core.permissions import ViewPermission
from minsheng.policy.models import District, Domain
from minsheng.problems import services as problems
from minsheng.problems.models import Problem
from minsheng.problems.views import SUBMIT_RATE, TRACK_RATE, tracking_context

LIMITED = _("You have sent too many requests in a short time. Please wait a few minutes and try again.")


class PublicProblemSerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="code", queryset=Domain.objects.all(), required=False,
                                          allow_null=True)
    district = serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all(), required=False,
                                            allow_null=True)
    title = serializers.CharField(min_length=4, max_length=200)
    description = serializers.CharField(min_length=10, max_length=5000)

    class Meta:
        model = Problem
        fields = ["tracking_code", *problems.PUBLIC_FIELDS]
        read_only_fields = ["tracking_code"]
        extra_kwargs = {"contact_email": {"write_only": True}, "contact_phone": {"write_only": True},
                        "contact_name": {"write_only": True}}


class StepSerializer(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class PublishedCallSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class TrackingSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(source="problem.tracking_code")
    title = serializers.CharField(source="problem.title")
    state = serializers.CharField(source="problem.state")
    current_state = serializers.CharField(help_text="The state in words; for a merged problem, that of the "
                                                    "problem it was merged with")
    steps = StepSerializer(many=True)
    followed = StepSerializer(many=True, help_text="Steps of the problem it was merged with, after the merge")
    published_calls = PublishedCallSerializer(many=True)


CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


class ProblemSerializer(serializers.ModelSerializer):
    # Each may be missing (a report without a domain or district, one not yet routed or not merged): null then.
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    merged_into = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True, allow_null=True)
    contact_name = serializers.CharField(read_only=True, allow_null=True)
    contact_phone = serializers.CharField(read_only=True, allow_null=True)
    contact_email = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Problem
        fields = ["id", "tracking_code", "title", "description", "domain", "district", "affected", "source",
                  "department", "state", "state_reason", "merged_into", *CONTACT_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("calls.view_problem_contact", instance):
            for name in CONTACT_FIELDS:
                data[name] = None
        return data


@extend_schema_view(create=extend_schema(summary="Report a livelihood problem (public; rate-limited)"))
class PublicProblemViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = PublicProblemSerializer
    queryset = Problem.objects.none()

    def create(self, request, *args, **kwargs):
        if limited(request, "problems.submit", SUBMIT_RATE):
            raise Throttled(detail=LIMITED)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            problem = problems.submit_problem(by=request.user, values=serializer.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return Response(self.get_serializer(problem).data, status=status.HTTP_201_CREATED)


@extend_schema_view(retrieve=extend_schema(summary="Follow a problem by its tracking code (public; rate-limited)"))
class TrackViewSet(viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = TrackingSerializer
    queryset = Problem.objects.none()
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_-]{1,40}"

    def retrieve(self, request, code=None):
        if limited(request, "problems.track", TRACK_RATE):
            raise Throttled(detail=LIMITED)
        try:
            problem = problems.find_by_code(code)
        except DjangoValidationError as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_404_NOT_FOUND)
        return Response(TrackingSerializer(tracking_context(problem)).data)


@extend_schema_view(list=extend_schema(summary="Livelihood problems you may read (M05)",
                                       parameters=list_parameters(problems.PROBLEMS)),
                    retrieve=extend_schema(summary="One livelihood problem"))
class ProblemViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = object_permission = "calls.view_problem"
    serializer_class = ProblemSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = problems.problems_for(self.request.user)
        if self.action == "list":
            queryset = listed(queryset, problems.PROBLEMS, self.request.query_params)
        return queryset


ROUTES = [
    ("problems/public", PublicProblemViewSet, "problem-public"),
    ("problems/track", TrackViewSet, "problem-track"),
    ("problems", ProblemViewSet, "problem"),
]
