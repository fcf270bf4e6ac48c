"""A call's projects in Excel (M17, M20): each project's execution (state, money granted, paid and spent, reports
filed and late, the mid-term check) and its indicators against their targets; and the call's progress reports.
Exports through core.exports.export_response: rate-limited and audited as disclosures."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from minsheng.calls.models import Call
from minsheng.contracts import queries as contracts
from minsheng.contracts.services import INDICATORS
from minsheng.core.exports import export_response
from minsheng.core.money import in_wan
from minsheng.core.permissions import require
from minsheng.projects import queries
from minsheng.projects.models import MidtermCheck

ZERO = Decimal("0")
ORDER = {code: i for i, (code, *_rest) in enumerate(INDICATORS)}


def _number(value):
    return float(value) if value is not None else ""


def project_table(projects, today=None) -> tuple[list[str], list[list]]:
    """The headers and rows of the projects' execution: one row per project, three columns per indicator any of
    them has (target, latest value reached in an accepted report, per cent), then the average per cent."""
    projects = list(projects)
    sums, spent = contracts.tranche_sums(projects), contracts.spent_sums(projects)
    completion = queries.completion(projects)
    counts = queries.report_counts(projects, today)
    checks = {c.project_id: c for c in MidtermCheck.objects.filter(project__in=projects)}
    names: dict[str, str] = {}
    for result in completion.values():
        for row in result.rows:
            names.setdefault(row.code, f"{row.name}（{row.unit}）" if row.unit else row.name)
    codes = sorted(names, key=lambda code: (ORDER.get(code, len(ORDER)), code))
    headers = [_("Project number"), _("Project title"), _("Organisation"), _("State"), _("Grant (万元)"),
               _("Paid (万元)"), _("Spent (万元)"), _("Reports filed"), _("Reports late"), _("Mid-term check")]
    for code in codes:
        headers += [_("%(indicator)s: target") % {"indicator": names[code]},
                    _("%(indicator)s: reached") % {"indicator": names[code]},
                    _("%(indicator)s: %%") % {"indicator": names[code]}]
    headers += [_("Indicators reached, average %"), _("Report read (period)")]
    rows = []
    for project in projects:
        result = completion[project.pk]
        by_code = {row.code: row for row in result.rows}
        filed, late = counts[project.pk]
        check = checks.get(project.pk)
        row = [project.number, project.title, project.organisation.name_zh, project.get_state_display(),
               float(in_wan(project.grant)), float(in_wan(sums.get(project.pk, {}).get("paid", ZERO))),
               float(in_wan(spent.get(project.pk, ZERO))), filed, late,
               check.get_result_display() if check else ""]
        for code in codes:
            indicator = by_code.get(code)
            if indicator is None:
                row += ["", "", ""]
            else:
                row += [_number(indicator.target), _number(indicator.value),
                        indicator.share if result.period else ""]
        row += [result.average if result.average is not None else "", result.period or ""]
        rows.append(row)
    return headers, rows


def _call(request, call_pk: int) -> Call:
    require(request.user, "projects.export")
    return get_object_or_404(Call, pk=call_pk)


@require_safe
@login_required
def call_projects(request, call_pk: int):
    call = _call(request, call_pk)
    projects = (queries.projects_for(request.user).filter(call=call).order_by("number"))
    headers, rows = project_table(projects)
    return export_response(
        request, group="projects.export", action="funding.project.export", filename=f"projects-{call.code}",
        title=_("Execution of the projects"), headers=headers, rows=rows, target=call,
        reason=_("Projects' execution export"), clause="M17")


@require_safe
@login_required
def call_reports(request, call_pk: int):
    call = _call(request, call_pk)
    headers = [_("Project number"), _("Project title"), _("Organisation"), _("Period"), _("Period ends"),
               _("Report due"), _("State"), _("Submitted at"), _("On time"), _("Decided at"), _("Milestones done"),
               _("Indicators reached"), _("Spent by the period's end (万元)"), _("Problems and risks"),
               _("Officer's comments")]

    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def rows():
        reports = (queries.reports_for(request.user).filter(project__call=call).exclude(state="draft")
                   .order_by("project__number", "period")
                   .prefetch_related("milestones", "indicators__indicator"))
        for r in reports:
            milestones = list(r.milestones.all())
            done = sum(1 for m in milestones if m.status == "done")
            reached = "; ".join(f"{i.indicator.name} {i.value.normalize():f}/{i.indicator.target.normalize():f}"
                                for i in r.indicators.all())
            spent = sum((Decimal(v) for v in r.spent.values()), ZERO)
            yield [r.project.number, r.project.title, r.project.organisation.name_zh, r.period,
                   r.period_ends_on.isoformat(), r.due_on.isoformat(), r.get_state_display(), when(r.submitted_at),
                   _("yes") if r.on_time else _("no"), when(r.decided_at), f"{done}/{len(milestones)}", reached,
                   float(in_wan(spent)), r.problems, r.comments]

    return export_response(
        request, group="projects.export", action="projects.progressreport.export",
        filename=f"progress-reports-{call.code}", title=_("Progress reports"), headers=headers, rows=rows,
        target=call, reason=_("Progress reports export"), clause="M17")
