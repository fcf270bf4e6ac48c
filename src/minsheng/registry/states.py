"""The verification workflow of an organisation: its states and the transitions allowed between them."""

from minsheng.registry.models import Organisation

State = Organisation.State

# (from, to) -> the permission the acting user needs.
ORGANISATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (State.PENDING, State.VERIFIED): "registry.verify_organisation",
    (State.PENDING, State.REJECTED): "registry.reject_organisation",
}


def organisation_transition_permission(source: str, target: str) -> str | None:
    """The permission a transition needs, or None when the table does not allow it."""
    return ORGANISATION_TRANSITIONS.get((str(source), str(target)))
