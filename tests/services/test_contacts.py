"""Contact methods: the config's seeded at start, codes sent through the method itself,
hashed, 10 minutes, 5 attempts; only verified methods are paged."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.paging_plan import Recorder, drain, plan
from tocsin.config import Settings
from tocsin.domain.contacts import ContactMethod
from tocsin.domain.errors import InvalidInput
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.services.paging import contacts


@pytest.fixture
def settings(db_url):
    config = plan(db_url)
    config["people"]["camille"] |= {
        "contact": {"sms": "+32470000001", "push": "camille-pager", "verified": True}
    }
    config["people"]["david"] |= {"contact": {"voice": "+32470000002"}}
    return Settings.model_validate(config)


@pytest.fixture
def sms():
    return Recorder("sms")


@pytest.fixture
def svc(services, sms):
    channels = {"sms": sms, "voice": Recorder("voice"), "email": Recorder("email")}
    return replace(services, paging=replace(services.paging, channels=channels, person_channels=("email",)))


def stored(svc, person):
    with svc.read() as uow:
        return {(m.channel, m.address): (m.source, m.verified) for m in uow.contacts.methods([person])}


def test_config_methods_are_seeded_attested_ones_verified_and_removed_ones_dropped(svc, clock):
    contacts.seed_from_config(svc)
    contacts.seed_from_config(svc)  # every start: no duplicates
    assert stored(svc, "camille") == {
        ("sms", "+32470000001"): ("config", True),
        ("push", "camille-pager"): ("config", True),
    }
    assert stored(svc, "david") == {("voice", "+32470000002"): ("config", False)}
    contacts.add_method(svc, "david", "sms", "+32 470 00 00 03")
    svc = replace(svc, paging=replace(svc.paging, contacts=()))  # the config no longer lists them
    contacts.seed_from_config(svc)
    assert stored(svc, "camille") == {}
    assert stored(svc, "david") == {("sms", "+32470000003"): ("profile", False)}


def code_in(recorder):
    return re.search(r"\b(\d{6})\b", recorder.sent[-1].text).group(1)


def test_a_code_sent_by_sms_verifies_the_number_which_is_then_paged(svc, sms, container, responder, clock):
    method = contacts.add_method(svc, "hugo", "sms", "+32470000009")
    contacts.send_code(svc, method)
    assert sms.sent[-1].address == "+32470000009"
    code = code_in(sms)
    with svc.read() as uow:
        pending = uow.contacts.pending_code(method)
    assert code not in pending.code_hash  # stored hashed
    wrong = "000000" if code != "000000" else "111111"
    assert contacts.verify(svc, method, wrong) is False
    assert contacts.verify(svc, method, code) is True
    assert stored(svc, "hugo") == {("sms", "+32470000009"): ("profile", True)}

    incidents.declare_incident(svc, title="Typo", severity=Severity.P3, by=responder)  # pages the dev team
    clock.advance(timedelta(minutes=2))
    drain(container, svc)
    assert [n.recipient for n in sms.sent if n.purpose.value == "page"] == ["hugo"]  # Inès has none


def test_a_code_expires_after_10_minutes_and_allows_5_attempts(svc, sms, clock):
    method = contacts.add_method(svc, "hugo", "sms", "+32470000009")
    contacts.send_code(svc, method)
    clock.advance(timedelta(minutes=10))
    with pytest.raises(InvalidInput, match="expired"):
        contacts.verify(svc, method, code_in(sms))
    contacts.send_code(svc, method)
    code = code_in(sms)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert contacts.verify(svc, method, wrong) is False
    with pytest.raises(InvalidInput, match="5 wrong codes"):
        contacts.verify(svc, method, code)
    assert stored(svc, "hugo")[("sms", "+32470000009")] == ("profile", False)


def test_bad_methods_and_unconfigured_channels_are_refused_clearly(svc):
    with pytest.raises(InvalidInput, match=r"not an E\.164 phone number: '0470'"):
        contacts.add_method(svc, "hugo", "sms", "0470")
    method = contacts.add_method(svc, "hugo", "push", "hugo-pager")
    with pytest.raises(InvalidInput, match="the push channel is not configured"):
        contacts.send_code(svc, method)
    with pytest.raises(InvalidInput, match="no code is pending"):
        contacts.verify(svc, ContactMethod("hugo", "push", "hugo-pager"), "123456")
