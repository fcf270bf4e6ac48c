"""The acceptance verdict as a PDF (验收结论, M17), in Chinese whatever the reader's language, built with the shared
Chinese PDF helpers; made once when the verdict is recorded and kept on the acceptance."""

from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng.applications.models import BudgetLine
from minsheng.core import pdf
from minsheng.core.money import wan
from minsheng.projects.acceptance_rules import RUBRIC


def render(acceptance) -> bytes:
    with translation.override("zh-hans"):
        return _render(acceptance)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _render(acceptance) -> bytes:
    project = acceptance.project
    labels = dict(BudgetLine.Category.choices)
    money = acceptance.financial
    decided = timezone.localtime(acceptance.decided_at).strftime("%Y-%m-%d")
    members = list(acceptance.experts.select_related("expert__person"))
    blocks = [
        *pdf.title(_("Acceptance verdict"), f"{project.number} · {project.title}"),
        pdf.fields([
            (_("Project number"), project.number),
            (_("Project title"), project.title),
            (_("Organisation"), project.organisation.name_zh),
            (_("Call"), f"{project.call.code} {project.call.title_zh}"),
            (_("Verdict"), acceptance.get_state_display()),
            (_("Performance score"), str(acceptance.score)),
            (_("Decided on"), decided),
            (_("Clause"), "M17 M18 M19"),
        ]),
        pdf.heading(_("Indicators: promised and delivered")),
        pdf.table([_("Indicator"), _("Promised"), _("Delivered"), _("Completion (%)")],
                  [[row.indicator.name, _number(row.promised), _number(row.delivered), row.rate]
                   for row in acceptance.indicators.select_related("indicator")]),
        pdf.heading(_("Financial report (万元)")),
        pdf.table([_("Category"), _("Budget"), _("Spent")],
                  [[labels.get(k, k), wan(Decimal(v)), wan(Decimal(money.get("spent", {}).get(k, "0")))]
                   for k, v in money.get("budget", {}).items()]),
        pdf.fields([(_("Paid"), wan(Decimal(money.get("paid", "0")))),
                    (_("Spent"), wan(Decimal(money.get("spent_total", "0")))),
                    (_("Unspent balance"), wan(Decimal(money.get("unspent", "0"))))]),
        pdf.heading(_("Expert panel scores")),
        pdf.table([_("Expert"), *[c.zh for c in RUBRIC]],
                  [[m.expert.person.name, *[m.scores.get(c.code, "") for c in RUBRIC]] for m in members]),
    ]
    if acceptance.conditions:
        blocks += [pdf.heading(_("Conditions")), pdf.paragraph(acceptance.conditions)]
    if acceptance.verdict_reason:
        blocks += [pdf.heading(_("Reason")), pdf.paragraph(acceptance.verdict_reason)]
    return pdf.render(blocks, document_title=f"{project.number} " + _("Acceptance verdict"), footer=project.number,
                      generated_at=acceptance.decided_at)
