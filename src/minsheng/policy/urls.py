from django.urls import path

from minsheng.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.index, name="index"),
    path("reference/", views.reference, name="reference"),
    path("<str:code>/", views.clause_detail, name="clause_detail"),
]
