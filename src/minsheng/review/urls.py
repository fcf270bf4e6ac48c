from django.urls import include, path

from minsheng.review import views

app_name = "review"

urlpatterns = [
    path("experts/", views.pool_list, name="pool_list"),
    path("experts/export/", views.pool_export, name="pool_export"),
    path("experts/invite/", views.invite, name="invite"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/<slug:action>/", views.expert_transition, name="expert_transition"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/employers/", views.my_employer_add, name="my_employer_add"),
    path("me/employers/<int:pk>/delete/", views.my_employer_delete, name="my_employer_delete"),
    path("me/availability/", views.my_availability_add, name="my_availability_add"),
    path("me/availability/<int:pk>/delete/", views.my_availability_delete, name="my_availability_delete"),
    path("me/declarations/", views.my_declarations, name="my_declarations"),
    path("avoid/", views.avoid_index, name="avoid_index"),
    path("avoid/<int:application_pk>/", views.avoid, name="avoid"),
    path("avoid/<int:application_pk>/<int:pk>/withdraw/", views.avoid_withdraw, name="avoid_withdraw"),
    path("calls/<int:call_pk>/conflicts/", views.call_conflicts, name="call_conflicts"),
    path("", include("minsheng.review.work_urls")),
]
