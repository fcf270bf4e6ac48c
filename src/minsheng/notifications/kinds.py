"""Every kind of notification the platform sends, in one registry.

A kind says what the event is (its code, stored on each notification), how it is called in the list and on the
preferences page, the clause of the rule it serves, whether it also comes by mail when the person has not chosen,
and which permission (a `rules` permission, asked of the notification's target, or of the object `via` names on
it) decides whether the person may still open what it links to. An app that adds an event adds its kind here.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: object          # lazily translated
    clause: str
    by_mail: bool          # the default when the person has not chosen
    permission: str        # asked of the target (or of its `via`) before the link is followed
    via: str = ""          # attribute path from the target to the object the permission judges ("project")

    def judged(self, target):
        """The object the permission is asked about: the target, or what `via` names on it."""
        for name in filter(None, self.via.split(".")):
            target = getattr(target, name, None)
            if target is None:
                return None
        return target


KINDS = [
    Kind("registry.organisation_decision", _("Organisation registration decided"), "", True,
         "registry.view_organisation"),
    Kind("checks.decision", _("Formal check decided"), "M17", True, "applications.view_application",
         via="application"),
    Kind("review.invitation", _("Review invitation"), "M17", True, "review.view_invitation"),
    Kind("funding.project_approved", _("Project approved"), "M17", True, "funding.view_project"),
    Kind("funding.plan_to_confirm", _("Funding plan to confirm"), "M05", True, "funding.view_plan"),
    Kind("funding.plan_in_district", _("Funding plan funding your district"), "M20", False, "funding.view_plan"),
    Kind("contracts.task_book", _("Task book to confirm"), "M17", True, "contracts.view_project", via="project"),
    Kind("contracts.tranche_requested", _("Disbursement to approve"), "M17", True, "contracts.view_project",
         via="project"),
    Kind("contracts.tranche_returned", _("Disbursement request returned"), "M17", True, "contracts.view_project",
         via="project"),
    Kind("problems.step", _("Progress of a problem you reported"), "M05", True, "calls.follow_problem"),
    Kind("registry.organisation_to_verify", _("Organisation waiting for verification"), "", False,
         "registry.verify_organisation"),
    Kind("projects.recovery_opened", _("Recovery of funds opened"), "M17", True, "projects.view_recoveries"),
    # Reminders (notifications/reminders.py, sent by the scheduler)
    Kind("applications.draft_closing", _("Call closing with a draft not submitted"), "M17", True,
         "applications.view_application"),
    Kind("review.due_soon", _("Review due soon"), "M17", True, "review.view_invitation"),
    Kind("review.overdue", _("Review overdue"), "M17", True, "review.view_invitation"),
    Kind("checks.correction_due", _("Correction deadline near"), "M17", True, "applications.view_application"),
    Kind("contracts.task_book_waiting", _("Task book still to confirm"), "M17", True, "contracts.view_project",
         via="project"),
    Kind("contracts.tranche_waiting", _("Disbursement request waiting"), "M17", True, "contracts.view_project",
         via="project"),
    Kind("funding.notice_ended", _("Public notice ended"), "M17", True, "funding.view_plan"),
]
BY_CODE = {kind.code: kind for kind in KINDS}


def choices() -> list[tuple[str, object]]:
    """The kinds as field choices: a callable, so that a kind added here needs no migration."""
    return [(kind.code, kind.label) for kind in KINDS]


def get(code: str) -> Kind:
    return BY_CODE[code]
