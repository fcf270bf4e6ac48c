"""The verification of an organisation: its states and the only moves between them, in one table.

Every move goes through `core.workflow.move`, a conditional UPDATE (`WHERE state IN sources`), so of two officers
deciding at once exactly one changes the row; the other finds it no longer pending, and nothing changes. The move
writes the audit event.
"""

from django.utils.translation import gettext_lazy as _

from minsheng.core.workflow import Transition, Workflow, register
from minsheng.registry.models import Organisation

State = Organisation.State

WORKFLOW = register(Workflow(Organisation, [
    Transition("verify", {State.PENDING}, State.VERIFIED, "registry.verify_organisation"),
    Transition("reject", {State.PENDING}, State.REJECTED, "registry.reject_organisation"),   # with a reason
], prefix="registry.organisation", stale=_("This organisation is no longer pending verification: it is now "
                                           "“%(state)s”. Someone else decided first; nothing was changed.")))
