"""Problems moved from the calls app to their own: what was recorded under `calls.problem` is still theirs.

The audit trail is hash-chained and never rewritten, so an event recorded before the move keeps the label
`calls.problem`; the object's history, the audit list's filter, personal-data keys and action codes find it
(core/labels.py).
"""

import pytest
from django.db import transaction
from django.urls import reverse

from minsheng.core import audit, labels, personal, queries
from minsheng.core.models import AuditEvent, PersonalDataKey
from minsheng.problems.models import Problem, ProblemStep
from tests.problems.conftest import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_before_the_move(monkeypatch):
    """Record an event about a problem as the code before the move did: under the label `calls.problem`."""
    def record(problem, **values):
        with monkeypatch.context() as before:
            today = type(Problem._meta).label_lower
            before.setattr(type(Problem._meta), "label_lower",
                           property(lambda meta: "calls.problem" if meta.model is Problem else today.fget(meta)))
            with transaction.atomic():
                return audit.record(by=None, target=problem, **values)
    return record


def test_the_tables_keep_their_names():
    assert (Problem._meta.db_table, ProblemStep._meta.db_table) == ("calls_problem", "calls_problemstep")
    assert labels.labels_of(Problem) == ("problems.problem", "calls.problem")
    assert labels.model_of("calls.problem") is Problem


def test_an_event_recorded_under_the_old_label_shows_on_the_problems_history(client, officer,
                                                                             recorded_before_the_move):
    problem = report()
    old = recorded_before_the_move(problem, action="calls.problem.accept", reason="在搬迁之前受理")
    assert old.target_type == "calls.problem"
    client.force_login(officer)
    page = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert "在搬迁之前受理" in page and "受理民生需求" in page
    assert list(audit.history_for(problem)).count(old) == 1
    assert list(audit.verify()) == []


def test_the_audit_list_filters_old_and_new_events_as_one_kind(client, recorded_before_the_move):
    problem = report()                                       # recorded today: problems.problem
    old = recorded_before_the_move(problem, action="calls.problem.accept")
    new = AuditEvent.objects.get(action="calls.problem.create", target_id=str(problem.pk))
    assert new.target_type == "problems.problem"
    for asked in ("problems.problem", "calls.problem"):
        found = set(queries.filter_events(AuditEvent.objects.all(), {"target_type": asked}))
        assert {old, new} <= found
    kinds = [value for value, _name in queries.target_type_choices()]
    assert kinds.count("problems.problem") == 1 and "calls.problem" not in kinds


def test_action_codes_keep_the_calls_prefix():
    problem = report()
    assert AuditEvent.objects.filter(target_id=str(problem.pk), action="calls.problem.create").exists()
    assert labels.action_prefix(Problem) == "calls.problem"


def test_a_personal_data_key_made_before_the_move_is_still_the_problems_key():
    problem = report(contact_name="张三", contact_phone="13800138000")
    PersonalDataKey.objects.filter(subject_id=str(problem.pk), subject_type="problems.problem") \
        .update(subject_type="calls.problem")                # as the code before the move made it
    token = personal.Tokens(problem).token("13800138000")
    assert PersonalDataKey.objects.filter(subject_id=str(problem.pk)).count() == 1
    event = AuditEvent.objects.get(action="calls.problem.create", target_id=str(problem.pk))
    assert token in str(event.new)


def test_the_content_type_follows_the_model_and_keeps_the_admins_log(officer):
    """A database migrated before the move has the content type `calls.problem`, which the admin's log points at."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    step = import_module("minsheng.problems.migrations.0002_content_types_follow")
    ContentType.objects.filter(app_label="problems").delete()
    before = ContentType.objects.create(app_label="calls", model="problem")
    entry = LogEntry.objects.create(user=officer, content_type=before, object_id="1", object_repr="MS",
                                    action_flag=CHANGE)
    step.forwards(apps, None)
    ContentType.objects.clear_cache()
    try:
        assert ContentType.objects.get_for_model(Problem).pk == before.pk
        assert not ContentType.objects.filter(app_label="calls", model="problem").exists()
        entry.refresh_from_db()
        assert entry.content_type.model_class() is Problem
    finally:    # the content type made here is rolled back with the test: later tests must not find it cached
        ContentType.objects.clear_cache()
