from minsheng.core.navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_items": menu_for(user), "request_id": getattr(request, "request_id", "")}
