"""``tocsin user contact …``: a person's contact methods from a terminal."""

import pytest
import yaml
from typer.testing import CliRunner

from tests.paging_plan import plan
from tocsin.cli import app

runner = CliRunner()


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch):
    path = tmp_path / "tocsin.yaml"
    data = plan(db_url)
    data["people"]["nora"]["contact"] = {"push": "nora-pager", "verified": True}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("TOCSIN_CONFIG", str(path))
    monkeypatch.delenv("TOCSIN_DATABASE_URL", raising=False)

    def run(*args, code=0):
        result = runner.invoke(app, list(args), terminal_width=200)
        assert result.exit_code == code, result.output
        return result

    return run


def test_add_list_and_remove_a_method(cli):
    cli("db", "upgrade")
    assert (
        "Added sms +32470123456 for nora"
        in cli("user", "contact", "add", "nora", "sms", "+32 470 12 34 56").output
    )
    listed = cli("user", "contact", "ls", "nora").output
    assert "+32470123456" in listed
    assert "push" in listed  # attested in the config
    assert [line.split()[-1] for line in listed.splitlines() if "+32470123456" in line] == ["no"]
    assert (
        "not configured" in cli("user", "contact", "send-code", "nora", "sms", "+32470123456", code=2).output
    )
    cli("user", "contact", "rm", "nora", "sms", "+32470123456")
    assert "+32470123456" not in cli("user", "contact", "ls", "nora").output


def test_bad_input_is_refused_naming_the_problem(cli):
    cli("db", "upgrade")
    assert (
        "not an E.164 phone number: '0470'"
        in cli("user", "contact", "add", "nora", "sms", "0470", code=2).output
    )
    assert "no person 'zed'" in cli("user", "contact", "add", "zed", "sms", "+32470123456", code=3).output
    assert (
        "unknown channel 'fax'" in cli("user", "contact", "add", "nora", "fax", "+32470123456", code=2).output
    )
