from django import template

from minsheng.outcomes.queries import ip_assets_for

register = template.Library()


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
