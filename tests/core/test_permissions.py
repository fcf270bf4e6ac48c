"""The permission boundary (core/permissions.py) and the transition engine's refusals (core/workflow.py)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from minsheng.applications.models import Application
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core import audit, workflow
from minsheng.core.permissions import SYSTEM, ViewPermission, allowed, permission_required, require, user_of
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from tests.factories import user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db


# --- allowed / require ---------------------------------------------------------------------------------------------

def test_the_system_actor_passes_and_a_missing_actor_never_does():
    assert allowed(SYSTEM, "contracts.approve_tranche")
    require(SYSTEM, "contracts.approve_tranche")
    assert not allowed(None, "applications.view_application")
    with pytest.raises(PermissionDenied):
        require(None, "applications.view_application")


def test_the_rule_decides_and_a_superuser_holds_no_blanket_pass():
    admin, finance = user_for_role(Role.ADMIN), user_for_role(Role.FINANCE)
    assert admin.is_superuser and admin.has_perm("contracts.approve_tranche")  # Django's own answer
    assert not allowed(admin, "contracts.approve_tranche")                     # the rule's: finance only
    assert allowed(finance, "contracts.approve_tranche")
    assert not allowed(AnonymousUser(), "contracts.approve_tranche")


def test_an_object_permission_is_asked_on_the_object():
    application = ApplicationFactory()
    own = application.created_by
    other = user_for_role(Role.APPLICANT)
    assert allowed(own, "applications.submit_application", application)
    assert not allowed(other, "applications.submit_application", application)
    with pytest.raises(PermissionDenied, match=r"may not|无权"):
        require(other, "applications.submit_application", application)


def test_the_system_actor_is_nobody_in_stored_fields():
    officer = user_for_role(Role.OFFICER)
    assert user_of(SYSTEM) is None and user_of(None) is None and user_of(AnonymousUser()) is None
    assert user_of(officer) == officer


# --- the view decorator ------------------------------------------------------------------------------------------

def _view(request, application=None):
    return HttpResponse(application.number if application else "ok")


def _request(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


def test_the_decorator_sends_visitors_to_sign_in_and_refuses_roles_without_the_permission():
    view = permission_required("applications.view_application")(_view)
    answer = view(_request(AnonymousUser()))
    assert answer.status_code == 302 and "next=/somewhere/" in answer["Location"]
    with pytest.raises(PermissionDenied):
        view(_request(user_for_role(Role.EXPERT)))
    assert view(_request(user_for_role(Role.OFFICER))).content == b"ok"


def test_the_decorator_answers_404_outside_the_scope_and_403_without_the_object_permission():
    from minsheng.applications.queries import applications_for

    application = ApplicationFactory()
    view = permission_required("applications.view_application", scope=applications_for,
                               object_perm="applications.submit_application")(_view)
    assert view(_request(application.created_by), pk=application.pk).content == application.number.encode()
    with pytest.raises(Http404):
        view(_request(user_for_role(Role.APPLICANT)), pk=application.pk)    # another organisation's
    with pytest.raises(Http404):
        view(_request(application.created_by), pk="not-a-number")
    with pytest.raises(PermissionDenied):
        view(_request(user_for_role(Role.OFFICER)), pk=application.pk)      # reads it, may not submit it


# --- the API permission class --------------------------------------------------------------------------------------

class _View:
    def __init__(self, action=None, **attributes):
        self.action = action
        for name, value in attributes.items():
            setattr(self, name, value)


def _api(method, user):
    request = getattr(APIRequestFactory(), method.lower())("/api/x/")
    request.user = user
    return request


def test_the_api_permission_reads_the_view():
    officer, expert = user_for_role(Role.OFFICER), user_for_role(Role.EXPERT)
    check = ViewPermission().has_permission
    single = _View(permission="applications.view_application")
    assert check(_api("GET", officer), single) and not check(_api("GET", expert), single)
    per_action = _View(action="approve", permissions={"approve": "contracts.approve_tranche",
                                                      "*": "applications.view_application"})
    assert not check(_api("POST", officer), per_action)
    assert check(_api("POST", user_for_role(Role.FINANCE)), per_action)
    per_method = _View(action="list", permissions={"GET": "applications.view_application", "POST": None})
    assert check(_api("GET", officer), per_method) and not check(_api("GET", expert), per_method)
    assert check(_api("POST", AnonymousUser()), per_method)           # None: open to anyone
    assert not check(_api("DELETE", officer), per_method)             # not named: closed
    assert not check(_api("GET", officer), _View())                   # no permission at all: closed


# --- the engine's refusals -------------------------------------------------------------------------------------

def _tranche():
    project = approved_project()
    officer = user_for_role(Role.OFFICER)
    book = TaskBook.objects.create(project=project, title=project.title, grant=project.grant, ip_clause="IP",
                                   data_clause="data", issued_by=officer, issued_at=timezone.now())
    return Tranche.objects.create(project=project, task_book=book, order=1, condition="signing", percent=10,
                                  amount=Decimal("1000.00"))


def test_four_eyes_refuses_the_person_who_took_the_step_before():
    tranche = _tranche()
    finance = user_for_role(Role.FINANCE)
    workflow.move(tranche, "request", by=SYSTEM, requested_by=finance)   # as if finance had requested it
    with pytest.raises(TransitionRefused, match=r"four eyes|四眼|另一"):
        workflow.move(tranche, "approve", by=finance)
    assert Tranche.objects.get(pk=tranche.pk).state == Tranche.State.REQUESTED
    workflow.move(tranche, "approve", by=user_for_role(Role.FINANCE))
    assert Tranche.objects.get(pk=tranche.pk).state == Tranche.State.APPROVED


def test_a_role_without_the_permission_is_refused_before_anything_is_written():
    tranche = _tranche()
    events = audit.history_for(tranche).count()
    with pytest.raises(PermissionDenied):
        workflow.move(tranche, "request", by=user_for_role(Role.FINANCE))   # officers request, finance approves
    assert Tranche.objects.get(pk=tranche.pk).state == Tranche.State.PLANNED
    assert audit.history_for(tranche).count() == events


def test_a_lost_race_names_the_state_the_object_is_in_now():
    application = ApplicationFactory()
    stale, version = Application.objects.get(pk=application.pk), application.version
    workflow.move(application, "discard", by=SYSTEM, state_reason="gone")
    with pytest.raises(TransitionRefused) as refused:
        workflow.move(stale, "submit", by=SYSTEM)
    assert refused.value.code == "stale"
    assert str(Application.State.WITHDRAWN.label) in refused.value.messages[0]
    assert stale.state == Application.State.WITHDRAWN        # the caller's copy is brought up to date
    assert Application.objects.get(pk=application.pk).version == version + 1  # the move raised it


def test_a_model_without_a_table_has_no_moves():
    with pytest.raises(LookupError):
        workflow.workflow_of(user_for_role(Role.OFFICER))


def test_a_table_must_name_a_permission_for_every_step():
    with pytest.raises(ValueError):
        workflow.Workflow(Application, [workflow.Transition("x", {"draft"}, "submitted", "")])


def test_the_api_permission_asks_the_object_permission_when_the_view_names_one():
    application = ApplicationFactory()
    check = ViewPermission().has_object_permission
    view = _View(action="retrieve", object_permission="applications.submit_application")
    assert check(_api("GET", application.created_by), view, application)
    assert not check(_api("GET", user_for_role(Role.OFFICER)), view, application)
    assert check(_api("GET", user_for_role(Role.OFFICER)), _View(action="retrieve"), application)
