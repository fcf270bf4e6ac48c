"""Who may do what in the registry, as django-rules permissions used by the pages, the API and the services.

Called without an object, a permission answers whether the user's role may use the page at all (a wrong
role gets 403). Called with an object, it answers for that object; views and the API first narrow the
queryset to the user's scope (queries.py), so an object outside it answers 404 before any check.

- Organisations: government roles read all; an applicant reads and edits the profile of its own
  organisation; programme officers and administrators create, edit, verify and reject. Experts: no access.
- People: government roles read all; an applicant reads, registers and edits the people of its own
  organisation; an expert reads only the person record linked to the account. Contact details and the
  masked identity number are shown only to those who manage the person (and to the person).
- Innovation carriers, service institutions, shared facilities: public directories, read by anyone;
  officers and administrators write; an applicant may register and edit carriers and facilities its
  own organisation hosts.
- Cooperation partners (M22): government roles and applicants read (applicants choose partners for their
  applications); officers and administrators write. Which organisations work with a partner is shown to
  government roles only; an applicant sees only whether its own organisation does.
"""

import rules

from minsheng.core.roles import is_applicant, is_expert, is_government, is_staff_officer


@rules.predicate
def is_own_organisation(user, organisation) -> bool:
    if organisation is None:
        return True
    return bool(user.organisation_id) and user.organisation_id == organisation.pk


@rules.predicate
def is_person_of_own_organisation(user, person) -> bool:
    if person is None:
        return True
    return bool(user.organisation_id) and user.organisation_id == person.organisation_id


@rules.predicate
def is_own_person_record(user, person) -> bool:
    if person is None:
        return True
    return bool(user.person_id) and user.person_id == person.pk


@rules.predicate
def hosts_object(user, obj) -> bool:
    """The object (carrier or facility) is hosted by the user's organisation."""
    if obj is None:
        return True
    return bool(user.organisation_id) and user.organisation_id == obj.host_id


everyone = rules.always_allow

# Organisations
rules.add_perm("registry.view_organisation", is_government | (is_applicant & is_own_organisation))
rules.add_perm("registry.add_organisation", is_staff_officer)
rules.add_perm("registry.change_organisation", is_staff_officer | (is_applicant & is_own_organisation))
rules.add_perm("registry.change_organisation_identity", is_staff_officer)  # credit code, and the state
# Which states may change is the transition table's business (states.py), decided by a conditional update.
rules.add_perm("registry.verify_organisation", is_staff_officer)
rules.add_perm("registry.reject_organisation", is_staff_officer)
rules.add_perm("registry.view_organisation_history", is_government)

# People
rules.add_perm("registry.view_person",
               is_government | (is_applicant & is_person_of_own_organisation) | (is_expert & is_own_person_record))
rules.add_perm("registry.add_person", is_staff_officer | is_applicant)
rules.add_perm("registry.change_person", is_staff_officer | (is_applicant & is_person_of_own_organisation))
rules.add_perm("registry.view_person_contact",
               is_staff_officer | (is_applicant & is_person_of_own_organisation) | (is_expert & is_own_person_record))
rules.add_perm("registry.view_person_history", is_government)

# Innovation carriers and infrastructure (M01, M02, M04): a public directory
rules.add_perm("registry.view_innovationcarrier", everyone)
rules.add_perm("registry.add_innovationcarrier", is_staff_officer | is_applicant)
rules.add_perm("registry.change_innovationcarrier", is_staff_officer | (is_applicant & hosts_object))
rules.add_perm("registry.view_innovationcarrier_history", is_government)

# Service institutions (M03): a public directory
rules.add_perm("registry.view_serviceinstitution", everyone)
rules.add_perm("registry.add_serviceinstitution", is_staff_officer)
rules.add_perm("registry.change_serviceinstitution", is_staff_officer)
rules.add_perm("registry.view_serviceinstitution_history", is_government)

# Shared facilities (M03): a public directory
rules.add_perm("registry.view_sharedfacility", everyone)
rules.add_perm("registry.add_sharedfacility", is_staff_officer | is_applicant)
rules.add_perm("registry.change_sharedfacility", is_staff_officer | (is_applicant & hosts_object))
rules.add_perm("registry.view_sharedfacility_history", is_government)

# Cooperation partners (M22)
rules.add_perm("registry.view_cooperationpartner", is_government | is_applicant)
rules.add_perm("registry.add_cooperationpartner", is_staff_officer)
rules.add_perm("registry.change_cooperationpartner", is_staff_officer)
rules.add_perm("registry.view_cooperationpartner_links", is_government)
rules.add_perm("registry.view_cooperationpartner_history", is_government)
