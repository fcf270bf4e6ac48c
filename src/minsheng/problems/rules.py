"""Who may do what with livelihood problems (M05), as django-rules permissions.

- Submitting: anyone, signed in or not (the public form and API are rate-limited instead).
- Reading the triage list and a problem: programme officers, administrators and auditors read all; a
  department officer reads the problems its department reported and those in the domains it leads
  (the partner-department role of M05); a district officer reads the problems reported in its district.
  Anyone else has no list; outside that scope a problem answers 404.
- Triage (accept, merge, reject, turn into a call topic): programme officers and administrators.
- The submitter's contact details: programme officers, administrators and auditors, and the account that
  submitted it.
- The public follows a problem only through its tracking code (the tracking page and API).
"""

import rules

from minsheng.core.roles import (
    is_auditor,
    is_department_officer,
    is_district_officer,
    is_staff_officer,
)


@rules.predicate
def in_department_scope(user, problem) -> bool:
    if problem is None:
        return True
    department = user.department_id
    return bool(department) and (problem.department_id == department or problem.submitted_by_id == user.pk
                                 or (problem.domain_id is not None and problem.domain.lead_department_id == department))


@rules.predicate
def in_district_scope(user, problem) -> bool:
    if problem is None:
        return True
    return bool(user.district_id) and problem.district_id == user.district_id


@rules.predicate
def submitted_it(user, problem) -> bool:
    return problem is not None and bool(user.pk) and problem.submitted_by_id == user.pk


reads_all = is_staff_officer | is_auditor

rules.add_perm("calls.add_problem", rules.always_allow)
rules.add_perm("calls.view_problem", reads_all | (is_department_officer & in_department_scope)
               | (is_district_officer & in_district_scope))
rules.add_perm("calls.triage_problem", is_staff_officer)
rules.add_perm("calls.view_problem_contact", reads_all | submitted_it)
rules.add_perm("calls.view_problem_history", reads_all)
# Whoever reported a problem follows its public steps (the tracking page; notifications/kinds.py links there).
rules.add_perm("calls.follow_problem", reads_all | submitted_it)
