"""The IP register (M19): the IP organisations hold, which applications cite and the M19 rule counts; and the
achievements (成果, M18) of funded projects, verified by officers."""

from django.urls import path

from minsheng.outcomes import transfer_views, views

app_name = "outcomes"

urlpatterns = [
    path("", views.asset_list, name="list"),
    path("export/", views.export, name="export"),
    path("new/", views.asset_create, name="create"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/edit/", views.asset_edit, name="edit"),
    path("<int:pk>/lapse/", views.asset_lapse, name="lapse"),
    path("achievements/", views.achievement_list, name="achievements"),
    path("achievements/export/", views.achievement_export, name="achievement_export"),
    path("achievements/new/", views.achievement_create, name="achievement_create"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("achievements/<int:pk>/edit/", views.achievement_edit, name="achievement_edit"),
    path("achievements/<int:pk>/verify/", views.achievement_verify, name="achievement_verify"),
    path("achievements/<int:pk>/unverify/", views.achievement_unverify, name="achievement_unverify"),
    path("achievements/<int:pk>/evidence/", views.achievement_evidence, name="achievement_evidence"),
    path("sites/", views.site_list, name="sites"),
    path("sites/export/", views.site_export, name="site_export"),
    path("sites/districts/", views.site_districts, name="site_districts"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/report/", views.site_report, name="site_report"),
    path("sites/<int:pk>/verify/", views.site_verify, name="site_verify"),
    path("sites/<int:pk>/unverify/", views.site_unverify, name="site_unverify"),
    path("sites/<int:pk>/evidence/", views.site_evidence, name="site_evidence"),
    path("sites/<int:pk>/reports/<int:report>/evidence/", views.site_report_evidence, name="site_report_evidence"),
    path("transfers/", transfer_views.transfer_list, name="transfers"),
    path("transfers/export/", transfer_views.transfer_export, name="transfer_export"),
    path("transfers/new/", transfer_views.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/", transfer_views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/edit/", transfer_views.transfer_edit, name="transfer_edit"),
    path("transfers/<int:pk>/receipts/", transfer_views.transfer_receipt, name="transfer_receipt"),
    path("transfers/<int:pk>/verify/", transfer_views.transfer_verify, name="transfer_verify"),
    path("transfers/<int:pk>/unverify/", transfer_views.transfer_unverify, name="transfer_unverify"),
    path("transfers/<int:pk>/evidence/", transfer_views.transfer_evidence, name="transfer_evidence"),
    path("transfer-rate/", transfer_views.rate_overview, name="transfer_rate"),
    path("domains/<str:code>/", transfer_views.domain_page, name="domain"),
]
