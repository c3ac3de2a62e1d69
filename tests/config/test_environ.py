"""Reading TOCSIN_<SECTION>__<KEY> variables into nested settings."""

from __future__ import annotations

from tocsin.config.environ import read_environ

SECTIONS = ["server", "database", "severities", "people"]


def test_nested_keys_are_lowercased_and_remember_their_variable():
    overlay = read_environ({"TOCSIN_SEVERITIES__P1__RESPONSE_TIME": "30m", "HOME": "/root"}, SECTIONS)
    assert overlay.data == {"severities": {"p1": {"response_time": "30m"}}}
    assert overlay.closest(("severities", "P1", "response_time")) == (
        "TOCSIN_SEVERITIES__P1__RESPONSE_TIME",
        3,
        True,
    )
    assert overlay.problems == []


def test_config_path_is_not_a_setting():
    assert read_environ({"TOCSIN_CONFIG": "/etc/tocsin.yaml"}, SECTIONS).data == {}


def test_empty_key_is_reported():
    overlay = read_environ({"TOCSIN_SERVER____PORT": "1"}, SECTIONS)
    assert overlay.problems == ["TOCSIN_SERVER____PORT: empty key between '__' separators"]


def test_a_whole_section_cannot_be_one_variable():
    overlay = read_environ({"TOCSIN_SERVER": "x"}, SECTIONS)
    assert overlay.data == {}
    assert overlay.problems[0].startswith("TOCSIN_SERVER: not a setting")


def test_a_value_and_a_key_inside_it_conflict():
    overlay = read_environ({"TOCSIN_PEOPLE__ALICE": "x", "TOCSIN_PEOPLE__ALICE__NAME": "Alice"}, SECTIONS)
    assert overlay.problems == [
        "TOCSIN_PEOPLE__ALICE__NAME: conflicts with TOCSIN_PEOPLE__ALICE, which sets people.alice"
    ]
