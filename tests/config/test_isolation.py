"""``security.isolation``: actions load with their secrets read from the environment; every
mistake (a variable not set, a method, a URL, a placeholder, a pattern, a timeout) is an error
at start naming the field and, where it applies, the variable."""

from __future__ import annotations

import pytest

from tocsin.config import ConfigError, load_settings

ACTION = """
security:
  isolation:
    actions:
      block_ip_range:
        label: Block IP range
        params:
          cidr: {pattern: '\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}', example: 203.0.113.0/24}
        method: %(method)s
        url: %(url)s
        headers: {Authorization: "Bearer ${WAF_TOKEN}", X-Source: tocsin}
        body: {cidr: "{params.cidr}", note: "%(note)s"}
        timeout: %(timeout)s
        undo:
          method: DELETE
          url: https://waf.example/rules/{params.cidr}
%(undo_headers)s
"""
GOOD = {
    "method": "post",
    "url": "https://waf.example/rules",
    "note": "incident {incident_id}",
    "timeout": "10s",
    "undo_headers": "",
}


def load(plan_file, environ=None, **changes):
    path = plan_file(ACTION % {**GOOD, **changes})
    return load_settings(
        {"TOCSIN_CONFIG": str(path), **({"WAF_TOKEN": "s3cret"} if environ is None else environ)}
    )


def problems(plan_file, environ=None, **changes):
    with pytest.raises(ConfigError) as caught:
        load(plan_file, environ, **changes)
    return "\n".join(caught.value.problems)


def test_an_action_loads_with_its_secret_from_the_environment(plan_file):
    (action,) = load(plan_file).security.isolation.to_domain()
    assert (action.key, action.label, action.run.method, action.timeout) == (
        "block_ip_range",
        "Block IP range",
        "POST",
        10.0,
    )
    assert dict(action.run.headers) == {"Authorization": "Bearer s3cret", "X-Source": "tocsin"}
    assert action.undo.headers == action.run.headers  # the undo sends the run's headers
    assert action.run.secrets == ("s3cret",)
    assert "s3cret" not in repr(load(plan_file))


def test_an_undo_with_its_own_headers_keeps_them(plan_file):
    undo_headers = "          headers: {X-Undo: undo}"
    (action,) = load(plan_file, undo_headers=undo_headers).security.isolation.to_domain()
    assert dict(action.undo.headers) == {"X-Undo": "undo"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {},
            "tocsin.yaml:10: security.isolation.actions.block_ip_range.headers: "
            "Authorization: environment variable WAF_TOKEN is not set",
        ),
        ({"WAF_TOKEN": ""}, "environment variable WAF_TOKEN is empty"),
    ],
)
def test_a_missing_variable_is_an_error_naming_it(plan_file, environ, message):
    assert message in problems(plan_file, environ)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"method": "TRACE"}, "block_ip_range.method: not one of GET, POST, PUT, PATCH, DELETE: 'TRACE'"),
        ({"url": "ftp://waf.example/rules"}, "block_ip_range.url: not an http(s) URL"),
        ({"url": "https://admin:pw@waf.example/rules"}, "no credentials in the URL"),
        ({"url": "https://waf.example/${WAF_TOKEN}"}, "${NAME} is for header values only"),
        (
            {"note": "{title}"},
            "block_ip_range: unknown placeholder {title} (known: incident_id, severity, actor, params.cidr)",
        ),
        ({"timeout": "5m"}, "block_ip_range.timeout: between 1s and 60s"),
    ],
)
def test_mistakes_are_named(plan_file, changes, message):
    assert message in problems(plan_file, **changes)


def test_a_bad_pattern_and_a_bad_variable_name(plan_file):
    path = plan_file(
        (ACTION % GOOD)
        .replace("'\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}'", "'(['")
        .replace("${WAF_TOKEN}", "${waf-token}")
    )
    with pytest.raises(ConfigError) as caught:
        load_settings({"TOCSIN_CONFIG": str(path)})
    text = "\n".join(caught.value.problems)
    assert "params.cidr.pattern: not a regular expression" in text
    assert "${waf-token}: not an environment variable name" in text
