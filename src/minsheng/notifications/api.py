"""The requester's own notifications, read-only, newest first, with one write: mark one read.

`/api/v1/notifications/`: the list (`?kind=`, `?unread=yes|no`, as the page filters) and each one;
another person's notification answers 404 and is left unread. `POST /api/v1/notifications/<id>/read/`
marks one read (answering it as it now is).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from minsheng.core.listing import list_parameters, listed
from minsheng.core.permissions import ViewPermission
from minsheng.notifications import queries, rules, services  # noqa: F401  (rules registers the permissions)
from minsheng.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "subject", "body", "url", "clause", "created_at", "read", "read_at"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=list_parameters(queries.LISTING)))
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    permission = "notifications.view_own"
    permission_classes = [ViewPermission]
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()   # for the schema; get_queryset scopes

    def get_queryset(self):
        mine = queries.mine(self.request.user)
        if self.action == "list":
            return listed(mine, queries.LISTING, self.request.query_params)
        return mine

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.mark_read(notification, by=request.user)
        return Response(self.get_serializer(notification).data)


ROUTES = [("notifications", NotificationViewSet, "notifications-notification")]
