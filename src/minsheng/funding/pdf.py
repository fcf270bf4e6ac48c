"""The decision document of an approved project (立项通知书, M17), built with the shared Chinese PDF helpers."""

from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.core import pdf
from minsheng.core.money import wan
from minsheng.funding.leverage import Money
from minsheng.funding.models import Project


def render(project: Project) -> bytes:
    project = (Project.objects.filter(pk=project.pk)
               .select_related("call__programme", "organisation", "lead", "application", "approved_by")
               .prefetch_related("funding_lines__source").get())
    money = Money()
    for line in project.funding_lines.all():
        money.add(line.source.code, line.amount, line.source.is_government)
    ratio = money.ratio
    approved = timezone.localtime(project.approved_at).strftime("%Y-%m-%d")
    blocks = [
        *pdf.title(_("Project approval decision"), f"{project.number} · {project.call.code} {project.call.title}"),
        pdf.fields([
            (_("Project number"), project.number),
            (_("Project title"), project.title),
            (_("Applicant organisation"), project.organisation.name_zh),
            (_("Project lead"), project.lead.name if project.lead else ""),
            (_("Application number"), project.application.number),
            (_("Government grant (万元)"), wan(project.grant)),
            (_("Leverage ratio"), "" if ratio is None else str(ratio)),
            (_("Approved on"), approved),
            (_("Clause"), "M17 M20"),
        ]),
        pdf.heading(_("Funding by source (万元)")),
        pdf.table([_("Funding source"), _("Provider"), _("Amount (万元)"), _("Government money")],
                  [[line.source.name, line.provider, wan(line.amount),
                    _("yes") if line.source.is_government else _("no")] for line in project.funding_lines.all()]),
        pdf.spacer(),
        pdf.paragraph(_("After the public notice, this project is approved for funding under the call named above. "
                        "The project starts when its task book is signed by both sides.")),
    ]
    return pdf.render(blocks, document_title=f"{project.number} {project.title}", footer=project.number)
