"""Applications: sections, autosave, attachments, PDF, submission and withdrawal."""

from django.urls import path  # noqa: F401

app_name = "applications"

urlpatterns: list = []
