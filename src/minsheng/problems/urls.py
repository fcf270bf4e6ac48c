"""Livelihood problems (M05): public submission and tracking, department reports, officer triage."""

from django.urls import path

from minsheng.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
    path("new/", views.submit, name="submit"),
    path("track/", views.track, name="track"),
    path("results/", views.results, name="results"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/topic/", views.make_topic, name="topic"),
]
