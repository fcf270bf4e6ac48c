"""Who may do what with programmes and calls (M17, M05), as django-rules permissions.

- Programmes: programme officers and administrators create and edit; they, auditors and finance read.
- Calls: anyone reads a published or withdrawn call. Programme officers, administrators and auditors
  read every call; a department officer reads, besides the public ones, the calls its department co-owns
  (M05). Outside that scope a call answers 404.
- Drafting, editing (drafts only), submitting for approval, withdrawing: programme officers and administrators.
- Approving and publishing: a programme officer or administrator, or an officer of a co-owning department,
  never the officer who drafted the call (four eyes: the table's, calls/states.py). Sending back to draft: the
  same people.
- The buttons ask the steps of the call's table (`calls.call.submit`, `.publish`, `.return`, `.withdraw`), which
  hold only in the state the step starts from; editing asks `calls.edit_draft_call`.
- The Excel export of the calls: programme officers, administrators and auditors.
"""

import rules

from minsheng.calls.models import Call
from minsheng.calls.states import EDITABLE
from minsheng.core.roles import is_auditor, is_department_officer, is_finance, is_staff_officer

PUBLIC_STATES = (Call.State.PUBLISHED, Call.State.WITHDRAWN)


@rules.predicate
def is_public_call(user, call) -> bool:
    return call is None or call.state in PUBLIC_STATES


@rules.predicate
def co_owns_call(user, call) -> bool:
    if call is None:
        return True
    return bool(user.department_id) and call.co_owners.filter(pk=user.department_id).exists()


@rules.predicate
def is_draft_call(user, call) -> bool:
    return call is not None and call.state in EDITABLE


# Never the drafter: the four eyes of the call's table (calls/states.py), which the step `calls.call.publish` asks.
may_decide = is_staff_officer | (is_department_officer & co_owns_call)

rules.add_perm("calls.view_programme", is_staff_officer | is_auditor | is_finance)
rules.add_perm("calls.add_programme", is_staff_officer)
rules.add_perm("calls.change_programme", is_staff_officer)

rules.add_perm("calls.view_call",
               is_public_call | is_staff_officer | is_auditor | (is_department_officer & co_owns_call))
rules.add_perm("calls.view_unpublished_calls", is_staff_officer | is_auditor | is_department_officer)
rules.add_perm("calls.add_call", is_staff_officer)
rules.add_perm("calls.change_call", is_staff_officer)
# The edit button: a draft, for those who edit calls (a step of the table is asked as `calls.call.<step>`).
rules.add_perm("calls.edit_draft_call", is_staff_officer & is_draft_call)
rules.add_perm("calls.submit_call", is_staff_officer)
rules.add_perm("calls.withdraw_call", is_staff_officer)
rules.add_perm("calls.approve_call", may_decide)
# The drafter may pull a call back from approval to correct it.
rules.add_perm("calls.return_call", is_staff_officer | (is_department_officer & co_owns_call))
rules.add_perm("calls.export_call", is_staff_officer | is_auditor)
