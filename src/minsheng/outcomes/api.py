"""The IP register's read API (M19), scoped and permitted like its pages: government roles read every asset,
an applicant its own organisation's; anything else answers 404 (403 for roles with no list). The list takes the
same search (`q`), filters and `sort` as the list page."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from minsheng.core.listing import list_parameters, listed
from minsheng.core.permissions import ViewPermission
from minsheng.outcomes import queries
from minsheng.outcomes.models import IPAsset


class IPAssetSerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    owner_name = serializers.CharField(source="owner.name_zh", read_only=True)
    owner_credit_code = serializers.CharField(source="owner.credit_code", read_only=True)

    class Meta:
        model = IPAsset
        fields = ["id", "kind", "number", "title", "owner", "owner_name", "owner_credit_code", "domain", "status",
                  "filed_on", "granted_on", "expires_on", "next_fee_due", "updated_at"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(summary="IP assets you may see (M19)",
                                       parameters=list_parameters(queries.IP_ASSETS)),
                    retrieve=extend_schema(summary="One IP asset"))
class IPAssetViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = object_permission = "outcomes.view_ipasset"
    serializer_class = IPAssetSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = queries.ip_assets_for(self.request.user)
        if self.action == "list":
            queryset = listed(queryset, queries.IP_ASSETS, self.request.query_params)
        return queryset


ROUTES = [("ip/assets", IPAssetViewSet, "ip-asset")]
