"""Email over SMTP (stdlib ``smtplib``): plain text and HTML, STARTTLS or SSL, optional login.

THE one SMTP sender: incident pages (a ``Notification``, text and HTML) and the plain-text
mails of the status page, the customer e-mails and the Art. 34 breach mails (a ``Letter``).

One connection per message, so a mail server that restarts never leaves a broken session
behind. The Message-ID is derived from the delivery key: a message re-sent after a worker died
mid-commit carries the same id, and mail clients thread or drop the duplicate.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, formatdate

from tocsin.adapters.channels.templates import render_html, render_subject, render_text
from tocsin.domain.delivery import DeliveryFailed
from tocsin.domain.notification import Notification
from tocsin.services.paging.ports import Letter


@dataclass(frozen=True)
class SmtpOptions:
    host: str
    port: int
    sender: str
    security: str = "none"  # none, starttls, ssl
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0


class EmailChannel:
    name = "email"

    def __init__(self, options: SmtpOptions, *, tls: ssl.SSLContext | None = None) -> None:
        self._options = options
        self._tls = tls

    def message(self, notification: Notification) -> EmailMessage:
        digest = _digest(notification.key)
        msg = EmailMessage()
        msg["Subject"] = render_subject(notification)
        msg["From"] = formataddr(("tocsin", self._options.sender))
        msg["To"] = formataddr((notification.name, notification.address))
        msg["Date"] = format_datetime(notification.at)
        msg["Message-ID"] = f"<{digest}@tocsin>"
        msg["X-Tocsin-Delivery"] = notification.key
        if notification.possible_repeat:  # the same Message-ID: clients may merge the two
            msg["X-Tocsin-Possible-Repeat"] = "yes"
        msg.set_content(render_text(notification))
        msg.add_alternative(render_html(notification), subtype="html")
        return msg

    def letter(self, letter: Letter, key: str) -> EmailMessage:
        """A plain-text mail; its Message-ID derives from ``key``, so a re-send after a worker
        died mid-commit is recognisable as the same mail."""
        msg = EmailMessage()
        msg["Subject"] = letter.subject
        msg["From"] = formataddr((letter.sender_name, self._options.sender))
        msg["To"] = letter.to
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = f"<{_digest(key)}@tocsin>"
        msg.set_content(letter.body)
        return msg

    def send(self, message: Notification | Letter, key: str) -> str:
        msg = self.letter(message, key) if isinstance(message, Letter) else self.message(message)
        options = self._options
        try:
            self._deliver(msg)
        except (OSError, smtplib.SMTPException) as exc:
            # The exception names the failure, never the credentials.
            raise DeliveryFailed(
                f"SMTP {options.host}:{options.port}: {type(exc).__name__}: {_short(exc)}"
            ) from None
        return str(msg["Message-ID"])

    def _context(self) -> ssl.SSLContext:
        """The TLS context, made once: loading the CA bundle costs tens of milliseconds, which
        every page paid (even without TLS) when it was made per message."""
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    def _deliver(self, msg: EmailMessage) -> None:
        options = self._options
        smtp: smtplib.SMTP
        if options.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                options.host, options.port, timeout=options.timeout, context=self._context()
            )
        else:
            smtp = smtplib.SMTP(options.host, options.port, timeout=options.timeout)
        with smtp:
            if options.security == "starttls":
                smtp.starttls(context=self._context())
            if options.username:
                smtp.login(options.username, options.password or "")
            smtp.send_message(msg)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _short(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)[:200]
