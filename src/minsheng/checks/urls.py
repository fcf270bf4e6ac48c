"""The formal check (形式审查): rule results per call, decisions, overrides, comments, export."""

from django.urls import path

from minsheng.checks import views

app_name = "checks"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_table, name="call_table"),
    path("calls/<int:pk>/export/", views.call_export, name="call_export"),
    path("calls/<int:pk>/start/", views.start, name="start"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("applications/<int:pk>/comment/", views.comment, name="comment"),
]
