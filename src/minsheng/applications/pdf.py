"""The whole application as a PDF (申报书), built with the shared Chinese PDF helpers. No reviewer data."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from minsheng.applications.models import Application
from minsheng.applications.sections import totals
from minsheng.core import pdf
from minsheng.core.money import wan


def render(application: Application) -> bytes:
    app = (Application.objects.filter(pk=application.pk)
           .select_related("call", "organisation", "lead", "topic", "domain", "focus_direction")
           .prefetch_related("team__person", "budget_lines", "funding_lines__source", "ip_claims__asset",
                             "partners__partner", "milestones", "attachments").get())
    spend, funds = totals(app)
    blocks = [
        *pdf.title(app.title or _("(untitled application)"), f"{app.number} · {app.call.code} {app.call.title}"),
        pdf.fields([
            (_("Applicant organisation"), app.organisation.name_zh),
            (_("State"), app.get_state_display()),
            (_("Topic"), app.topic or ""),
            (_("Domain"), app.domain or ""),
            (_("Project period"), f"{app.starts_on or ''} – {app.ends_on or ''}"),
            (_("Project lead"), app.lead.name if app.lead else ""),
            (_("Keywords"), app.keywords),
        ]),
        pdf.heading(pgettext("application section", "Summary")), pdf.paragraph(app.summary),
        pdf.heading(_("Objectives")), pdf.paragraph(app.objectives),
        pdf.heading(_("Technical route")), pdf.paragraph(app.technical_route),
        pdf.heading(_("Expected indicators")),
        pdf.fields([
            (_("Invention patents to file"), app.expected_patents), (_("Standards"), app.expected_standards),
            (_("New products"), app.expected_products), (_("Demonstration sites"), app.expected_sites),
            (_("People served"), app.expected_people_served), (_("Revenue (万元)"), wan(app.expected_revenue)),
        ]),
        pdf.heading(_("Team")),
        pdf.table([pgettext("person", "Name"), _("Organisation"), _("Role"), _("Task"), _("Time share (%)")],
                  [[m.person.name, m.person.organisation.name_zh if m.person.organisation else "",
                    m.get_role_display(), m.task, m.time_share] for m in app.team.all()]),
        pdf.heading(_("Budget by category (万元)")),
        pdf.table([_("Category"), _("Amount"), _("Explanation")],
                  [[line.get_category_display(), wan(line.amount), line.note] for line in app.budget_lines.all()]
                  + [[_("Total"), wan(spend), ""]]),
        pdf.heading(_("Funding by source (万元)")),
        pdf.table([_("Source"), _("Amount"), _("Provider")],
                  [[line.source.name, wan(line.amount), line.provider] for line in app.funding_lines.all()]
                  + [[_("Total"), wan(funds), ""]]),
        pdf.heading(_("Intellectual property")),
        pdf.table([_("Held or promised"), _("Kind"), _("Details")],
                  [[c.get_kind_display(), c.get_ip_kind_display(),
                    str(c.asset) if c.asset else f"{c.count} × {c.description}"] for c in app.ip_claims.all()]),
        pdf.heading(_("Cooperation partners")),
        pdf.table([_("Partner"), _("Region"), _("Contribution")],
                  [[p.partner.name_zh, p.partner.get_region_display(), p.contribution] for p in app.partners.all()]),
        pdf.heading(_("Milestones")),
        pdf.table([_("Due"), _("Milestone"), _("Deliverable")],
                  [[m.due_on, m.title, m.deliverable] for m in app.milestones.all()]),
        pdf.heading(_("Attachments")),
        pdf.table([_("Kind"), _("File name"), _("Size (KB)")],
                  [[a.get_kind_display(), a.original_name, f"{a.size / 1024:.0f}"] for a in app.attachments.all()]),
    ]
    return pdf.render(blocks, document_title=f"{app.number} {app.title}", footer=app.number)
