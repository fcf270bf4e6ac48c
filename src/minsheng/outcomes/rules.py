"""Who may do what with IP assets (M19), as django-rules permissions.

- Reading: government roles read every organisation's IP (it is checked and scored in formal checks and
  reviews); an applicant reads its own organisation's. Experts and the public have no list: an expert sees
  the IP an application cites inside that application. Outside the reader's scope an asset answers 404.
- Registering and editing: programme officers and administrators for any organisation; an applicant for
  its own organisation only (and cannot move an asset to another organisation).
"""

import rules

from minsheng.core.roles import is_applicant, is_government, is_staff_officer


@rules.predicate
def owns_asset(user, asset) -> bool:
    if asset is None:
        return True
    return bool(user.organisation_id) and asset.owner_id == user.organisation_id


rules.add_perm("outcomes.view_ipasset", is_government | (is_applicant & owns_asset))
rules.add_perm("outcomes.add_ipasset", is_staff_officer | is_applicant)
rules.add_perm("outcomes.change_ipasset", is_staff_officer | (is_applicant & owns_asset))
rules.add_perm("outcomes.change_ipasset_owner", is_staff_officer)
rules.add_perm("outcomes.view_ipasset_history", is_government)
