"""The project's URLs and error handlers, plus one view that fails, for the 500 page test, and one that only
changes the session, which is then saved after the view (outside it)."""

from django.http import HttpResponse
from django.urls import path

from minsheng.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fail(request):
    raise RuntimeError("a bug in a view")


def remember(request):
    request.session["remembered"] = request.GET.get("what", "")
    return HttpResponse("remembered")


urlpatterns = [*urlpatterns, path("failing-view/", fail, name="failing_view"),
               path("remember/", remember, name="remember")]
