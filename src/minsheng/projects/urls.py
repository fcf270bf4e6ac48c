"""Projects under way (M17): progress reports and the mid-term check."""

from django.urls import path

from minsheng.projects import exports, views

app_name = "projects"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.project_reports, name="project"),
    path("<int:pk>/periods/<int:period>/", views.file_report, name="file"),
    path("<int:pk>/midterm/", views.midterm, name="midterm"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/accept/", views.report_accept, name="accept"),
    path("reports/<int:pk>/return/", views.report_return, name="return"),
    path("calls/<int:call_pk>/projects.xlsx", exports.call_projects, name="call_projects"),
    path("calls/<int:call_pk>/progress-reports.xlsx", exports.call_reports, name="call_reports"),
]
