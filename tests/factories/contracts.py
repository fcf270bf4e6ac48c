"""Approved projects (立项) with their funding lines, built from a complete passed application, for the task
book and disbursement tests. The funding app's own services build them in production; these are the rows."""

from decimal import Decimal

from django.utils import timezone

from minsheng.applications.models import Application
from minsheng.funding.models import Project, ProjectFunding
from minsheng.policy.models import FundingSource
from tests.factories.applications import ApplicationFactory, complete_application


def approved_project(*, grant: Decimal = Decimal("800000"), own: Decimal = Decimal("1200000"), organisation=None,
                     call=None, number: str | None = None, approved_by=None) -> Project:
    """A project approved with `grant` yuan of city R&D money (cut from the 800,000 requested when smaller) and
    `own` yuan of the organisation's own money; the application asked for 2,000,000 in all."""
    extra = {"organisation": organisation} if organisation is not None else {}
    if call is not None:
        extra["call"] = call
    application = complete_application(ApplicationFactory(**extra), own_share=Decimal("0.6"),
                                       total=Decimal("2000000"))
    Application.objects.filter(pk=application.pk).update(state=Application.State.PASSED,
                                                         submitted_at=timezone.now())
    project = Project.objects.create(
        application=application, call=application.call, organisation=application.organisation,
        lead=application.lead, number=number or f"XM{application.number}", title=application.title, grant=grant,
        approved_at=timezone.now(), approved_by=approved_by)
    ProjectFunding.objects.create(project=project, source=FundingSource.objects.get(code="city_rd"), amount=grant)
    ProjectFunding.objects.create(project=project, source=FundingSource.objects.get(code="own"), amount=own,
                                  provider=application.organisation.name_zh)
    return project
