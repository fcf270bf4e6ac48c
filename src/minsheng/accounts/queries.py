"""What each role's home page shows, read within the user's own scope."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.policy.models import FocusDirection, FundingSource
from minsheng.registry.models import (
    CooperationPartner,
    InnovationCarrier,
    Organisation,
    Person,
    ServiceInstitution,
    SharedFacility,
)

PENDING_SHOWN = 10
DISTRICT_ORGANISATIONS_SHOWN = 20
AUDIT_EVENTS_SHOWN = 10


def _counted_choices(choices, counts: dict) -> list[dict]:
    """Every choice with its count (0 where none), in the choices' order."""
    return [{"value": value, "label": label, "count": counts.get(value, 0)} for value, label in choices]


def _count_by(queryset, field: str) -> dict:
    rows = queryset.order_by().values(field).annotate(n=Count("pk"))
    return {row[field]: row["n"] for row in rows}


def registry_counts() -> dict:
    return {
        "organisations_verified": Organisation.objects.filter(state=Organisation.State.VERIFIED).count(),
        "organisations_pending": Organisation.objects.filter(state=Organisation.State.PENDING).count(),
        "people": Person.objects.count(),
        "experts": Person.objects.filter(in_expert_pool=True).count(),
        "carriers": InnovationCarrier.objects.count(),
        "service_institutions": ServiceInstitution.objects.count(),
        "facilities": SharedFacility.objects.count(),
        "partners": CooperationPartner.objects.count(),
    }


def applicant_home(user) -> dict:
    organisation = user.organisation
    return {
        "organisation": organisation,
        "people_count": organisation.people.count(),
        "carrier_count": organisation.carriers.count(),
        "colleague_count": organisation.users.filter(is_active=True).count(),
    }


def officer_home(user) -> dict:
    pending = Organisation.objects.filter(state=Organisation.State.PENDING).select_related("district")
    return {
        "pending_count": pending.count(),
        # Oldest first: the organisation that has waited longest is the next to verify.
        "pending": list(pending.order_by("created_at", "pk")[:PENDING_SHOWN]),
        "counts": registry_counts(),
    }


def department_officers(departments) -> dict[int, list]:
    """The active officers of each department, by department id (an empty list where there is none): who can act
    for a department that co-owns a call (M05)."""
    ids = [getattr(d, "pk", d) for d in departments]
    officers: dict[int, list] = {pk: [] for pk in ids}
    users = get_user_model().objects.filter(role=Role.DEPARTMENT_OFFICER, is_active=True, department_id__in=ids)
    for user in users.order_by("last_name", "first_name", "username"):
        officers[user.department_id].append(user)
    return officers


def department_officer_home(user) -> dict:
    department = user.department
    domains = department.led_domains.prefetch_related(
        Prefetch("focus_directions", queryset=FocusDirection.objects.order_by("order", "pk"))
    ).order_by("code")
    return {"department": department, "domains": list(domains)}


def district_officer_home(user) -> dict:
    district = user.district
    organisations = Organisation.objects.filter(district=district)
    by_kind = _count_by(organisations, "kind")
    by_state = _count_by(organisations, "state")
    return {
        "district": district,
        "organisation_count": sum(by_kind.values()),
        "by_kind": _counted_choices(Organisation.Kind.choices, by_kind),
        "by_state": _counted_choices(Organisation.State.choices, by_state),
        "organisations": list(organisations.order_by("-created_at", "-pk")[:DISTRICT_ORGANISATIONS_SHOWN]),
        "shown": DISTRICT_ORGANISATIONS_SHOWN,
    }


def finance_home(user) -> dict:
    sources = list(FundingSource.objects.order_by("order", "code"))
    return {
        "sources": sources,
        "government_count": sum(1 for s in sources if s.is_government),
        "other_count": sum(1 for s in sources if not s.is_government),
    }


def auditor_home(user) -> dict:
    return {
        "event_count": AuditEvent.objects.count(),
        "events": list(AuditEvent.objects.order_by("-seq")[:AUDIT_EVENTS_SHOWN]),
    }


def expert_home(user) -> dict:
    person = None
    if user.person_id:
        person = (Person.objects.select_related("organisation")
                  .prefetch_related("domains", "talent_tags").get(pk=user.person_id))
    return {"person": person}


def admin_home(user) -> dict:
    User = get_user_model()
    by_role = _count_by(User.objects.filter(is_active=True), "role")
    return {
        "by_role": _counted_choices(Role.choices, by_role),
        "user_count": sum(by_role.values()),
        "inactive_count": User.objects.filter(is_active=False).count(),
        "counts": registry_counts(),
    }


HOME = {
    Role.APPLICANT: applicant_home,
    Role.OFFICER: officer_home,
    Role.DEPARTMENT_OFFICER: department_officer_home,
    Role.DISTRICT_OFFICER: district_officer_home,
    Role.FINANCE: finance_home,
    Role.AUDITOR: auditor_home,
    Role.EXPERT: expert_home,
    Role.ADMIN: admin_home,
}


def home_context(user) -> dict:
    return HOME[Role(user.role)](user)
