"""The ``statuspage`` section: where the static export goes."""

from __future__ import annotations

import pytest

from tocsin.config import ConfigError, load_settings, load_settings_file


def test_export_dir_is_off_unless_set(plan_file):
    settings = load_settings_file(plan_file("statuspage: {name: Status}"))
    assert settings.statuspage.export_dir is None


def test_export_dir_takes_an_absolute_path_from_the_file_or_the_environment(plan_file, tmp_path):
    path = plan_file(f"statuspage:\n  export_dir: {tmp_path / 'site'}\n")
    assert load_settings_file(path).statuspage.export_dir == str(tmp_path / "site")
    environ = {"TOCSIN_CONFIG": str(path), "TOCSIN_STATUSPAGE__EXPORT_DIR": "/srv/status"}
    assert load_settings(environ).statuspage.export_dir == "/srv/status"
    assert load_settings({**environ, "TOCSIN_STATUSPAGE__EXPORT_DIR": ""}).statuspage.export_dir is None


def test_a_relative_export_dir_is_refused_with_file_line_and_reason(plan_file):
    path = plan_file(
        """
        statuspage:
          name: Status
          export_dir: public/status
        """
    )
    with pytest.raises(ConfigError) as caught:
        load_settings_file(path)
    [problem] = caught.value.problems
    assert f"{path}:3" in problem
    assert "statuspage.export_dir" in problem
    assert problem.endswith("must be an absolute path such as /var/www/status (got 'public/status')")
