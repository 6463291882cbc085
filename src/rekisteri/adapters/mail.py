"""Sending e-mail through SMTP (smtplib): confirmation links and marketing messages."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    timeout: float = 30.0

    def send(self, message: EmailMessage) -> None:
        if "From" not in message:
            message["From"] = self.sender
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)


def marketing_message(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    unsubscribe_url: str,
) -> EmailMessage:
    """A marketing e-mail with the one-click unsubscribe headers of RFC 8058.

    The receiving provider POSTs `List-Unsubscribe=One-Click` to the URL; the URL itself is
    the person's signed link, so no login is needed. (RFC 8058 also wants a DKIM signature
    covering both headers: that is the outgoing mail server's work.)
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    return message
