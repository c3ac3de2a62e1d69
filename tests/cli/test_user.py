"""``tocsin user``: accounts for the web UI."""

import pytest
from typer.testing import CliRunner

from tocsin.cli import app

runner = CliRunner()


@pytest.fixture
def cli(db_url, monkeypatch):
    monkeypatch.delenv("TOCSIN_CONFIG", raising=False)
    monkeypatch.setenv("TOCSIN_DATABASE_URL", db_url)

    def run(*args, code=0, input=None):
        result = runner.invoke(app, list(args), input=input)
        assert result.exit_code == code, result.output
        return result

    return run


def test_create_with_a_password_then_list(cli):
    created = cli(
        "user", "create", "Rita@Example.org", "--role", "responder", "--password", "quiet river lantern"
    )
    assert "Created user rita@example.org with role responder." in created.output
    assert "/sign-in" in created.output
    listed = cli("user", "ls").output
    assert "rita@example.org" in listed
    assert "quiet river lantern" not in listed


def test_a_piped_password_is_read_once_and_checked_at_once(cli):
    result = cli("user", "create", "ada@example.org", "--role", "admin", input="long enough pw\n")
    assert "Created user ada@example.org with role admin." in result.output
    assert "Password" not in result.output  # no prompt when standard input is not a terminal
    short = cli("user", "create", "bob@example.org", "--password-stdin", input="short\n", code=2)
    assert "at least 12 characters" in short.output
    both = cli(
        "user",
        "create",
        "c@example.org",
        "--password",
        "quiet river lantern",
        "--password-stdin",
        input="y\n",
        code=2,
    )
    assert "not both" in both.output
    changed = cli("user", "passwd", "ada@example.org", "--password-stdin", input="another long one\n")
    assert "Password of ada@example.org changed" in changed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody", "--password", "quiet river lantern"), "not an email address"),
        (("a@example.org", "--password", "short"), "at least 12 characters"),
        (("a@example.org", "--role", "boss", "--password", "quiet river lantern"), "unknown role"),
    ],
)
def test_bad_input_is_refused_with_exit_code_2(cli, args, message):
    assert message in cli("user", "create", *args, code=2).output


def test_a_duplicate_email_is_a_conflict(cli):
    cli("user", "create", "a@example.org", "--password", "quiet river lantern")
    assert (
        "already exists"
        in cli("user", "create", "A@example.org", "--password", "second quiet lantern", code=4).output
    )


def test_passwd_replaces_the_password(cli):
    cli("user", "create", "a@example.org", "--password", "quiet river lantern")
    assert (
        "Password of a@example.org changed"
        in cli("user", "passwd", "a@example.org", "--password", "third amber harbour").output
    )
    cli("user", "passwd", "b@example.org", "--password", "third amber harbour", code=3)


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "123456789012", "abcabcabcabc"])
def test_common_passwords_are_refused_when_creating_or_changing(cli, password):
    refused = cli("user", "create", "a@example.org", "--password", password, code=2)
    assert "too common" in refused.output
    cli("user", "create", "a@example.org", "--password", "quiet river lantern")
    assert "too common" in cli("user", "passwd", "a@example.org", "--password", password, code=2).output
    assert (
        "too common"
        in cli("user", "passwd", "a@example.org", "--password-stdin", input=f"{password}\n", code=2).output
    )


def test_a_users_language_set_from_the_cli(cli):
    cli("user", "create", "rita@example.org", "--password", "quiet river lantern")
    assert "Language of rita@example.org: fr" in cli("user", "language", "rita@example.org", "fr").output
    refused = cli("user", "language", "rita@example.org", "de", code=2)
    assert "language: one of en, fr" in refused.output
    assert "as the browser asks" in cli("user", "language", "rita@example.org", "auto").output
