"""Plain-text customer and subscriber mail over SMTP."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from tocsin.adapters.channels.email import SmtpOptions
from tocsin.services.paging import DeliveryFailed


class SmtpMailer:
    """One connection per message; the Message-ID derives from the key, so a re-send after a
    worker died mid-commit is recognisable as the same mail."""

    def __init__(self, options: SmtpOptions, *, sender_name: str = "Status") -> None:
        self._options = options
        self._sender_name = sender_name

    def message(self, *, to: str, subject: str, body: str, key: str) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = subject
        msg["From"] = formataddr((self._sender_name, self._options.sender))
        msg["To"] = to
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@tocsin>"
        msg.set_content(body)
        return msg

    def send(self, *, to: str, subject: str, body: str, key: str) -> str:
        msg = self.message(to=to, subject=subject, body=body, key=key)
        opts = self._options
        try:
            smtp_class = smtplib.SMTP_SSL if opts.security == "ssl" else smtplib.SMTP
            with smtp_class(opts.host, opts.port, timeout=opts.timeout) as smtp:
                if opts.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if opts.username and opts.password:
                    smtp.login(opts.username, opts.password)
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"SMTP {opts.host}:{opts.port}: {type(exc).__name__}") from None
        return str(msg["Message-ID"])
