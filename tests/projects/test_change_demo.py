"""The demo part "changes": one budget move approved, its task book's version 2 confirmed and countersigned; one
extension rejected with its reason; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from minsheng.contracts.models import TaskBook
from minsheng.projects.models import ChangeRequest

pytestmark = pytest.mark.django_db


def test_the_demo_holds_changes_approved_and_rejected():
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    approved = ChangeRequest.objects.get(state=ChangeRequest.State.APPROVED)
    assert approved.kind == ChangeRequest.Kind.BUDGET and approved.decided_by.username == "officer"
    book = approved.result_book
    assert book.state == TaskBook.State.SIGNED and book.number == approved.task_book.number + 1
    assert TaskBook.objects.get(pk=approved.task_book_id).state == TaskBook.State.SUPERSEDED
    assert str(approved.pk) in book.change_reason
    rejected = ChangeRequest.objects.get(state=ChangeRequest.State.REJECTED)
    assert rejected.kind == ChangeRequest.Kind.EXTENSION and rejected.comments and rejected.result_book is None
    counts = ChangeRequest.objects.count(), TaskBook.objects.count()
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert (ChangeRequest.objects.count(), TaskBook.objects.count()) == counts
