"""Who may do what with the expert pool, avoidance requests and conflicts (M17).

- The pool: government roles read it (list, detail, export); programme officers and administrators invite,
  approve, suspend and reinstate experts and see a call's conflicts and affinity.
- An expert keeps its own profile (once invited), past employers and availability, and declares its own conflicts.
- An applicant names up to three experts to avoid on its own organisation's applications; other
  organisations' applications answer 404 (the views narrow the queryset first).
"""

import rules

from minsheng.core.roles import is_applicant, is_expert, is_government, is_staff_officer


@rules.predicate
def applies_for_own_organisation(user, application) -> bool:
    if application is None:
        return True
    return bool(user.organisation_id) and user.organisation_id == application.organisation_id


rules.add_perm("review.view_pool", is_government)
rules.add_perm("review.manage_pool", is_staff_officer)
rules.add_perm("review.view_conflicts", is_staff_officer)
rules.add_perm("review.change_own_profile", is_expert)  # the page says so when no profile exists yet
rules.add_perm("review.request_avoidance", is_applicant & applies_for_own_organisation)
