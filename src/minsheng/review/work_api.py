"""The review work API, read-only, scoped exactly like the pages (M17).

- `review/assignments`: officers and administrators read every assignment (with the expert) — `?call=<id>`.
- `review/my-assignments`, `review/my-reviews`: an expert reads only its own; anything else answers 404.
- `review/rankings/<call id>`: officers read a call's ranking (scores, bonuses with clauses, flags).
Applicants reach none of these: no reviewer identity ever leaves through the API to them.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from minsheng.calls.models import Call
from minsheng.core.permissions import ViewPermission
from minsheng.review import queries, reviewing, work_rules  # noqa: F401
from minsheng.review.models import Assignment, Review


class AssignmentSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)
    expert_name = serializers.CharField(source="expert.person.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "application", "application_number", "expert", "expert_name", "state", "affinity", "due_at",
                  "declined_reason", "created_at", "responded_at"]
        read_only_fields = fields


class OwnAssignmentSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)
    application_title = serializers.CharField(source="application.title", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "application", "application_number", "application_title", "state", "due_at",
                  "responded_at"]
        read_only_fields = fields


class OwnReviewSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="assignment.application_id", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "application", "state", "scores", "comments", "recommendation", "updated_at", "submitted_at"]
        read_only_fields = fields


CALL_PARAM = OpenApiParameter("call", OpenApiTypes.INT, description="Only this call's assignments")


@extend_schema_view(list=extend_schema(parameters=[CALL_PARAM]))
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    permission = "review.assign"
    permission_classes = [ViewPermission]
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        queryset = Assignment.objects.select_related("application", "expert__person").order_by("pk")
        call = self.request.query_params.get("call", "")
        if call:
            queryset = queryset.filter(application__call_id=int(call)) if call.isdigit() and len(call) < 10 \
                else queryset.none()
        return queryset


class MyAssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    permission = "review.respond"
    permission_classes = [ViewPermission]
    serializer_class = OwnAssignmentSerializer
    queryset = Assignment.objects.none()   # for the schema; get_queryset scopes

    def get_queryset(self):
        visible = queries.applications_visible_to_expert(self.request.user)
        return (Assignment.objects.filter(expert__person_id=self.request.user.person_id, application__in=visible)
                .select_related("application").order_by("pk"))


class MyReviewViewSet(viewsets.ReadOnlyModelViewSet):
    permission = "review.write_review"
    permission_classes = [ViewPermission]
    serializer_class = OwnReviewSerializer
    queryset = Review.objects.none()   # for the schema; get_queryset scopes

    def get_queryset(self):
        visible = queries.applications_visible_to_expert(self.request.user)
        return (Review.objects.filter(assignment__expert__person_id=self.request.user.person_id,
                                      assignment__application__in=visible).order_by("pk"))


class RankingRowSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    number = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    tie = serializers.BooleanField()
    reviews = serializers.IntegerField()
    weighted_mean = serializers.FloatField(allow_null=True)
    normalised_mean = serializers.FloatField(allow_null=True)
    bonuses = serializers.ListField(child=serializers.DictField())
    final = serializers.FloatField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())


class RankingViewSet(viewsets.ViewSet):
    """A call's ranking: `GET /review/rankings/<call id>/`."""

    permission = "review.view_ranking"
    permission_classes = [ViewPermission]
    serializer_class = RankingRowSerializer

    @extend_schema(responses=RankingRowSerializer(many=True),
                   parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Call id")])
    def retrieve(self, request, pk=None):
        call = Call.objects.filter(pk=int(pk)).first() if str(pk).isdigit() and len(str(pk)) < 10 else None
        if call is None:
            raise Http404
        rows, _result = reviewing.ranking(call)
        data = [{"application": r.application.pk, "number": r.application.number, "rank": r.result.rank,
                 "tie": r.result.tie, "reviews": len(r.result.reviews), "weighted_mean": r.result.weighted_mean,
                 "normalised_mean": r.result.normalised_mean,
                 "bonuses": [{"clause": b.clause, "points": b.points, "reason": b.reason} for b in r.result.bonuses],
                 "final": r.result.final, "flags": r.flag_texts} for r in rows]
        return Response(RankingRowSerializer(data, many=True).data)


ROUTES = [
    ("review/assignments", AssignmentViewSet, "review-assignment"),
    ("review/my-assignments", MyAssignmentViewSet, "review-my-assignment"),
    ("review/my-reviews", MyReviewViewSet, "review-my-review"),
    ("review/rankings", RankingViewSet, "review-ranking"),
]
