from django.urls import path

from minsheng.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("calls/<int:call_pk>/", views.plan, name="plan"),
    path("calls/<int:call_pk>/create/", views.plan_create, name="plan_create"),
    path("calls/<int:call_pk>/save/", views.plan_save, name="plan_save"),
    path("calls/<int:call_pk>/suggest/", views.plan_suggest, name="plan_suggest"),
    path("calls/<int:call_pk>/propose/", views.plan_propose, name="plan_propose"),
    path("calls/<int:call_pk>/return/", views.plan_return, name="plan_return"),
    path("calls/<int:call_pk>/confirm/", views.plan_confirm, name="plan_confirm"),
    path("calls/<int:call_pk>/approve/", views.plan_approve, name="plan_approve"),
    path("calls/<int:call_pk>/decide/", views.plan_decide, name="plan_decide"),
    path("calls/<int:call_pk>/export/", views.export, name="export"),
    path("calls/<int:call_pk>/lines/<int:pk>/cofunding/", views.cofunding_add, name="cofunding_add"),
    path("calls/<int:call_pk>/cofunding/<int:pk>/remove/", views.cofunding_remove, name="cofunding_remove"),
    path("calls/<int:call_pk>/objections/<int:pk>/", views.objection_handle, name="objection_handle"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/decision.pdf", views.project_pdf, name="project_pdf"),
]
