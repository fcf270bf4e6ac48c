from minsheng.core import inbox
from minsheng.core.navigation import groups_for, top_for


def navigation(request):
    """The menu of the user's role. The groups' inbox counts come with the page when the view has read the inbox
    already (the workbench); elsewhere the menu asks for them after the page loaded (core.views.inbox_counts), so
    no page pays for the inbox it does not show."""
    user = getattr(request, "user", None)
    read = getattr(request, inbox.REQUEST_ATTRIBUTE, None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {"nav_top": top_for(user), "nav_groups": groups_for(user, read or (), getattr(request, "path", "")),
            "nav_counts_loaded": read is not None or not signed_in,
            "request_id": getattr(request, "request_id", "")}
