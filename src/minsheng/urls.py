from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.generic import RedirectView

from minsheng.core import job_views
from minsheng.core import views as core_views

admin.site.site_header = _("Minsheng administration")
admin.site.site_title = _("Minsheng")
# The admin index's column heads, which Django 5.2's own Chinese catalogue does not translate yet; the project's
# catalogue (LOCALE_PATHS, read first) gives them their Chinese.
ADMIN_COLUMN_HEADS = [gettext_noop("Model name"), gettext_noop("Add link"), gettext_noop("Change or view list link")]

urlpatterns = [
    path("", include("minsheng.portal.urls")),
    path("accounts/", include("minsheng.accounts.urls")),
    path("policy/", include("minsheng.policy.urls")),
    path("registry/", include("minsheng.registry.urls")),
    path("problems/", include("minsheng.problems.urls")),
    path("calls/", include("minsheng.calls.urls")),
    path("applications/", include("minsheng.applications.urls")),
    path("checks/", include("minsheng.checks.urls")),
    path("review/", include("minsheng.review.urls")),
    path("funding/", include("minsheng.funding.urls")),
    path("outcomes/", include("minsheng.outcomes.urls")),
    # The IP register was served at /ip/ until it took its app's name: old links and bookmarks move for good.
    re_path(r"^ip/(?P<rest>.*)$", RedirectView.as_view(url="/outcomes/%(rest)s", permanent=True, query_string=True),
            name="ip_moved"),
    path("contracts/", include("minsheng.contracts.urls")),
    path("projects/", include("minsheng.projects.urls")),
    path("notifications/", include("minsheng.notifications.urls")),
    path("audit/", include("minsheng.core.urls")),
    path("api/", include("minsheng.api.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("livez", core_views.livez, name="livez"),
    path("operations/jobs/", job_views.job_list, name="jobs"),
    path("inbox/counts/", core_views.inbox_counts, name="inbox_counts"),
    path("operations/jobs/<uuid:pk>/requeue/", job_views.job_requeue, name="job_requeue"),
    path("operations/jobs/backup/", job_views.backup_start, name="backup_start"),
    path("operations/jobs/backup/progress/", job_views.backup_progress, name="backup_progress"),
    path("exports/<int:pk>/", job_views.export_job, name="export_job"),
    path("exports/<int:pk>/progress/", job_views.export_job_progress, name="export_job_progress"),
    path("exports/<int:pk>/download/", job_views.export_job_download, name="export_job_download"),
    path("admin/", admin.site.urls),
]

handler400 = "minsheng.core.views.bad_request"
handler403 = "minsheng.core.views.permission_denied"
handler404 = "minsheng.core.views.page_not_found"
handler500 = "minsheng.core.views.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
