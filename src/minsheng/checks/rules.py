"""Who may do what in the formal check (形式审查), as django-rules permissions.

- Programme officers (and administrators) run the check: start it for a call, pass, return for correction,
  reject, override a failed rule with a written reason; they also comment.
- Department officers of a department that co-owns the call (M05) read that call's applications and rule results
  and comment; they do not decide. Which calls they see is the scope's business (queries.py), so an
  application of another call answers 404.
- Auditors read everything (oversight) and decide nothing. Administrators are superusers, who hold every
  permission, so the rules say so instead of pretending otherwise.
"""

import rules

from minsheng.core.roles import is_admin, is_auditor, is_department_officer, is_officer

rules.add_perm("applications.view_formal_check", is_officer | is_department_officer | is_auditor | is_admin)
rules.add_perm("applications.decide_formal_check", is_officer | is_admin)
rules.add_perm("applications.comment_on_application", is_officer | is_department_officer | is_admin)
