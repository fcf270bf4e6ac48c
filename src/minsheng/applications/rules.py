"""Who may do what with applications, as django-rules permissions (pages, API and services share them).

Without an object a permission answers whether the role may use the page at all (403 otherwise); with an
object, for that object. Views and the API first narrow to queries.applications_for, so an application
outside the user's scope answers 404 before any check.

- Applicants of a verified organisation start applications; any applicant user of the organisation edits,
  submits and withdraws its applications (several colleagues work on one application).
- Programme officers and administrators read every application; department officers read those of the
  calls their department co-owns. Neither edits an applicant's content.
- Experts, district officers, finance officers and auditors: no access here.
"""

import rules

from minsheng.applications import states
from minsheng.core.roles import is_admin, is_applicant, is_department_officer, is_officer


@rules.predicate
def of_own_organisation(user, application) -> bool:
    if application is None:
        return True
    return bool(user.organisation_id) and application.organisation_id == user.organisation_id


@rules.predicate
def is_editable(user, application) -> bool:
    return application is None or application.state in states.EDITABLE


@rules.predicate
def co_owns_call(user, application) -> bool:
    if application is None:
        return True
    return bool(user.department_id) and application.call.co_owners.filter(pk=user.department_id).exists()


reads_all = is_officer | is_admin

rules.add_perm("applications.view_application",
               reads_all | (is_applicant & of_own_organisation) | (is_department_officer & co_owns_call))
rules.add_perm("applications.add_application", is_applicant)
rules.add_perm("applications.change_application", is_applicant & of_own_organisation & is_editable)
rules.add_perm("applications.submit_application", is_applicant & of_own_organisation)
rules.add_perm("applications.withdraw_application", is_applicant & of_own_organisation)

