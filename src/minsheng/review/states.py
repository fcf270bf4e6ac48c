"""An expert's place in the pool: its states and the only transitions allowed between them (M17)."""

from minsheng.review.models import ExpertProfile

State = ExpertProfile.State

# (from, to) -> the audit verb; every transition needs the permission review.manage_pool.
TRANSITIONS: dict[tuple[str, str], str] = {
    (State.INVITED, State.ACTIVE): "approve",
    (State.ACTIVE, State.SUSPENDED): "suspend",
    (State.SUSPENDED, State.ACTIVE): "reinstate",
}


def sources_of(target: str) -> frozenset:
    return frozenset(source for (source, to) in TRANSITIONS if to == target)


def allowed(source: str, target: str) -> bool:
    return (str(source), str(target)) in TRANSITIONS
