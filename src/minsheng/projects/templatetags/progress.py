"""The project page's card on progress reports (contracts' template loads it: contracts does not import projects)."""

from django import template

from minsheng.core.permissions import allowed
from minsheng.projects import queries
from minsheng.projects.models import Acceptance, ChangeRequest

register = template.Library()


@register.inclusion_tag("projects/_project_card.html", takes_context=True)
def progress_card(context, project):
    user = context["request"].user
    rows = queries.period_rows(project) if allowed(user, "projects.view", project) else []
    return {"project": project, "shown": allowed(user, "projects.view", project),
            "late": sum(1 for row in rows if row.late), "periods": len(rows),
            "accepted": sum(1 for row in rows if row.status == "accepted"),
            "midterm": project.call.midterm_check,
            "changes_waiting": project.change_requests.filter(state__in=ChangeRequest.OPEN).count()
            if allowed(user, "projects.view", project) else 0,
            "acceptance": Acceptance.objects.filter(project=project).first(),
            "can_apply": allowed(user, "projects.apply_acceptance", project)}


@register.inclusion_tag("projects/_reports_due.html", takes_context=True)
def reports_due(context):
    """The applicant's home: the progress reports its organisation must file now, late ones first (M17)."""
    user = context["request"].user
    rows = queries.due_for(user) if allowed(user, "projects.file_report") else []
    rows.sort(key=lambda pair: (not pair[1].late, pair[1].period.due_on))
    return {"rows": rows, "late": sum(1 for _project, row in rows if row.late)}
