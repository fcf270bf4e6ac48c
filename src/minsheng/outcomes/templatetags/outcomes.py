from django import template
from django.conf import settings

from minsheng.outcomes.queries import (
    achievements_for,
    achievements_of,
    ip_assets_for,
    ip_warnings,
    latest_report,
    sites_of,
)

register = template.Library()
WARNINGS_SHOWN = 10


@register.inclusion_tag("outcomes/ip/_organisation_ip.html", takes_context=True)
def organisation_ip(context, organisation):
    """The IP an organisation holds (M19), as far as the reader may see it, for the registry's page."""
    user = context["request"].user
    can_see = user.is_authenticated and user.has_perm("outcomes.view_ipasset")
    assets = list(ip_assets_for(user).filter(owner=organisation).order_by("-status", "kind", "title")) \
        if can_see else []
    return {"assets": assets, "can_see": can_see, "organisation": organisation,
            "can_add": can_see and user.has_perm("outcomes.add_ipasset")
            and (user.has_perm("outcomes.change_ipasset_owner") or user.organisation_id == organisation.pk)}


@register.inclusion_tag("outcomes/ip/_warnings.html", takes_context=True)
def ip_warnings_for_reader(context, organisation=None):
    """The annual fees and expiries coming up (or past) of the IP the reader may see, or of one organisation's
    (M19 early warning): on the owner's home page and on the register's list."""
    user = context["request"].user
    if not (user.is_authenticated and user.has_perm("outcomes.view_ipasset")):
        return {"warnings": []}
    assets = ip_assets_for(user)
    if organisation is not None:
        assets = assets.filter(owner=organisation)
    warnings = ip_warnings(assets)
    return {"warnings": warnings, "shown": warnings[:WARNINGS_SHOWN], "more": max(0, len(warnings) - WARNINGS_SHOWN),
            "horizon": settings.IP_WARNING_DAYS, "show_owner": organisation is None and not user.organisation_id}


@register.inclusion_tag("outcomes/achievements/_home.html", takes_context=True)
def achievements_summary(context):
    """The reader's achievements by verification, with the link to record one (the applicant's home page)."""
    user = context["request"].user
    rows = achievements_for(user)
    return {"verified": rows.filter(state="verified").count(), "unverified": rows.filter(state="unverified").count(),
            "can_add": user.has_perm("outcomes.add_achievement")}


@register.inclusion_tag("outcomes/_project_achievements.html", takes_context=True)
def project_achievements(context, project):
    """A project's achievements (M18) on its page, each opened by a reader who may see it."""
    user = context["request"].user
    return {"rows": [(a, user.has_perm("outcomes.view_achievement", a)) for a in achievements_of(project)],
            "project": project, "can_add": user.has_perm("outcomes.add_achievement")}


@register.inclusion_tag("outcomes/_project_sites.html", takes_context=True)
def project_sites(context, project):
    """The demonstration sites applying a project's result (M18, M16) with the people they served lately."""
    user = context["request"].user
    rows = [(site, may_open, latest_report(site)) for site, may_open in sites_of(project, user)]
    return {"rows": rows, "project": project, "can_add": user.has_perm("outcomes.add_site")}
