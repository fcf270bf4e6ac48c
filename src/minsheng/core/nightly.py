"""The audit trail's nightly check (settings.SCHEDULE): the whole chain walked, then a checkpoint of its head.

A broken chain is mailed at once to the administrators and auditors (not only shown in the platform, whose own
records are what is in doubt) and the job fails without retrying (a retry would mail them again), so it stays
listed on the operations page. Run by hand with
`minsheng audit verify` and `minsheng audit checkpoint`.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.core import checkpoints, jobs, mail
from minsheng.core.roles import Role

logger = logging.getLogger("minsheng.audit")


class AuditTrailBroken(Exception):
    pass


@jobs.job(retries=(), label=_("Nightly check of the audit trail"))
def verify_audit_trail() -> str:
    check = checkpoints.verify_trail()
    if check.ok:
        checkpoint, _findings = checkpoints.write("nightly")
        logger.info("nightly audit check: chain intact up to event %s", checkpoint.seq)
        return f"intact up to event {checkpoint.seq}"
    for finding in check.findings:
        logger.error("nightly audit check: %s", finding)
    recipients = list(get_user_model().objects.filter(role__in=[Role.ADMIN, Role.AUDITOR], is_active=True)
                      .exclude(email="").values_list("email", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        subject = "[" + gettext("Minsheng") + "] " + gettext("The audit trail failed its nightly check")
        body = "\n".join([gettext("The nightly check of the audit trail found these problems:"), "",
                          *(str(finding) for finding in check.findings), "",
                          gettext("Run `minsheng audit verify` on the server for the details.")])
    mail.send_later((subject, body, [address]) for address in recipients)
    raise AuditTrailBroken(f"{len(check.findings)} problem(s) in the audit trail")
