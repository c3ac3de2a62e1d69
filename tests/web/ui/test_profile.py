"""``/profile``: a person's own contact methods (add, send a code through the method's channel,
verify, remove), their notification rule and quiet hours. Each refused form comes back with 422
naming the problem, and nothing is written."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import time, timedelta

import pytest

from tests.paging_plan import Recorder
from tocsin import bootstrap
from tocsin.adapters.passwords import Argon2Passwords
from tocsin.config import Settings
from tocsin.domain.access import Role
from tocsin.domain.contacts import DEFAULT_RULE, QuietHours, RuleEntry
from tocsin.services.paging import contacts, profile

NORA = "responder@example.org"  # the responder account is Nora of the plan's people
CONFIG_VOICE = "+32470000001"


@pytest.fixture
def settings(db_url: str) -> Settings:
    people = {
        "nora": {
            "name": "Nora Janssens",
            "email": NORA,
            "timezone": "Europe/Brussels",
            "contact": {"voice": "+32 470 00 00 01"},
        },
        "victor": {"name": "Victor Viewer", "email": "viewer@example.org"},
    }
    return Settings.model_validate({"database": {"url": db_url}, "people": people})


@pytest.fixture
def channels() -> dict[str, Recorder]:
    return {name: Recorder(name) for name in ("email", "sms", "voice")}  # no push: not set up


@pytest.fixture
def container(settings, clock, channels) -> Iterator[bootstrap.Container]:
    built = bootstrap.build(settings, clock=clock)
    paging = dataclasses.replace(built.services.paging, channels=channels)
    try:
        yield dataclasses.replace(
            built,
            passwords=Argon2Passwords(time_cost=1, memory_cost=1024),
            services=dataclasses.replace(built.services, paging=paging),
        )
    finally:
        built.close()


@pytest.fixture
def token(as_role) -> str:
    return as_role(Role.RESPONDER)


def methods(services) -> dict[tuple[str, str], profile.MethodRow]:
    nora = services.paging.directory.people["nora"]
    return {(m.channel, m.address): m for m in profile.profile(services, nora).methods}


def stored_rule(services):
    with services.read() as uow:
        return uow.contacts.rule("nora", "Europe/Brussels")


def alert(response) -> str:
    match = re.search(r'class="alert alert-error[^"]*" role="alert"[^>]*>([^<]+)<', response.text)
    assert match, "no error shown next to the form"
    return match.group(1).replace("&#34;", '"').replace("&#39;", "'")


def flash(client) -> str:
    match = re.search(r'class="flash[^"]*"[^>]*>\s*<span[^>]*>.</span>([^<]+)', client.get("/profile").text)
    return match.group(1).strip() if match else ""


def post(client, path: str, token: str, **data: str):
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def code_sent(recorder: Recorder) -> str:
    match = re.search(r"\b(\d{6})\b", recorder.sent[-1].text)
    assert match, recorder.sent[-1].text
    return match.group(1)


def test_a_user_who_is_not_one_of_the_people_is_told_why_there_is_nothing_here(client, as_role):
    token = as_role(Role.ADMIN)
    page = client.get("/profile")
    assert page.status_code == 200
    assert "admin@example.org) is not one of the plan's <code>people</code>" in page.text
    assert "Ask an admin to add an entry with your e-mail" in page.text
    refused = post(client, "/profile/methods", token, channel="sms", address="+32470123456")
    assert refused.status_code == 404
    assert "admin@example.org is not one of the plan" in refused.text


def test_a_viewer_reads_their_profile_and_changes_nothing(client, as_role, services):
    token = as_role(Role.VIEWER)  # Victor, one of the people
    page = client.get("/profile").text
    assert "Your role (viewer) reads only: ask an admin" in page
    assert 'action="/profile/methods"' not in page
    assert "Save rules" not in page
    assert "<fieldset disabled>" in page
    for path, data in [
        ("/profile/methods", {"channel": "sms", "address": "+32470123499"}),
        ("/profile/rules", {"use_sms": "1", "after_sms": "0"}),
    ]:
        assert post(client, path, token, **data).status_code == 403
    with services.read() as uow:
        assert uow.contacts.methods(["victor"]) == []
        assert uow.contacts.rule("victor", "UTC") is None


def test_the_page_lists_the_directory_email_and_the_config_methods(client, token):
    page = client.get("/profile").text
    assert "Nora Janssens · responder@example.org · Europe/Brussels" in page
    assert 'href="/profile" aria-current="page"' in page  # linked from the top bar
    email = page.index(NORA, page.index('class="methods"'))
    assert "✓ Verified" in page[email : page.index("</li>", email)]
    voice = page.index(CONFIG_VOICE)
    row = page[voice : page.index("</li>", voice)]
    assert "Not verified" in row
    assert "from tocsin.yaml" in row
    assert "An admin changes it in tocsin.yaml" in row
    assert "/profile/methods/remove" not in row


def test_adding_an_sms_number_keeps_it_unverified_until_its_code(client, token, services):
    response = post(client, "/profile/methods", token, channel="sms", address="+32 470 12.34.56")
    assert response.status_code == 303
    assert "SMS +32470123456 added" in flash(client)
    added = methods(services)[("sms", "+32470123456")]
    assert (added.verified, added.source) == (False, "profile")


@pytest.mark.parametrize(
    ("channel", "address", "problem"),
    [
        ("sms", "0470 12 34 56", "“0470 12 34 56” does not start with + and the country code (E.164 form)"),
        ("voice", "+32 47O 12 34 56", "“+32 47O 12 34 56” has characters other than digits after the +"),
        ("sms", "+0470123456", "a country code never starts with 0"),
        ("sms", "+3247", "“+3247” is too short: an E.164 number has 7 to 15 digits"),
        ("voice", "+324701234567890123", "is too long: an E.164 number has at most 15 digits"),
        ("sms", "", "Enter a phone number"),
        ("push", "my pager!", "“my pager!” is not an ntfy topic: use letters, digits, _ and - only"),
        ("email", "nora@example.net", "Choose SMS, voice call or push: “email” cannot be added here"),
    ],
)
def test_a_bad_method_is_refused_naming_the_problem_and_nothing_is_added(
    client, token, services, channel, address, problem
):
    before = methods(services)
    response = post(client, "/profile/methods", token, channel=channel, address=address)
    assert response.status_code == 422
    assert problem in alert(response)
    assert f'value="{address}"' in response.text  # what was typed stays in the form
    assert methods(services) == before


def test_a_method_already_there_is_refused(client, token, services):
    response = post(client, "/profile/methods", token, channel="voice", address="+32470000001")
    assert response.status_code == 422
    assert "You already have this method: Voice call +32470000001." in alert(response)
    assert len([k for k in methods(services) if k[0] == "voice"]) == 1


def test_a_code_sent_by_sms_verifies_the_number(client, token, services, channels):
    post(client, "/profile/methods", token, channel="sms", address="+32470123456")
    sent = post(client, "/profile/methods/send-code", token, channel="sms", address="+32470123456")
    assert sent.status_code == 303
    assert "A code was sent by SMS to +32470123456; enter it within 10 minutes." in flash(client)
    (message,) = channels["sms"].sent
    assert message.address == "+32470123456"
    assert channels["email"].sent == []
    assert methods(services)[("sms", "+32470123456")].code_pending
    response = post(
        client,
        "/profile/methods/verify",
        token,
        channel="sms",
        address="+32470123456",
        code=code_sent(channels["sms"]),
    )
    assert response.status_code == 303
    assert "+32470123456 is verified: pages may use it now." in flash(client)
    assert methods(services)[("sms", "+32470123456")].verified


def test_the_config_voice_number_is_verified_by_a_call(client, token, services, channels):
    post(client, "/profile/methods/send-code", token, channel="voice", address=CONFIG_VOICE)
    assert [n.address for n in channels["voice"].sent] == [CONFIG_VOICE]
    code = code_sent(channels["voice"])
    post(client, "/profile/methods/verify", token, channel="voice", address=CONFIG_VOICE, code=code)
    row = methods(services)[("voice", CONFIG_VOICE)]
    assert (row.verified, row.source) == (True, "config")


def test_wrong_expired_and_too_many_codes_are_explained(client, token, services, channels, clock):
    post(client, "/profile/methods", token, channel="sms", address="+32470123456")
    where = {"channel": "sms", "address": "+32470123456"}
    none = post(client, "/profile/methods/verify", token, code="123456", **where)
    assert none.status_code == 422
    assert "No code was sent to this method yet" in alert(none)

    post(client, "/profile/methods/send-code", token, **where)
    right = code_sent(channels["sms"])
    wrong = "000000" if right != "000000" else "111111"
    typo = post(client, "/profile/methods/verify", token, code="12a456", **where)
    assert typo.status_code == 422
    assert "The code is the 6 digits sent to you; “12a456” is not." in alert(typo)
    first = post(client, "/profile/methods/verify", token, code=wrong, **where)
    assert first.status_code == 422
    assert "That is not the code sent: 4 attempts left." in alert(first)  # the typo did not count
    for left in (3, 2, 1):
        assert f"{left} attempt" in alert(post(client, "/profile/methods/verify", token, code=wrong, **where))
    last = post(client, "/profile/methods/verify", token, code=wrong, **where)
    assert "it was the last attempt: send a new code" in alert(last)
    locked = post(client, "/profile/methods/verify", token, code=right, **where)
    assert locked.status_code == 422
    assert "Too many wrong codes (5): send a new code." in alert(locked)
    assert not methods(services)[("sms", "+32470123456")].verified

    clock.advance(timedelta(minutes=1))
    assert post(client, "/profile/methods/send-code", token, **where).status_code == 303
    assert len(channels["sms"].sent) == 2
    clock.advance(timedelta(minutes=10, seconds=1))
    late = post(client, "/profile/methods/verify", token, code=code_sent(channels["sms"]), **where)
    assert late.status_code == 422
    assert "That code expired (a code is valid 10 minutes): send a new one." in alert(late)
    assert not methods(services)[("sms", "+32470123456")].verified


def test_a_code_cannot_go_through_a_channel_tocsin_does_not_have(client, token, services):
    post(client, "/profile/methods", token, channel="push", address="nora-pager")
    response = post(client, "/profile/methods/send-code", token, channel="push", address="nora-pager")
    assert response.status_code == 422
    assert "Push (ntfy) is not set up on this tocsin, so no code can be sent: ask an admin." in alert(
        response
    )
    assert not methods(services)[("push", "nora-pager")].code_pending


def test_an_unknown_method_is_404(client, token):
    response = post(client, "/profile/methods/send-code", token, channel="sms", address="+32499999999")
    assert response.status_code == 404
    assert "you have no sms method" in response.text


def test_a_method_added_here_is_removed_and_a_config_one_is_not(client, token, services):
    post(client, "/profile/methods", token, channel="sms", address="+32470123456")
    removed = post(client, "/profile/methods/remove", token, channel="sms", address="+32470123456")
    assert removed.status_code == 303
    assert "SMS +32470123456 removed." in flash(client)
    assert ("sms", "+32470123456") not in methods(services)
    refused = post(client, "/profile/methods/remove", token, channel="voice", address=CONFIG_VOICE)
    assert refused.status_code == 422
    assert "This method comes from the configuration (tocsin.yaml): ask an admin" in alert(refused)
    assert ("voice", CONFIG_VOICE) in methods(services)


def test_the_rule_and_quiet_hours_are_saved(client, token, services):
    page = client.get("/profile").text
    assert 'name="use_sms" value="1" checked' in page
    assert 'name="after_sms" value="2"' in page
    response = post(
        client,
        "/profile/rules",
        token,
        use_sms="1",
        after_sms="0",
        use_voice="1",
        after_voice="3",
        after_push="0",  # unticked: not in the rule
        quiet="1",
        quiet_start="22:30",
        quiet_end="06:45",
    )
    assert response.status_code == 303
    assert "Notification rules saved." in flash(client)
    saved = stored_rule(services)
    assert saved.rule == (RuleEntry("sms", timedelta(0)), RuleEntry("voice", timedelta(minutes=3)))
    assert saved.quiet == QuietHours(time(22, 30), time(6, 45), "Europe/Brussels")
    page = client.get("/profile").text
    assert 'name="use_push" value="1" checked' not in page
    assert 'name="after_voice" value="3"' in page
    assert 'value="22:30"' in page
    assert "P0 or P1 page ignores them" in page

    post(client, "/profile/rules", token, use_email="1", after_email="0")  # quiet hours off
    assert stored_rule(services).quiet is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"use_sms": "1", "after_sms": "two"}, "SMS: “two” is not a number of minutes."),
        ({"use_voice": "1", "after_voice": "-5"}, "Voice call: the delay cannot be negative."),
        ({"use_voice": "1", "after_voice": "1441"}, "Voice call: at most 1440 minutes (24 h)."),
        ({"after_sms": "2"}, "Choose at least one method, or pages never reach you."),
        (
            {"use_sms": "1", "quiet": "1", "quiet_start": "25:00", "quiet_end": "07:00"},
            "Quiet hours: “25:00” is not a time (HH:MM).",
        ),
        (
            {"use_sms": "1", "quiet": "1", "quiet_start": "07:00", "quiet_end": "07:00"},
            "Quiet hours: the start and the end are the same time.",
        ),
    ],
)
def test_a_bad_rule_is_refused_naming_the_problem_and_nothing_is_saved(
    client, token, services, data, problem
):
    response = post(client, "/profile/rules", token, **data)
    assert response.status_code == 422
    assert problem in alert(response)
    assert stored_rule(services) is None
    nora = services.paging.directory.people["nora"]
    with services.read() as uow:
        assert contacts.rule_of(services, uow, nora).rule == DEFAULT_RULE


def test_every_form_needs_the_csrf_token(client, token, services):
    for path in ("/profile/methods", "/profile/rules", "/profile/methods/remove"):
        response = client.post(path, data={"channel": "sms", "address": "+32470123456", "use_sms": "1"})
        assert response.status_code == 403, path
    assert ("sms", "+32470123456") not in methods(services)
    assert stored_rule(services) is None


def test_the_page_and_its_errors_speak_french(client, token):
    french = {"Accept-Language": "fr-BE,fr;q=0.9"}
    page = client.get("/profile", headers=french).text
    assert "Moyens de contact" in page
    assert "une alerte P0 ou P1 les ignore" in page
    response = client.post(
        "/profile/methods",
        data={"channel": "sms", "address": "0470 12 34 56", "csrf_token": token},
        headers=french,
    )
    assert response.status_code == 422
    assert "« 0470 12 34 56 » ne commence pas par + et l'indicatif du pays (format E.164)" in alert(response)


def test_the_preferences_page_links_the_profile(client, token):
    page = client.get("/preferences").text
    assert '<a href="/profile">How pages reach you (contact methods, notification rules, quiet hours)' in page


def test_a_new_code_waits_a_minute_after_the_last(client, token, channels, clock):
    post(client, "/profile/methods", token, channel="sms", address="+32470123456")
    where = {"channel": "sms", "address": "+32470123456"}
    post(client, "/profile/methods/send-code", token, **where)
    first = code_sent(channels["sms"])
    clock.advance(timedelta(seconds=20))
    again = post(client, "/profile/methods/send-code", token, **where)
    assert again.status_code == 429
    assert "A code was sent less than a minute ago: wait 41 seconds before asking for another." in alert(
        again
    )
    assert len(channels["sms"].sent) == 1
    clock.advance(timedelta(seconds=41))
    assert post(client, "/profile/methods/send-code", token, **where).status_code == 303
    assert len(channels["sms"].sent) == 2
    replaced = post(client, "/profile/methods/verify", token, code=first, **where)
    if first != code_sent(channels["sms"]):  # the new code replaced the old one
        assert replaced.status_code == 422
