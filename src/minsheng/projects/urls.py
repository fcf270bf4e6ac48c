"""Projects under way (M17): progress reports and the mid-term check."""

from django.urls import path

from minsheng.projects import acceptance_views, exports, views
from minsheng.projects import termination_views as ending

app_name = "projects"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.project_reports, name="project"),
    path("<int:pk>/periods/<int:period>/", views.file_report, name="file"),
    path("<int:pk>/midterm/", views.midterm, name="midterm"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/evidence/<int:file_pk>/", views.report_evidence, name="report_evidence"),
    path("reports/<int:pk>/accept/", views.report_accept, name="accept"),
    path("reports/<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/changes/new/", views.change_new, name="change_new"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("changes/<int:pk>/approve/", views.change_approve, name="change_approve"),
    path("changes/<int:pk>/reject/", views.change_reject, name="change_reject"),
    path("changes/<int:pk>/withdraw/", views.change_withdraw, name="change_withdraw"),
    # acceptance (验收)
    path("<int:pk>/acceptance/", acceptance_views.acceptance, name="acceptance"),
    path("<int:pk>/acceptance/apply/", acceptance_views.apply, name="acceptance_apply"),
    path("<int:pk>/acceptance/check/", acceptance_views.check, name="acceptance_check"),
    path("<int:pk>/acceptance/panel/", acceptance_views.add_expert, name="acceptance_panel"),
    path("<int:pk>/acceptance/score/", acceptance_views.score, name="acceptance_score"),
    path("<int:pk>/acceptance/verdict/", acceptance_views.verdict, name="acceptance_verdict"),
    path("<int:pk>/acceptance/verdict.pdf", acceptance_views.verdict_pdf, name="acceptance_pdf"),
    path("calls/<int:call_pk>/projects.xlsx", exports.call_projects, name="call_projects"),
    path("calls/<int:call_pk>/progress-reports.xlsx", exports.call_reports, name="call_reports"),
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
