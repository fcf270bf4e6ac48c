from django.urls import path

from minsheng.funding import notice_views
from minsheng.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notice_views.notice_detail, name="notice_detail"),
]
