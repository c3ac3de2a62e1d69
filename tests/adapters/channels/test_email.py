"""Email over a real SMTP server on 127.0.0.1: text + HTML, STARTTLS, SSL and login."""

from __future__ import annotations

import pytest

from tests.adapters.channels.test_contract import a_notification
from tests.smtp_sink import SmtpSink, accept_user, client_context, self_signed, server_context
from tocsin.adapters.channels.email import EmailChannel, SmtpOptions
from tocsin.domain.delivery import DeliveryFailed

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    made = self_signed(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("openssl is not installed: no certificate for the TLS tests")
    return made


def options(sink, **kw):
    return SmtpOptions(host="127.0.0.1", port=sink.port, sender="tocsin@example.org", timeout=5, **kw)


def test_a_page_has_a_text_and_an_html_part_and_a_stable_message_id():
    sink = SmtpSink().start()
    try:
        channel = EmailChannel(options(sink))
        notification = a_notification("email")
        reference = channel.send(notification, notification.key)
        [message] = sink.messages
    finally:
        sink.stop()
    assert message["Message-ID"] == reference == channel.message(notification)["Message-ID"]
    assert message["To"] == "Camille Martin <camille@example.org>"
    assert message["Subject"] == "[PAGE] [P0] #42 API down <script> — opened"
    assert message["X-Tocsin-Delivery"] == notification.key
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "You are paged" in text
    assert "http://127.0.0.1:8080/incidents/42" in text
    assert "API down &lt;script&gt;" in html
    assert "<script>" not in html


def test_starttls_with_login(certificate):
    cert, key = certificate
    sink = SmtpSink(
        tls_context=server_context(cert, key),
        require_starttls=True,
        authenticator=accept_user("tocsin", PASSWORD),
    ).start()
    try:
        channel = EmailChannel(
            options(sink, security="starttls", username="tocsin", password=PASSWORD), tls=client_context(cert)
        )
        channel.send(paged := a_notification("email"), paged.key)
        assert len(sink.messages) == 1
    finally:
        sink.stop()


def test_implicit_ssl(certificate):
    cert, key = certificate
    sink = SmtpSink(ssl_context=server_context(cert, key)).start()
    try:
        channel = EmailChannel(options(sink, security="ssl"), tls=client_context(cert))
        channel.send(paged := a_notification("email"), paged.key)
        assert len(sink.messages) == 1
    finally:
        sink.stop()


def test_a_refused_login_fails_without_showing_the_password(certificate):
    cert, key = certificate
    sink = SmtpSink(
        tls_context=server_context(cert, key), authenticator=accept_user("tocsin", "another password")
    ).start()
    try:
        channel = EmailChannel(
            options(sink, security="starttls", username="tocsin", password=PASSWORD), tls=client_context(cert)
        )
        with pytest.raises(DeliveryFailed, match="SMTPAuthenticationError") as failure:
            channel.send(paged := a_notification("email"), paged.key)
        assert PASSWORD not in str(failure.value)
        assert PASSWORD not in repr(options(sink, password=PASSWORD))
        assert sink.messages == []
    finally:
        sink.stop()


def test_a_page_in_french_when_the_job_runs_in_french():
    from tocsin.platform import i18n

    channel = EmailChannel(SmtpOptions(host="127.0.0.1", port=25, sender="tocsin@example.org"))
    with i18n.using("fr"):
        message = channel.message(a_notification("email"))
    assert message["Subject"] == "[APPEL] [P0] #42 API down <script> — ouvert"
    text = message.get_body(("plain",)).get_content()
    assert "Vous êtes appelé : merci d'acquitter l'incident." in text
    assert "Événement : ouvert à " in text
    assert " UTC" in text


ACK_URL = "https://tocsin.example/p/" + "a" * 32
ESCALATE_URL = "https://tocsin.example/p/" + "e" * 32


def test_a_page_with_links_carries_both_in_the_text_and_the_html():
    sink = SmtpSink().start()
    try:
        EmailChannel(options(sink)).send(
            paged := a_notification("email", ack_url=ACK_URL, escalate_url=ESCALATE_URL), paged.key
        )
        EmailChannel(options(sink)).send(
            paged := a_notification("email", key="notify:42:2:camille:email"), paged.key
        )
        with_links, without = sink.messages
    finally:
        sink.stop()
    text = with_links.get_body(("plain",)).get_content()
    html = with_links.get_body(("html",)).get_content()
    assert f"Acknowledge: {ACK_URL}" in text
    assert f"Escalate: {ESCALATE_URL}" in text
    assert f'<a href="{ACK_URL}">' in html
    assert f'<a href="{ESCALATE_URL}">' in html
    assert "works once" in text
    assert "/p/" not in without.get_body(("plain",)).get_content()  # no links issued: none shown
