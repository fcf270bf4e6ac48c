"""Who may assign, review and rank (M17).

- Programme officers and administrators run, adjust and publish a call's assignment, replace overdue
  reviewers, and read the ranking with the reviews behind it (reviewer names included).
- An expert answers its own invitations and writes its own reviews; which applications it may open is the one
  scope `queries.applications_visible_to_expert` (assigned, published to it, not conflicted), anything else 404.
- Nobody else reads reviews; applicants never see who reviewed them.
"""

import rules

from minsheng.accounts.rules import is_expert, is_staff_officer

rules.add_perm("review.assign", is_staff_officer)
rules.add_perm("review.view_ranking", is_staff_officer)
rules.add_perm("review.respond", is_expert)
rules.add_perm("review.write_review", is_expert)
