"""The API: one router that mounts each app's `api.py`, and the OpenAPI schema with offline docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from minsheng.api.registration import register_all

router = DefaultRouter()
register_all(router)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, public; it is built anew for each request, the costliest answer of the API (seconds of
    CPU on this two-core machine), so it has a rate of its own."""

    permission_classes = []
    throttle_scope = "schema"


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves its start-up script from ?script, so the page needs no inline script (CSP);
    # the template loads the page's few styles from a static file instead of an inline <style>.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[],
                                                      template_name="api/swagger_ui.html"),
         name="api-docs"),
    path("v1/", include(router.urls)),
]
