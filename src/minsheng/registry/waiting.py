"""What waits in the registry: organisations that registered and wait for an officer's verification."""

from django.utils.translation import gettext_lazy as _

from minsheng.core.inbox import WaitingItem, item, tally
from minsheng.core.roles import is_staff_officer
from minsheng.registry.models import Organisation


def waiting_for(user) -> list[WaitingItem]:
    if not is_staff_officer(user):
        return []
    pending = Organisation.objects.filter(state=Organisation.State.PENDING)
    return [item("registry.verify", _("Organisations to verify"), tally(pending),
                 many="registry:organisation_list", one="registry:organisation_detail", query="state=pending",
                 clause="M17")]
