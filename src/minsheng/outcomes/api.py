"""The IP register's and the achievements' read API (M19, M18), scoped and permitted like their pages: government
roles read every asset and achievement, an applicant its own organisation's; anything else answers 404 (403 for
roles with no list). The lists take the same search (`q`), filters and `sort` as the list pages.
`outcomes/achievements/public/` is open to anyone: verified achievements only, without their evidence files;
`outcomes/sites/public/` likewise: verified demonstration sites with their people served by quarter (M18, M16).
`outcomes/transfers/` (M18) is read like the achievements; `outcomes/transfers/public/` is open to anyone: verified
transfers only, without the contract value, the money received and the counterparty's contact (commercial and
personal details, shown to the organisation and government roles only; the public reads them in aggregate, in the
transfer rate)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from minsheng.core.listing import list_parameters, listed
from minsheng.core.permissions import ViewPermission
from minsheng.outcomes import queries
from minsheng.outcomes.models import Achievement, DemonstrationSite, IPAsset, SiteReport, Transfer, TransferReceipt


class IPAssetSerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    owner_name = serializers.CharField(source="owner.name_zh", read_only=True)
    owner_credit_code = serializers.CharField(source="owner.credit_code", read_only=True)
    projects = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = IPAsset
        fields = ["id", "kind", "number", "title", "owner", "owner_name", "owner_credit_code", "domain", "status",
                  "filed_on", "granted_on", "expires_on", "next_fee_due", "lapsed_on", "lapse_reason", "projects",
                  "updated_at"]
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
        queryset = queries.ip_assets_for(self.request.user).prefetch_related("projects")
        if self.action == "list":
            queryset = listed(queryset, queries.IP_ASSETS, self.request.query_params)
        return queryset


class PublicAchievementSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    projects = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Achievement
        fields = ["id", "kind", "title", "achieved_on", "organisation", "organisation_name", "projects",
                  "certificate", "identifier", "link", "verified_at"]
        read_only_fields = fields


class AchievementSerializer(PublicAchievementSerializer):
    has_evidence_file = serializers.SerializerMethodField()

    class Meta(PublicAchievementSerializer.Meta):
        fields = [*PublicAchievementSerializer.Meta.fields, "ip_asset", "description", "state", "has_evidence_file",
                  "updated_at"]
        read_only_fields = fields

    def get_has_evidence_file(self, obj) -> bool:
        return bool(obj.evidence)


@extend_schema_view(list=extend_schema(summary="Achievements you may see (M18)",
                                       parameters=list_parameters(queries.ACHIEVEMENTS)),
                    retrieve=extend_schema(summary="One achievement"))
class AchievementViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = object_permission = "outcomes.view_achievement"
    serializer_class = AchievementSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = queries.achievements_for(self.request.user).prefetch_related("projects")
        if self.action == "list":
            queryset = listed(queryset, queries.ACHIEVEMENTS, self.request.query_params)
        return queryset


@extend_schema_view(list=extend_schema(summary="Verified achievements (public, M18)"),
                    retrieve=extend_schema(summary="One verified achievement (public)"))
class PublicAchievementViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = PublicAchievementSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.public_achievements().prefetch_related("projects").order_by("-achieved_on", "pk")


class SiteReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = SiteReport
        fields = ["year", "quarter", "people_served", "decrease_reason"]
        read_only_fields = fields


class PublicSiteSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)
    projects = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    reports = SiteReportSerializer(many=True, read_only=True)

    class Meta:
        model = DemonstrationSite
        fields = ["id", "kind", "name", "district", "district_name", "address", "since", "organisation",
                  "organisation_name", "projects", "reports", "verified_at"]
        read_only_fields = fields


class SiteSerializer(PublicSiteSerializer):
    achievements = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    has_evidence_file = serializers.SerializerMethodField()

    class Meta(PublicSiteSerializer.Meta):
        fields = [*PublicSiteSerializer.Meta.fields, "achievements", "description", "link", "state",
                  "has_evidence_file", "updated_at"]
        read_only_fields = fields

    def get_has_evidence_file(self, obj) -> bool:
        return bool(obj.evidence)


@extend_schema_view(list=extend_schema(summary="Demonstration sites you may see, with people served (M18, M16)",
                                       parameters=list_parameters(queries.SITES)),
                    retrieve=extend_schema(summary="One demonstration site"))
class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = object_permission = "outcomes.view_site"
    serializer_class = SiteSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = queries.sites_for(self.request.user).prefetch_related("projects", "achievements", "reports")
        if self.action == "list":
            queryset = listed(queryset, queries.SITES, self.request.query_params)
        return queryset


@extend_schema_view(list=extend_schema(summary="Verified demonstration sites with people served (public, M18)"),
                    retrieve=extend_schema(summary="One verified demonstration site (public)"))
class PublicSiteViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = PublicSiteSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.public_sites().prefetch_related("projects", "reports").order_by("district__order", "pk")
class PublicTransferSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    counterparty_name = serializers.CharField(source="counterparty_label", read_only=True)
    achievements = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    projects = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = ["id", "kind", "title", "contract_on", "organisation", "organisation_name", "counterparty",
                  "counterparty_name", "counterparty_region", "achievements", "projects", "verified_at"]
        read_only_fields = fields

    def get_projects(self, obj) -> list[str]:
        return sorted({p.number for a in obj.achievements.all() for p in a.projects.all()})


class ReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = TransferReceipt
        fields = ["year", "amount", "received_on"]
        read_only_fields = fields


class TransferSerializer(PublicTransferSerializer):
    receipts = ReceiptSerializer(many=True, read_only=True)

    class Meta(PublicTransferSerializer.Meta):
        fields = [*PublicTransferSerializer.Meta.fields, "counterparty_kind", "counterparty_contact", "value",
                  "receipts", "link", "description", "state", "updated_at"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(summary="Transfers you may see (M18)",
                                       parameters=list_parameters(queries.TRANSFERS)),
                    retrieve=extend_schema(summary="One transfer"))
class TransferViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    permission = object_permission = "outcomes.view_transfer"
    serializer_class = TransferSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = queries.transfers_for(self.request.user).prefetch_related("achievements__projects", "receipts")
        if self.action == "list":
            queryset = listed(queryset, queries.TRANSFERS, self.request.query_params)
        return queryset


@extend_schema_view(list=extend_schema(summary="Verified transfers (public, M18)"),
                    retrieve=extend_schema(summary="One verified transfer (public)"))
class PublicTransferViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = PublicTransferSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (queries.public_transfers().prefetch_related("achievements__projects")
                .order_by("-contract_on", "pk"))


ROUTES = [("ip/assets", IPAssetViewSet, "ip-asset"),
          ("outcomes/achievements/public", PublicAchievementViewSet, "achievement-public"),
          ("outcomes/achievements", AchievementViewSet, "achievement"),
          ("outcomes/sites/public", PublicSiteViewSet, "site-public"),
          ("outcomes/sites", SiteViewSet, "site"),
          ("outcomes/transfers/public", PublicTransferViewSet, "transfer-public"),
          ("outcomes/transfers", TransferViewSet, "transfer")]
