"""E-mail sent after a change commits. A failing mail server never undoes or blocks the change."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def notify_users_on_commit(*, users, subject: str, body: str, kind: str = "notification") -> None:
    """Mail `body` to each of `users` with an address and CRM access (a guest reads no CRM
    data: it is not mailed what it cannot open, nor its title), once the current transaction
    commits; nothing is sent if it rolls back, and a mail failure is only logged."""
    recipients = list(
        dict.fromkeys(user.email for user in users if user.email and user.has_crm_access)
    )
    if not recipients:
        return

    def send() -> None:
        messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients]
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # the change is committed; a mail failure is only logged
            logger.exception("Could not send the %s %r", kind, subject)

    transaction.on_commit(send)


def notify_access_granted_on_commit(*, users, subject: str, body: str) -> None:
    notify_users_on_commit(users=users, subject=subject, body=body, kind="access notification")
