"""Programmes and calls (M17): drafting, approval, publication, the public call page and its PDF guide."""

from django.urls import path

from minsheng.calls import views

app_name = "calls"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("export/", views.call_export, name="export"),
    path("new/", views.call_create, name="create"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/guide.pdf", views.call_guide, name="guide"),
    path("<int:pk>/edit/", views.call_edit, name="edit"),
    path("<int:pk>/submit/", views.call_submit, name="submit"),
    path("<int:pk>/approve/", views.call_approve, name="approve"),
    path("<int:pk>/return/", views.call_return, name="return"),
    path("<int:pk>/withdraw/", views.call_withdraw, name="withdraw"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
]
