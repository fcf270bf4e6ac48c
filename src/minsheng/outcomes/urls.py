"""The IP register (M19): the IP organisations hold, which applications cite and the M19 rule counts."""

from django.urls import path

from minsheng.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.asset_list, name="list"),
    path("export/", views.export, name="export"),
    path("new/", views.asset_create, name="create"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/edit/", views.asset_edit, name="edit"),
]
