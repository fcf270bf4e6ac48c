"""Projects under way (M17): progress reports and the mid-term check."""

from django.urls import path

from minsheng.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.project_reports, name="project"),
    path("<int:pk>/periods/<int:period>/", views.file_report, name="file"),
    path("<int:pk>/midterm/", views.midterm, name="midterm"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/accept/", views.report_accept, name="accept"),
    path("reports/<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/changes/new/", views.change_new, name="change_new"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("changes/<int:pk>/approve/", views.change_approve, name="change_approve"),
    path("changes/<int:pk>/reject/", views.change_reject, name="change_reject"),
    path("changes/<int:pk>/withdraw/", views.change_withdraw, name="change_withdraw"),
]
