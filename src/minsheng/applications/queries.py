"""Which applications a user may see: an applicant its own organisation's; programme officers and
administrators all; a department officer those of calls its department co-owns (M05, read-only); nobody
else any. Outside the scope an application answers 404 (pages and API)."""

from django.db.models import QuerySet

from minsheng.applications.models import Application
from minsheng.core.roles import is_admin, is_applicant, is_department_officer, is_officer


def applications_for(user) -> QuerySet[Application]:
    queryset = Application.objects.select_related("call", "organisation", "lead", "topic")
    if is_officer(user) or is_admin(user):
        return queryset
    if is_applicant(user) and user.organisation_id:
        return queryset.filter(organisation_id=user.organisation_id)
    if is_department_officer(user) and user.department_id:
        return queryset.filter(call__co_owners=user.department_id).distinct()
    return queryset.none()


def open_calls_for(user):
    """Published calls open now, for the applicant's "start an application" choices."""
    from minsheng.applications.services import call_is_open
    from minsheng.calls.models import Call

    calls = Call.objects.filter(state=Call.State.PUBLISHED).order_by("closes_at")
    return [call for call in calls if call_is_open(call)]
