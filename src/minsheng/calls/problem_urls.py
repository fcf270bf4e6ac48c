"""Livelihood problems (M05): public submission and tracking, department reports, officer triage."""

from django.urls import path  # noqa: F401

app_name = "problems"

urlpatterns: list = []
