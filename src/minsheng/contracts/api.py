"""The task book and disbursement API, scoped and permitted exactly like the pages (queries.py, rules.py).

- `contracts/task-books`: read the versions of the projects one may see (an applicant its own organisation's,
  officers, finance, auditors and administrators every one); `.../pdf/` downloads a signed version's PDF.
- `contracts/disbursements`: read the tranches; finance approves a requested one with `.../approve/` (never
  one it requested itself: 403; over the grant or no longer requested: 409), or returns it to the officer with
  `.../return/` and a reason (no reason or no longer requested: 409).
- `contracts/expenditures`: read the money spent by budget category, reversals included (negative amounts).
Outside the scope an object answers 404. Approve and return take an optional `Idempotency-Key` header (16–128
letters, digits, `.`, `_`, `:`, `-`): the same call sent again with the same key answers with the tranche as it is
now and `Idempotent-Replayed: true` instead of acting twice; the key sent with another body or to another action
answers 422 (core/once.py, the store the pages' one-time tokens use).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from minsheng.contracts import queries, services
from minsheng.contracts.models import (
    Expenditure,
    TaskBook,
    TaskBookBudgetLine,
    TaskBookFundingLine,
    TaskBookIndicator,
    TaskBookMilestone,
    Tranche,
)
from minsheng.core import once
from minsheng.core.money import wan
from minsheng.core.permissions import ViewPermission

PERMISSIONS = {"approve": "contracts.approve_tranche", "send_back": "contracts.return_tranche",
               "*": "contracts.view_project"}


class TaskBookIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskBookIndicator
        fields = ["code", "name", "target", "unit"]


class TaskBookMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskBookMilestone
        fields = ["title", "due_on", "deliverable"]


class TaskBookBudgetSerializer(serializers.ModelSerializer):
    amount_wan = serializers.SerializerMethodField()

    class Meta:
        model = TaskBookBudgetLine
        fields = ["category", "requested", "amount", "amount_wan"]

    def get_amount_wan(self, line) -> str:
        return wan(line.amount, exact=True)


class TaskBookFundingSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = TaskBookFundingLine
        fields = ["source", "provider", "amount"]


class TaskBookSerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True)
    organisation_name = serializers.CharField(source="project.organisation.name_zh", read_only=True)
    indicators = TaskBookIndicatorSerializer(many=True, read_only=True)
    milestones = TaskBookMilestoneSerializer(many=True, read_only=True)
    budget_lines = TaskBookBudgetSerializer(many=True, read_only=True)
    funding_lines = TaskBookFundingSerializer(many=True, read_only=True)
    has_pdf = serializers.SerializerMethodField()

    class Meta:
        model = TaskBook
        fields = ["id", "project", "project_number", "organisation_name", "number", "state", "revision",
                  "change_reason", "title", "objectives", "technical_route", "starts_on", "ends_on", "grant", "team",
                  "ip_claims", "ip_clause", "data_clause", "split", "issued_at", "confirmed_at", "signed_at",
                  "pdf_sha256", "has_pdf", "indicators", "milestones", "budget_lines", "funding_lines"]
        read_only_fields = fields

    def get_has_pdf(self, book) -> bool:
        return bool(book.pdf_sha256)


class DisbursementSerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True)

    class Meta:
        model = Tranche
        fields = ["id", "project", "project_number", "task_book", "order", "condition", "percent", "amount", "state",
                  "requested_at", "request_note", "approved_at", "paid_on", "bank_reference", "returned_at",
                  "return_reason"]
        read_only_fields = fields


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class ExpenditureSerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True)
    amount_wan = serializers.SerializerMethodField()

    class Meta:
        model = Expenditure
        fields = ["id", "project", "project_number", "category", "amount", "amount_wan", "spent_on", "description",
                  "voucher", "reverses", "recorded_at"]
        read_only_fields = fields

    def get_amount_wan(self, expenditure) -> str:
        return wan(expenditure.amount, exact=True)     # a reversal is negative: "-1.25"


def _error(error) -> dict:
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    return {"detail": " ".join(messages), "code": getattr(error, "code", None) or "refused"}


IDEMPOTENCY_KEY = OpenApiParameter(
    once.HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False, pattern=once.KEY_PATTERN,
    description="Optional. The same call sent again with the same key (a retry after a lost answer) is not acted "
                "on twice: it answers with the tranche as it is now and the header Idempotent-Replayed: true.")
RECORDED_ONCE = {
    400: OpenApiResponse(description="The Idempotency-Key header is malformed"),
    422: OpenApiResponse(description="The Idempotency-Key was already used with another body or action"),
}


class TaskBookViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permissions = PERMISSIONS
    serializer_class = TaskBookSerializer
    queryset = TaskBook.objects.none()   # for the schema; get_queryset scopes
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (queries.task_books_for(self.request.user).defer("pdf").order_by("project__number", "number")
                .prefetch_related("indicators", "milestones", "budget_lines", "funding_lines__source"))

    @extend_schema(summary="The signed PDF of a task book version", responses={
        (200, "application/pdf"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="Not signed, or unknown")})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        book = self.get_object()
        content = TaskBook.objects.filter(pk=book.pk).values_list("pdf", flat=True).first()
        if not content:
            raise Http404
        response = HttpResponse(bytes(content), content_type="application/pdf")
        response["Content-Disposition"] = (f'attachment; filename="task-book-{book.project.number}-'
                                           f'v{book.number}.pdf"')
        return response


class DisbursementViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permissions = PERMISSIONS
    serializer_class = DisbursementSerializer
    queryset = Tranche.objects.none()   # for the schema; get_queryset scopes
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.tranches_for(self.request.user).order_by("project__number", "order")

    @extend_schema(summary="Approve a requested tranche (finance; never one you requested)", request=None,
                   parameters=[IDEMPOTENCY_KEY],
                   responses={200: DisbursementSerializer, 403: OpenApiResponse(description="You requested it"),
                              409: OpenApiResponse(description="Over the grant, or no longer requested"),
                              **RECORDED_ONCE})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        tranche = self.get_object()
        return self._once(request, tranche, "contracts.tranche.approve",
                          lambda: services.approve_tranche(tranche, by=request.user))

    def _once(self, request, tranche, action: str, write):
        """Run one step on the tranche, once per Idempotency-Key when the client sent one, and answer with the
        tranche as it is now."""
        headers = {}
        try:
            once.record(request, key=once.header_key(request), action=action, write=write, values=request.data)
        except once.AlreadyRecorded:
            headers["Idempotent-Replayed"] = "true"
        except once.TokenReused as error:
            return Response(_error(error), status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        except DjangoPermissionDenied as error:
            return Response(_error(error), status=status.HTTP_403_FORBIDDEN)
        except ValidationError as error:
            malformed = getattr(error, "code", None) == "idempotency_key"
            status_code = status.HTTP_400_BAD_REQUEST if malformed else status.HTTP_409_CONFLICT
            return Response(_error(error), status=status_code)
        return Response(DisbursementSerializer(self.get_queryset().get(pk=tranche.pk)).data, headers=headers)

    @extend_schema(summary="Return a requested tranche to the programme officer, with the reason (finance)",
                   request=ReturnSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={200: DisbursementSerializer,
                              409: OpenApiResponse(description="No reason given, or no longer requested"),
                              **RECORDED_ONCE})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request, pk=None):
        tranche = self.get_object()
        payload = ReturnSerializer(data=request.data)
        reason = payload.validated_data["reason"] if payload.is_valid() else ""
        return self._once(request, tranche, "contracts.tranche.return",
                          lambda: services.return_tranche(tranche, by=request.user, reason=reason))


class ExpenditureViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permissions = PERMISSIONS
    serializer_class = ExpenditureSerializer
    queryset = Expenditure.objects.none()   # for the schema; get_queryset scopes
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.expenditures_for(self.request.user).order_by("project__number", "spent_on", "pk")


ROUTES = [("contracts/task-books", TaskBookViewSet, "contracts-task-book"),
          ("contracts/disbursements", DisbursementViewSet, "contracts-disbursement"),
          ("contracts/expenditures", ExpenditureViewSet, "contracts-expenditure")]
