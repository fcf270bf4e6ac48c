"""Mail leaves the request: each message is a background job (core.jobs), retried while the mail server is down.

Queue mail with `send_later` inside the transaction whose outcome it reports; it goes out once that commits and a
worker picks it up. One job per message, so a retry never sends a message twice to the people who already had it.
"""

from django.core.mail import EmailMessage

from minsheng.core.jobs import job, later


@job
def deliver(subject: str, body: str, recipients: list[str]) -> None:
    EmailMessage(subject, body, None, recipients).send(fail_silently=False)


def send_later(messages) -> int:
    """Queue (subject, body, [addresses]) messages; returns how many were queued (those with an address)."""
    queued = 0
    for subject, body, recipients in messages:
        recipients = [address for address in recipients if address]
        if recipients:
            later(deliver, str(subject), str(body), recipients)
            queued += 1
    return queued
