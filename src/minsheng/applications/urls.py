"""Applications: sections, autosave, attachments, PDF, submission and withdrawal."""

from django.urls import path

from minsheng.applications import views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_start, name="start"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/<slug:section>/", views.application_edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_list, name="attachments"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("<int:pk>/pdf/", views.application_pdf, name="pdf"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
]
