"""The formal check (形式审查): rule results per call, decisions, overrides, comments, export."""

from django.urls import path  # noqa: F401

app_name = "checks"

urlpatterns: list = []
