"""Who may do what with IP assets (M19) and achievements (M18), as django-rules permissions.

- Reading: government roles read every organisation's IP (it is checked and scored in formal checks and
  reviews); an applicant reads its own organisation's. Experts and the public have no list: an expert sees
  the IP an application cites inside that application. Outside the reader's scope an asset answers 404.
- Registering and editing: programme officers and administrators for any organisation; an applicant for
  its own organisation only (and cannot move an asset to another organisation). A lapse is recorded by the same
  people, once.
- Achievements: read like the IP register. An applicant records its own organisation's and corrects them while
  they are not verified; programme officers and administrators may record for any organisation. Verifying
  (and taking a verification back) is for government officers who can see every project the achievement cites
  (the projects app's `projects.view`): an officer outside those projects' scope cannot vouch for them.
- Transfers (M18): read like achievements; an applicant records its own organisation's transfers of its own
  achievements and corrects them while unverified; money received is added by the same people at any time (it
  arrives years after the contract). Verifying is for officers who can see every project behind every achievement
  the transfer concerns, like an achievement's.
"""

import rules

from minsheng.core.permissions import allowed
from minsheng.core.roles import (
    is_applicant,
    is_department_officer,
    is_district_officer,
    is_government,
    is_officer,
    is_staff_officer,
)


@rules.predicate
def owns_asset(user, asset) -> bool:
    if asset is None:
        return True
    return bool(user.organisation_id) and asset.owner_id == user.organisation_id


@rules.predicate
def of_own_organisation(user, achievement) -> bool:
    if achievement is None:
        return True
    return bool(user.organisation_id) and achievement.organisation_id == user.organisation_id


@rules.predicate
def is_unverified(user, achievement) -> bool:
    return achievement is None or achievement.state == "unverified"


@rules.predicate
def sees_its_projects(user, achievement) -> bool:
    """The user can see every project the achievement cites (and it cites at least one)."""
    if achievement is None:
        return True
    projects = list(achievement.projects.all())
    return bool(projects) and all(allowed(user, "projects.view", project) for project in projects)


@rules.predicate
def sees_transfer_projects(user, transfer) -> bool:
    """The user can see every project behind the achievements the transfer concerns (and there is one)."""
    if transfer is None:
        return True
    Project = transfer.achievements.model.projects.rel.model
    projects = list(Project.objects.filter(achievements__transfers=transfer).distinct())
    return bool(projects) and all(allowed(user, "projects.view", project) for project in projects)


rules.add_perm("outcomes.view_ipasset", is_government | (is_applicant & owns_asset))
rules.add_perm("outcomes.add_ipasset", is_staff_officer | is_applicant)
rules.add_perm("outcomes.change_ipasset", is_staff_officer | (is_applicant & owns_asset))
rules.add_perm("outcomes.change_ipasset_owner", is_staff_officer)
rules.add_perm("outcomes.view_ipasset_history", is_government)
rules.add_perm("outcomes.record_lapse", is_staff_officer | (is_applicant & owns_asset))

rules.add_perm("outcomes.view_achievement", is_government | (is_applicant & of_own_organisation))
rules.add_perm("outcomes.add_achievement", is_staff_officer | is_applicant)
rules.add_perm("outcomes.change_achievement", is_unverified & (is_staff_officer | (is_applicant & of_own_organisation)))
rules.add_perm("outcomes.choose_organisation", is_staff_officer)
rules.add_perm("outcomes.verify_achievement", (is_officer | is_department_officer | is_district_officer)
               & sees_its_projects)
rules.add_perm("outcomes.view_achievement_history", is_government)

# Demonstration sites (M18 with M16/M17): read, recorded and verified like achievements. People served are reported
# by the organisation (an applicant for its own sites, staff officers for any), verified or not: the verification
# vouches for the site, each report carries its own evidence.
rules.add_perm("outcomes.view_site", is_government | (is_applicant & of_own_organisation))
rules.add_perm("outcomes.add_site", is_staff_officer | is_applicant)
rules.add_perm("outcomes.change_site", is_unverified & (is_staff_officer | (is_applicant & of_own_organisation)))
rules.add_perm("outcomes.report_site", is_staff_officer | (is_applicant & of_own_organisation))
rules.add_perm("outcomes.verify_site", (is_officer | is_department_officer | is_district_officer) & sees_its_projects)
rules.add_perm("outcomes.view_site_history", is_government)
rules.add_perm("outcomes.view_transfer", is_government | (is_applicant & of_own_organisation))
rules.add_perm("outcomes.add_transfer", is_staff_officer | is_applicant)
rules.add_perm("outcomes.change_transfer", is_unverified & (is_staff_officer | (is_applicant & of_own_organisation)))
rules.add_perm("outcomes.add_transfer_receipt", is_staff_officer | (is_applicant & of_own_organisation))
rules.add_perm("outcomes.verify_transfer", (is_officer | is_department_officer | is_district_officer)
               & sees_transfer_projects)
