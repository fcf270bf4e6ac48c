"""The task book as a PDF (任务书), built with the shared Chinese PDF helpers; the signed version is frozen."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core import pdf
from minsheng.core.money import wan


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def render(book: TaskBook) -> bytes:
    """The PDF of one version, in Chinese (the contract's language), whatever the reader's language."""
    with translation.override("zh-hans"):
        return _render(book)


def _render(book: TaskBook) -> bytes:
    project = book.project
    budget = list(book.budget_lines.all())
    funding = list(book.funding_lines.select_related("source"))
    conditions = dict(Tranche.Condition.choices)
    blocks = [
        *pdf.title(_("Task book"), f"{project.number} · {book.title} · " + _("version %(n)s") % {"n": book.number}),
        pdf.fields([
            (_("Project number"), project.number),
            (_("Project title"), book.title),
            (_("Organisation"), project.organisation.name_zh),
            (_("Project lead"), project.lead.name if project.lead_id else ""),
            (_("Call"), f"{project.call.code} {project.call.title_zh}"),
            (_("Project period"), f"{book.starts_on or ''} – {book.ends_on or ''}"),
            (_("Government grant (万元)"), wan(book.grant)),
        ]),
        pdf.heading(_("Objectives")), pdf.paragraph(book.objectives),
        pdf.heading(_("Technical route")), pdf.paragraph(book.technical_route),
        pdf.heading(_("Indicators and target values")),
        pdf.table([_("Indicator"), _("Target value"), _("Unit")],
                  [[i.name, f"{i.target.normalize():f}", i.unit] for i in book.indicators.all()]),
        pdf.heading(_("Milestones")),
        pdf.table([_("Due"), _("Milestone"), _("Deliverable")],
                  [[m.due_on, m.title, m.deliverable] for m in book.milestones.all()]),
        pdf.heading(_("Budget by category (万元)")),
        pdf.table([_("Category"), _("Requested"), _("Approved")],
                  [[line.get_category_display(), wan(line.requested), wan(line.amount)] for line in budget]
                  + [[_("Total"), wan(sum(line.requested for line in budget)), wan(sum(b.amount for b in budget))]]),
        pdf.heading(_("Funding by source (万元)")),
        pdf.table([_("Source"), _("Provider"), _("Amount")],
                  [[line.source.name_zh, line.provider, wan(line.amount)] for line in funding]
                  + [[_("Total"), "", wan(sum(line.amount for line in funding))]]),
        pdf.heading(_("Disbursement of the grant")),
        pdf.table([_("Tranche"), _("Condition"), _("Share of the grant (%)")],
                  [[n, conditions.get(s["condition"], s["condition"]), s["percent"]]
                   for n, s in enumerate(book.split, start=1)]),
        pdf.heading(_("Team")),
        pdf.table([pgettext("person", "Name"), _("Role"), _("Task"), _("Time share (%)")],
                  [[m.get("name", ""), m.get("role", ""), m.get("task", ""), m.get("time_share", "")]
                   for m in book.team]),
        *([pdf.heading(_("Cooperation partners")),
           pdf.table([_("Partner"), _("Region"), _("Contribution")],
                     [[p.get("name", ""), p.get("region", ""), p.get("contribution", "")] for p in book.partners])]
          if book.partners else []),
        pdf.heading(_("Intellectual property")),
        pdf.table([_("Held or promised"), _("Kind"), _("Details")],
                  [[_("Held") if c.get("kind") == "held" else _("Promised"), c.get("ip_kind", ""), c.get("text", "")]
                   for c in book.ip_claims]),
        pdf.heading(_("Clauses")), pdf.paragraph(book.ip_clause), pdf.spacer(2), pdf.paragraph(book.data_clause),
    ]
    if book.change_reason:
        blocks += [pdf.heading(_("Reason for this version")), pdf.paragraph(book.change_reason)]
    blocks += [
        pdf.heading(_("Signatures")),
        pdf.fields([
            (_("Confirmed by the applicant"),
             f"{_display(book.confirmed_by)} {_when(book.confirmed_at)}".strip()),
            (_("Countersigned by the programme office"),
             f"{_display(book.signed_by)} {_when(book.signed_at)}".strip()),
        ]),
    ]
    return pdf.render(blocks, document_title=f"{project.number} v{book.number}",
                      footer=f"{project.number} v{book.number}", generated_at=book.signed_at)


def _display(user) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.get_full_name() or user.get_username()
