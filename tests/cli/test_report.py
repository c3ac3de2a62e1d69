from typer.testing import CliRunner

from tocsin.cli import app

runner = CliRunner()


def test_report_from_the_cli(db_url, monkeypatch):
    monkeypatch.delenv("TOCSIN_CONFIG", raising=False)
    monkeypatch.setenv("TOCSIN_DATABASE_URL", db_url)
    args = [
        "report",
        "Checkout is slow",
        "-d",
        "p99 5s",
        "--severity",
        "P2",
        "--service",
        "api",
        "--by",
        "nora",
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Opened incident #1" in first.output
    second = runner.invoke(app, [*args[:-1], "ines"])
    assert "Added to incident #1" in second.output
    bad = runner.invoke(app, ["report", "x", "--severity", "P7"])
    assert bad.exit_code == 2
