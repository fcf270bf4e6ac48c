"""Programmes and calls (M17): drafting, approval, publication, the public call page and its PDF guide."""

from django.urls import path  # noqa: F401

app_name = "calls"

urlpatterns: list = []
