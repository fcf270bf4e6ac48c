"""Who may read notifications: every signed-in person with a role, and only their own (the views and the API
narrow to `queries.mine`, so another person's notification answers 404)."""

import rules

from minsheng.core.roles import has_a_role

rules.add_perm("notifications.view_own", has_a_role)
rules.add_perm("notifications.change_own_preferences", has_a_role)
