from minsheng.notifications import queries


def unread(request):
    """The bell's count: one indexed COUNT for a signed-in person, nothing for a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": queries.unread_count(user)}
