"""Task books and disbursements (M17)."""

from django.urls import path

from minsheng.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/issue/", views.issue, name="issue"),
    path("task-books/<int:pk>/", views.task_book, name="task_book"),
    path("task-books/<int:pk>/budget/", views.budget, name="budget"),
    path("task-books/<int:pk>/split/", views.split, name="split"),
    path("task-books/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("task-books/<int:pk>/countersign/", views.countersign, name="countersign"),
    path("task-books/<int:pk>/revise/", views.revise, name="revise"),
    path("task-books/<int:pk>/pdf/", views.task_book_pdf, name="pdf"),
    path("tranches/<int:pk>/request/", views.tranche_request, name="tranche_request"),
    path("tranches/<int:pk>/approve/", views.tranche_approve, name="tranche_approve"),
    path("tranches/<int:pk>/return/", views.tranche_return, name="tranche_return"),
    path("tranches/<int:pk>/pay/", views.tranche_pay, name="tranche_pay"),
    path("projects/<int:pk>/expenditures/", views.expenditure_add, name="expenditure_add"),
    path("expenditures/<int:pk>/reverse/", views.expenditure_reverse, name="expenditure_reverse"),
    path("finance/", views.finance_queue, name="finance_queue"),
    path("overview/", views.overview, name="overview"),
    path("calls/<int:call_pk>/disbursements.xlsx", views.call_export, name="call_export"),
    path("calls/<int:call_pk>/expenditures.xlsx", views.call_expenditures, name="call_expenditures"),
]
