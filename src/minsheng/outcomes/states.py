"""The states of an achievement's verification (M18) and of an IP right's lapse (M19), through core.workflow.move.

- An achievement is recorded unverified; an officer who can see the projects that produced it verifies it, and
  may take the verification back (with a reason) so that the organisation can correct it.
- A demonstration site is verified and unverified the same way, by an officer who can see its projects (M18).
- A transfer (M18) is verified the same way, by an officer who can see the projects behind its achievements; only
  verified transfers count in the transfer rate.
- An IP right that was filed or granted lapses once (unpaid fee, abandoned, invalidated, term ended), with the date
  and the reason recorded on the step; the M19 rule counts granted rights only, so a lapsed right stops counting.
"""

from django.utils.translation import gettext_lazy as _

from minsheng.core.workflow import Transition, Workflow, register
from minsheng.outcomes.models import Achievement, DemonstrationSite, IPAsset, Transfer

A = Achievement.State
S = IPAsset.Status
T = Transfer.State

ACHIEVEMENT = register(Workflow(Achievement, [
    Transition("verify", {A.UNVERIFIED}, A.VERIFIED, "outcomes.verify_achievement", "M18"),
    Transition("unverify", {A.VERIFIED}, A.UNVERIFIED, "outcomes.verify_achievement", "M18"),
], prefix="outcomes.achievement", stale=_("This achievement is now “%(state)s”, so it cannot become “%(target)s”. "
                                          "Nothing was changed; reload the page to see its current state.")))

LAPSE = register(Workflow(IPAsset, [
    Transition("lapse", {S.FILED, S.GRANTED}, S.LAPSED, "outcomes.record_lapse", "M19"),
], prefix="outcomes.ipasset", field="status",
    stale=_("This IP right is now “%(state)s”, so it cannot become “%(target)s”: a lapse is recorded once. Nothing "
            "was changed; reload the page to see it.")))

D = DemonstrationSite.State

SITE = register(Workflow(DemonstrationSite, [
    Transition("verify", {D.UNVERIFIED}, D.VERIFIED, "outcomes.verify_site", "M18"),
    Transition("unverify", {D.VERIFIED}, D.UNVERIFIED, "outcomes.verify_site", "M18"),
], prefix="outcomes.demonstrationsite", stale=_("This demonstration site is now “%(state)s”, so it cannot become "
                                                "“%(target)s”. Nothing was changed; reload the page to see its "
                                                "current state.")))
TRANSFER = register(Workflow(Transfer, [
    Transition("verify", {T.UNVERIFIED}, T.VERIFIED, "outcomes.verify_transfer", "M18"),
    Transition("unverify", {T.VERIFIED}, T.UNVERIFIED, "outcomes.verify_transfer", "M18"),
], prefix="outcomes.transfer", stale=_("This transfer is now “%(state)s”, so it cannot become “%(target)s”. "
                                       "Nothing was changed; reload the page to see its current state.")))
