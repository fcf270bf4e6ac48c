"""The registry's read API, scoped and permitted exactly like its pages (rules.py, queries.py).

Organisations and people: government roles read all; an applicant its own organisation and its people;
an expert only its own person record; anything outside that answers 404. Contact details and the masked
identity number of a person are null for those who do not manage the person. Innovation carriers, service
institutions and shared facilities are public directories. Cooperation partners: government roles and
applicants; the organisations a partner works with are listed in full only for government roles.
Every list takes the same search (`q`), filters and `sort` as the list pages.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from minsheng.core.api_fields import OptionalEmailField, OptionalURLField
from minsheng.core.listing import Listing, list_parameters, listed
from minsheng.core.permissions import ViewPermission
from minsheng.registry import queries
from minsheng.registry.models import (
    CooperationPartner,
    InnovationCarrier,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
)


def _code_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


# --- Serializers ---------------------------------------------------------------------------------

class OrganisationSerializer(serializers.ModelSerializer):
    district = _code_field(allow_null=True)
    contact_email = OptionalEmailField()
    website = OptionalURLField()

    class Meta:
        model = Organisation
        fields = ["id", "credit_code", "name_zh", "name_en", "kind", "size", "district", "address", "contact_name",
                  "contact_phone", "contact_email", "website", "state", "state_reason", "verified_at", "updated_at"]
        read_only_fields = fields


PERSONAL_FIELDS = ("id_number_masked", "gender", "birth_year", "email", "phone")


class PersonSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True, allow_null=True,
                                              default=None)
    domains = _code_field(many=True)
    talent_tags = _code_field(many=True)
    id_number_masked = serializers.CharField(read_only=True, allow_null=True,
                                             help_text="Masked (region and last four); null unless you manage "
                                                       "this person.")
    gender = serializers.CharField(read_only=True, allow_null=True, help_text="F, M or empty; null unless you "
                                                                              "manage this person.")
    birth_year = serializers.IntegerField(read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True, allow_null=True)
    phone = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", "name", "name_en", "organisation", "organisation_name", "title", "position", "expertise",
                  "domains", "talent_tags", "in_expert_pool", *PERSONAL_FIELDS, "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm("registry.view_person_contact", instance):
            for name in PERSONAL_FIELDS:
                data[name] = None
        return data


class CarrierSerializer(serializers.ModelSerializer):
    domain = _code_field()
    host_name = serializers.CharField(source="host.name_zh", read_only=True)

    class Meta:
        model = InnovationCarrier
        fields = ["id", "name_zh", "name_en", "kind", "level", "domain", "host", "host_name", "approved_year",
                  "governance", "last_evaluation_year", "last_evaluation_grade", "description"]
        read_only_fields = fields


class ServiceInstitutionSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    credit_code = serializers.CharField(source="organisation.credit_code", read_only=True)
    domains = _code_field(many=True)

    class Meta:
        model = ServiceInstitution
        fields = ["id", "organisation", "organisation_name", "credit_code", "service", "level", "domains",
                  "description"]
        read_only_fields = fields


class FacilitySerializer(serializers.ModelSerializer):
    domain = _code_field(allow_null=True)
    host_name = serializers.CharField(source="host.name_zh", read_only=True)

    class Meta:
        model = SharedFacility
        fields = ["id", "name_zh", "name_en", "kind", "host", "host_name", "domain", "open_to_public",
                  "booking_contact", "description"]
        read_only_fields = fields


class PartnerSerializer(serializers.ModelSerializer):
    partners_with = serializers.SerializerMethodField(
        help_text="Ids of the organisations that cooperate with the partner: all of them for government roles, "
                  "for an applicant only its own organisation when it does.")
    website = OptionalURLField()

    class Meta:
        model = CooperationPartner
        fields = ["id", "name_zh", "name_en", "region", "country", "kind", "website", "description", "partners_with"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_partners_with(self, partner) -> list[int]:
        ids = sorted(organisation.pk for organisation in partner.partners_with.all())
        user = self.context["request"].user
        if user.has_perm("registry.view_cooperationpartner_links", partner):
            return ids
        return [pk for pk in ids if pk == user.organisation_id]


# --- Viewsets ------------------------------------------------------------------------------------

class RegistryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ViewPermission]
    lookup_value_regex = r"\d+"
    listing: Listing
    scope = None
    permission = ""

    def get_queryset(self):
        queryset = type(self).scope(self.request.user)
        if self.action == "list":
            queryset = listed(queryset, self.listing, self.request.query_params)
        return queryset


def _documented(listing: Listing, summary: str, detail: str):
    return extend_schema_view(
        list=extend_schema(summary=summary, parameters=list_parameters(listing)),
        retrieve=extend_schema(summary=detail),
    )


@_documented(queries.ORGANISATIONS, "Organisations you may see", "One organisation")
class OrganisationViewSet(RegistryViewSet):
    serializer_class = OrganisationSerializer
    listing = queries.ORGANISATIONS
    scope = staticmethod(queries.organisations_for)
    permission = "registry.view_organisation"
    object_permission = permission


@_documented(queries.PEOPLE, "People you may see", "One person")
class PersonViewSet(RegistryViewSet):
    serializer_class = PersonSerializer
    listing = queries.PEOPLE
    scope = staticmethod(queries.people_for)
    permission = "registry.view_person"
    object_permission = permission


@_documented(queries.CARRIERS, "Innovation carriers and infrastructure (M01, M02; public)", "One carrier")
class CarrierViewSet(RegistryViewSet):
    serializer_class = CarrierSerializer
    listing = queries.CARRIERS
    scope = staticmethod(queries.carriers_for)
    permission = "registry.view_innovationcarrier"
    object_permission = permission


@_documented(queries.SERVICE_INSTITUTIONS, "Service institutions (M03; public)", "One service institution")
class ServiceInstitutionViewSet(RegistryViewSet):
    serializer_class = ServiceInstitutionSerializer
    listing = queries.SERVICE_INSTITUTIONS
    scope = staticmethod(queries.service_institutions_for)
    permission = "registry.view_serviceinstitution"
    object_permission = permission


@_documented(queries.FACILITIES, "Shared facilities (M03; public)", "One shared facility")
class FacilityViewSet(RegistryViewSet):
    serializer_class = FacilitySerializer
    listing = queries.FACILITIES
    scope = staticmethod(queries.facilities_for)
    permission = "registry.view_sharedfacility"
    object_permission = permission


@_documented(queries.PARTNERS, "Cooperation partners (M22)", "One cooperation partner")
class PartnerViewSet(RegistryViewSet):
    serializer_class = PartnerSerializer
    listing = queries.PARTNERS
    scope = staticmethod(queries.partners_for)
    permission = "registry.view_cooperationpartner"
    object_permission = permission

    def get_queryset(self):
        return super().get_queryset().prefetch_related("partners_with")


ROUTES = [
    ("registry/organisations", OrganisationViewSet, "registry-organisation"),
    ("registry/people", PersonViewSet, "registry-person"),
    ("registry/carriers", CarrierViewSet, "registry-carrier"),
    ("registry/services", ServiceInstitutionViewSet, "registry-service"),
    ("registry/facilities", FacilityViewSet, "registry-facility"),
    ("registry/partners", PartnerViewSet, "registry-partner"),
]
