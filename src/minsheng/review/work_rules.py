"""Who may assign, review and rank (M17).

- Programme officers and administrators run, adjust and publish a call's assignment, replace overdue
  reviewers, and read the ranking with the reviews behind it (reviewer names included).
- An expert answers its own invitations and writes its own reviews; which applications it may open is the one
  scope `queries.applications_visible_to_expert` (assigned, published to it, not conflicted), anything else 404.
- Nobody else reads reviews; applicants never see who reviewed them.
"""

import rules

from minsheng.core.roles import is_expert, is_staff_officer

rules.add_perm("review.assign", is_staff_officer)
rules.add_perm("review.view_ranking", is_staff_officer)
rules.add_perm("review.respond", is_expert)
rules.add_perm("review.write_review", is_expert)
# The review panel (会评): officers convene, run and freeze it; an expert sits on it only as a named member, and
# `panel.member_of` / `panel.visible_applications` decide the rest (a conflicted application is absent, 404).
rules.add_perm("review.manage_panel", is_staff_officer)
rules.add_perm("review.sit_on_panel", is_expert)


@rules.predicate
def is_own_visible_invitation(user, target) -> bool:
    """What a review invitation links to, still the expert's to open: its own assignment, published to it and not
    hidden by a conflict (`queries.applications_visible_to_expert`), or its own active profile's list (an
    invitation naming several applications)."""
    from minsheng.review import queries
    from minsheng.review.models import Assignment, ExpertProfile

    if target is None:
        return False
    profile = queries.own_profile(user)
    if profile is None or profile.state != ExpertProfile.State.ACTIVE:
        return False
    if isinstance(target, ExpertProfile):
        return target.pk == profile.pk
    return (isinstance(target, Assignment) and target.expert_id == profile.pk and target.state in Assignment.VISIBLE
            and queries.applications_visible_to_expert(user).filter(pk=target.application_id).exists())


# A notification's link to an invitation (notifications/kinds.py): the expert while it is still its own to open.
rules.add_perm("review.view_invitation", is_expert & is_own_visible_invitation)
