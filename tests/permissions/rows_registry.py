"""Permission rows for the registry: pages and API, every role, own and other organisation's objects."""

import random

from minsheng.core.identifiers import make_credit_code
from minsheng.core.roles import Role
from minsheng.registry.models import CooperationPartner, InnovationCarrier, Organisation, ServiceInstitution
from tests.permissions.spec import (
    ALL_SIGNED_IN,
    FORBIDDEN,
    GOVERNMENT,
    NOT_ALLOWED,
    NOT_FOUND,
    REDIRECT,
    Row,
    everyone,
    only,
)

A = str(Role.APPLICANT)
E = str(Role.EXPERT)
STAFF = {Role.OFFICER, Role.ADMIN}
READ_ORGANISATIONS = GOVERNMENT | {Role.APPLICANT}
READ_PEOPLE = ALL_SIGNED_IN  # scoped: an expert sees only its own record
WRITE_HOSTED = STAFF | {Role.APPLICANT}


def extend_world(world):
    from tests.factories import (
        CarrierFactory,
        FacilityFactory,
        OrganisationFactory,
        PartnerFactory,
        ServiceInstitutionFactory,
        district,
        domain,
    )

    world.org_pending = OrganisationFactory(name_zh="深圳市待审核科技有限公司", state=Organisation.State.PENDING)
    world.carrier_own = CarrierFactory(host=world.org_own)
    world.carrier_other = CarrierFactory(host=world.org_other)
    world.facility_own = FacilityFactory(host=world.org_own)
    world.facility_other = FacilityFactory(host=world.org_other)
    world.service_other = ServiceInstitutionFactory()
    world.partner = PartnerFactory()
    world.partner.partners_with.add(world.org_other)
    world.new_credit_code = make_credit_code(random.Random(77), division="440305")
    world.domain_id = domain("D01").pk
    world.district_id = district("nanshan").pk


# --- Form data (valid, so that allowed roles are redirected after saving) --------------------------

def organisation_data(world):
    return {"credit_code": world.new_credit_code, "name_zh": "深圳市矩阵新建科技有限公司", "name_en": "Matrix New Co.",
            "kind": "enterprise", "size": "small", "district": world.district_id, "address": "深圳市南山区",
            "contact_name": "赵六", "contact_phone": "0755-26000009", "contact_email": "new@matrix.cn"}


def organisation_edit_data(world, attr="org_own"):
    org = getattr(world, attr)
    return {"credit_code": org.credit_code, "name_zh": org.name_zh, "name_en": "Own Co. (edited)", "kind": org.kind,
            "size": "medium", "district": world.district_id, "address": "深圳市南山区科技园二期",
            "contact_name": "张三", "contact_phone": "0755-26000000", "contact_email": "own@matrix.cn"}


def person_data(world):
    return {"name": "矩阵人员", "organisation": world.org_own.pk, "title": "senior",
            "identity_number": "11010519491231002X", "domains": [world.domain_id]}


def carrier_data(world, name="深圳市矩阵新建工程实验室"):
    return {"name_zh": name, "kind": InnovationCarrier.Kind.KEY_LAB, "level": "municipal",
            "domain": world.domain_id, "host": world.org_own.pk, "governance": "hosted"}


def carrier_edit_data(world):
    return {**carrier_data(world, world.carrier_own.name_zh), "approved_year": 2020}


def service_data(world):
    return {"organisation": world.org_own.pk, "service": ServiceInstitution.Service.IP, "level": "municipal",
            "domains": [world.domain_id]}


def service_edit_data(world):
    return {"organisation": world.service_other.organisation_id, "service": ServiceInstitution.Service.CONSULTING,
            "level": "provincial"}


def facility_data(world, name="矩阵共享测序仪"):
    return {"name_zh": name, "kind": "instrument", "host": world.org_own.pk, "domain": world.domain_id,
            "open_to_public": "on"}


def facility_edit_data(world):
    return facility_data(world, world.facility_own.name_zh)


def partner_data(world, name="澳门矩阵研究院"):
    return {"name_zh": name, "region": CooperationPartner.Region.MACAO, "kind": "institute",
            "partners_with": [world.org_own.pk]}


def partner_edit_data(world):
    return partner_data(world, world.partner.name_zh)


def pk(attr):
    return lambda world: {"pk": getattr(world, attr).pk}


def api(roles, **overrides):
    """API answers: DRF refuses anonymous callers with 403 rather than a login redirect."""
    return only(roles, anonymous=FORBIDDEN, **overrides)


ROWS = [
    # Organisations: government roles read all, an applicant only its own; officers and admins write.
    Row("registry:organisation_list", only(READ_ORGANISATIONS)),
    Row("registry:organisation_export", only(READ_ORGANISATIONS)),
    Row("registry:organisation_list", everyone(NOT_ALLOWED), method="POST", note="read-only page"),
    Row("registry:organisation_detail", only(READ_ORGANISATIONS), kwargs=pk("org_own"), note="own"),
    Row("registry:organisation_detail", only(READ_ORGANISATIONS, **{A: NOT_FOUND}), kwargs=pk("org_other"),
        note="other"),
    Row("registry:organisation_create", only(STAFF)),
    Row("registry:organisation_create", only(STAFF, ok=REDIRECT), method="POST", data=organisation_data),
    Row("registry:organisation_edit", only(STAFF | {Role.APPLICANT}), kwargs=pk("org_own"), note="own"),
    Row("registry:organisation_edit", only(STAFF, **{A: NOT_FOUND}), kwargs=pk("org_other"), note="other"),
    Row("registry:organisation_edit", only(STAFF | {Role.APPLICANT}, ok=REDIRECT), kwargs=pk("org_own"),
        method="POST", data=organisation_edit_data, note="own"),
    Row("registry:organisation_edit", only(STAFF, ok=REDIRECT, **{A: NOT_FOUND}), kwargs=pk("org_other"),
        method="POST", data=lambda world: organisation_edit_data(world, "org_other"), note="other"),
    Row("registry:organisation_verify", everyone(NOT_ALLOWED), kwargs=pk("org_pending"), note="GET"),
    Row("registry:organisation_verify", only(STAFF, ok=REDIRECT), kwargs=pk("org_pending"), method="POST"),
    Row("registry:organisation_reject", only(STAFF, ok=REDIRECT), kwargs=pk("org_pending"), method="POST",
        data=lambda world: {"reason": "营业执照信息与登记不符"}),

    # People: government roles read all, an applicant its own organisation's, an expert only itself.
    Row("registry:person_list", only(READ_PEOPLE)),
    Row("registry:person_export", only(READ_PEOPLE)),
    Row("registry:person_detail", only(READ_PEOPLE, **{E: NOT_FOUND}), kwargs=pk("person_own"), note="own"),
    Row("registry:person_detail", only(READ_PEOPLE, **{A: NOT_FOUND, E: NOT_FOUND}), kwargs=pk("person_other"),
        note="other"),
    Row("registry:person_create", only(WRITE_HOSTED)),
    Row("registry:person_create", only(WRITE_HOSTED, ok=REDIRECT), method="POST", data=person_data),
    Row("registry:person_edit", only(WRITE_HOSTED), kwargs=pk("person_own"), note="own"),
    Row("registry:person_edit", only(STAFF, **{A: NOT_FOUND}), kwargs=pk("person_other"), note="other"),
    Row("registry:person_edit", only(WRITE_HOSTED, ok=REDIRECT), kwargs=pk("person_own"), method="POST",
        data=person_data, note="own"),

    # Innovation carriers: a public directory; officers, admins and the hosting applicant write.
    Row("registry:carrier_list", everyone()),
    Row("registry:carrier_export", everyone()),
    Row("registry:carrier_detail", everyone(), kwargs=pk("carrier_other")),
    Row("registry:carrier_create", only(WRITE_HOSTED)),
    Row("registry:carrier_create", only(WRITE_HOSTED, ok=REDIRECT), method="POST", data=carrier_data),
    Row("registry:carrier_edit", only(WRITE_HOSTED), kwargs=pk("carrier_own"), note="own"),
    Row("registry:carrier_edit", only(STAFF, **{A: NOT_FOUND}), kwargs=pk("carrier_other"), note="other"),
    Row("registry:carrier_edit", only(WRITE_HOSTED, ok=REDIRECT), kwargs=pk("carrier_own"), method="POST",
        data=carrier_edit_data, note="own"),

    # Service institutions: a public directory; officers and admins write.
    Row("registry:service_list", everyone()),
    Row("registry:service_export", everyone()),
    Row("registry:service_detail", everyone(), kwargs=pk("service_other")),
    Row("registry:service_create", only(STAFF)),
    Row("registry:service_create", only(STAFF, ok=REDIRECT), method="POST", data=service_data),
    Row("registry:service_edit", only(STAFF), kwargs=pk("service_other")),
    Row("registry:service_edit", only(STAFF, ok=REDIRECT), kwargs=pk("service_other"), method="POST",
        data=service_edit_data),

    # Shared facilities: a public directory; officers, admins and the hosting applicant write.
    Row("registry:facility_list", everyone()),
    Row("registry:facility_export", everyone()),
    Row("registry:facility_detail", everyone(), kwargs=pk("facility_other")),
    Row("registry:facility_create", only(WRITE_HOSTED)),
    Row("registry:facility_create", only(WRITE_HOSTED, ok=REDIRECT), method="POST", data=facility_data),
    Row("registry:facility_edit", only(WRITE_HOSTED), kwargs=pk("facility_own"), note="own"),
    Row("registry:facility_edit", only(STAFF, **{A: NOT_FOUND}), kwargs=pk("facility_other"), note="other"),
    Row("registry:facility_edit", only(WRITE_HOSTED, ok=REDIRECT), kwargs=pk("facility_own"), method="POST",
        data=facility_edit_data, note="own"),

    # Cooperation partners (M22): government roles and applicants read; officers and admins write.
    Row("registry:partner_list", only(READ_ORGANISATIONS)),
    Row("registry:partner_export", only(READ_ORGANISATIONS)),
    Row("registry:partner_detail", only(READ_ORGANISATIONS), kwargs=pk("partner")),
    Row("registry:partner_create", only(STAFF)),
    Row("registry:partner_create", only(STAFF, ok=REDIRECT), method="POST", data=partner_data),
    Row("registry:partner_edit", only(STAFF), kwargs=pk("partner")),
    Row("registry:partner_edit", only(STAFF, ok=REDIRECT), kwargs=pk("partner"), method="POST",
        data=partner_edit_data),

    # API
    Row("registry-organisation-list", api(READ_ORGANISATIONS)),
    Row("registry-organisation-detail", api(READ_ORGANISATIONS), kwargs=pk("org_own"), note="own"),
    Row("registry-organisation-detail", api(READ_ORGANISATIONS, **{A: NOT_FOUND}), kwargs=pk("org_other"),
        note="other"),
    Row("registry-person-list", api(READ_PEOPLE)),
    Row("registry-person-detail", api(READ_PEOPLE, **{E: NOT_FOUND}), kwargs=pk("person_own"), note="own"),
    Row("registry-person-detail", api(READ_PEOPLE, **{A: NOT_FOUND, E: NOT_FOUND}), kwargs=pk("person_other"),
        note="other"),
    Row("registry-carrier-list", everyone()),
    Row("registry-carrier-detail", everyone(), kwargs=pk("carrier_other")),
    Row("registry-service-list", everyone()),
    Row("registry-service-detail", everyone(), kwargs=pk("service_other")),
    Row("registry-facility-list", everyone()),
    Row("registry-facility-detail", everyone(), kwargs=pk("facility_other")),
    Row("registry-partner-list", api(READ_ORGANISATIONS)),
    Row("registry-partner-detail", api(READ_ORGANISATIONS), kwargs=pk("partner")),
    # The API is read-only: a write is refused (405 for those who may read, 403 for the rest).
    Row("registry-partner-detail", only(READ_ORGANISATIONS, ok=NOT_ALLOWED, anonymous=FORBIDDEN),
        kwargs=pk("partner"), method="DELETE", note="read-only"),
]
