"""What waits in the task books and disbursements (M17): task books for the applicant to confirm and for the
officer to countersign; tranches for finance to approve (never the officer who requested them: four eyes) and to
pay."""

from django.utils.translation import gettext_lazy as _

from minsheng.contracts.models import TaskBook, Tranche
from minsheng.contracts.queries import task_books_for, tranches_for
from minsheng.core.inbox import WaitingItem, item, tally
from minsheng.core.roles import is_applicant, is_finance, is_officer


def waiting_for(user) -> list[WaitingItem]:
    if is_officer(user):
        books = task_books_for(user).filter(state=TaskBook.State.CONFIRMED)
        return [item("contracts.countersign", _("Task books to countersign"), tally(books),
                     many="contracts:project_list", one="contracts:task_book", query="book=confirmed")]
    if is_applicant(user) and user.organisation_id:
        books = task_books_for(user).filter(state=TaskBook.State.DRAFT)
        return [item("contracts.confirm", _("Task books to confirm"), tally(books),
                     many="contracts:project_list", one="contracts:task_book", query="book=draft")]
    if is_finance(user):
        tranches = tranches_for(user)
        requested = tranches.filter(state=Tranche.State.REQUESTED).exclude(requested_by=user)
        approved = tranches.filter(state=Tranche.State.APPROVED)
        return [item("contracts.approve_tranche", _("Tranches to approve"), tally(requested),
                     many="contracts:finance_queue"),
                item("contracts.pay", _("Tranches to pay"), tally(approved), many="contracts:finance_queue")]
    return []
