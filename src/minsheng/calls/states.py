"""The workflow of a call (M17): its states and the transitions allowed between them."""

from minsheng.calls.models import Call

State = Call.State

# (from, to) -> (the permission the acting user needs, the audit verb)
CALL_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (State.DRAFT, State.IN_REVIEW): ("calls.submit_call", "submit"),
    (State.IN_REVIEW, State.PUBLISHED): ("calls.approve_call", "publish"),
    (State.IN_REVIEW, State.DRAFT): ("calls.return_call", "return"),
    (State.PUBLISHED, State.WITHDRAWN): ("calls.withdraw_call", "withdraw"),
}

EDITABLE = frozenset({State.DRAFT})
# Calls whose budget counts against the programme's envelope.
COMMITTED = frozenset({State.DRAFT, State.IN_REVIEW, State.PUBLISHED})
