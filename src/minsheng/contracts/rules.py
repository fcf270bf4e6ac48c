"""Who may do what with task books and disbursements (M17), as django-rules permissions.

Without an object a permission answers whether the role may use the page at all (403 otherwise). Views and
the API first narrow to queries.projects_for, so a project outside the user's scope answers 404 before any
check: an applicant sees only its own organisation's projects.

- Programme officers issue task books, set the disbursement split, countersign, start a new version and
  request tranches.
- Applicants of the project's organisation edit the draft's budget by category and confirm the task book;
  they can never countersign.
- Finance approves requested tranches (never one it requested itself) or returns them to the officer with a
  reason, and records payments.
- The project's organisation (its applicant accounts) and finance record the money spent by budget category,
  and cancel a wrong record by reversing it.
- Auditors and administrators read everything; nobody else reads anything here.
"""

import rules

from minsheng.contracts.models import TaskBook
from minsheng.core.roles import is_admin, is_applicant, is_auditor, is_finance, is_officer
from minsheng.funding.models import Project


@rules.predicate
def of_own_organisation(user, project) -> bool:
    if project is None:
        return True
    return bool(user.organisation_id) and project.organisation_id == user.organisation_id


@rules.predicate
def is_approved_project(user, project) -> bool:
    """Approved (立项) and not yet started: waiting for its first task book."""
    return project is not None and project.state == Project.State.APPROVED


@rules.predicate
def has_task_book(user, project) -> bool:
    return project is not None and project.task_books.exists()


@rules.predicate
def is_signed_book(user, book) -> bool:
    return book is not None and book.state == TaskBook.State.SIGNED


@rules.predicate
def has_open_version(user, book) -> bool:
    """A later version of the book's project is being drafted or waits for its countersignature."""
    return book is not None and book.project.task_books.filter(
        state__in=[TaskBook.State.DRAFT, TaskBook.State.CONFIRMED]).exists()


@rules.predicate
def is_draft_book(user, book) -> bool:
    return book is not None and book.state == TaskBook.State.DRAFT


@rules.predicate
def of_own_organisations_book(user, book) -> bool:
    return book is not None and of_own_organisation(user, book.project)


@rules.predicate
def has_tranches(user, book) -> bool:
    """The split was used already: the tranches were planned at the first signature."""
    return book is not None and book.project.tranches.exists()


reads_money = is_officer | is_finance | is_auditor | is_admin

rules.add_perm("contracts.view_project", reads_money | (is_applicant & of_own_organisation))
rules.add_perm("contracts.issue_task_book", is_officer)
rules.add_perm("contracts.countersign_task_book", is_officer)
rules.add_perm("contracts.change_split", is_officer)
rules.add_perm("contracts.confirm_task_book", is_applicant & of_own_organisation)
rules.add_perm("contracts.change_budget", is_applicant & of_own_organisation)
rules.add_perm("contracts.request_tranche", is_officer)
rules.add_perm("contracts.approve_tranche", is_finance)
rules.add_perm("contracts.return_tranche", is_finance)
rules.add_perm("contracts.record_payment", is_finance)
# the officer who approves a project's termination (projects app) cancels its unpaid tranches with it
rules.add_perm("contracts.cancel_tranche", is_officer)
rules.add_perm("contracts.record_expenditure", is_finance | (is_applicant & of_own_organisation))
rules.add_perm("contracts.view_finance", reads_money)

# What a project's and a task book's pages offer now, state included (the steps of the tables are asked as
# `contracts.taskbook.<step>` and `contracts.tranche.<step>`).
rules.add_perm("contracts.issue_first_task_book", is_officer & is_approved_project & ~has_task_book)
rules.add_perm("contracts.revise_task_book", is_officer & is_signed_book & ~has_open_version)
rules.add_perm("contracts.edit_draft_budget", is_applicant & is_draft_book & of_own_organisations_book)
rules.add_perm("contracts.edit_draft_split", is_officer & is_draft_book & ~has_tranches)

