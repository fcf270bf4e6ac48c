"""Projects under way (M17): progress reports and the mid-term check."""

from django.urls import path

from minsheng.projects import termination_views as ending
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
    # termination and recovery of funds (终止与经费追回)
    path("<int:pk>/terminate/", ending.propose, name="terminate"),
    path("<int:pk>/terminate/request/", ending.request_termination, name="request_termination"),
    path("terminations/<int:pk>/", ending.detail, name="termination"),
    path("terminations/<int:pk>/review/", ending.review, name="termination_review"),
    path("terminations/<int:pk>/decline/", ending.decline, name="termination_decline"),
    path("terminations/<int:pk>/approve/", ending.approve, name="termination_approve"),
    path("terminations/<int:pk>/reject/", ending.reject, name="termination_reject"),
    path("recoveries/", ending.recoveries, name="recoveries"),
    path("recoveries/export/", ending.recoveries_export, name="recoveries_export"),
    path("recoveries/<int:pk>/receipts/", ending.receipt, name="receipt"),
]
