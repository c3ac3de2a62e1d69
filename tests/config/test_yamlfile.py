"""Reading tocsin.yaml with the line of every key."""

from __future__ import annotations

from tocsin.config.yamlfile import read_yaml


def test_lines_of_keys_and_list_items(plan_file):
    source = read_yaml(
        plan_file(
            """
            severities:
              P0:
                escalate_to:
                  - role:cto
                  - team:dev
            """
        )
    )
    assert source.find(("severities", "P0", "escalate_to", 1)) == (5, 4)
    assert source.find(("severities", "p0", "name")) == (2, 2)  # nearest ancestor, any case
    assert source.find(("server", "port")) is None


def test_duplicate_keys_are_errors_pointing_at_both(plan_file):
    source = read_yaml(plan_file("server:\n  port: 1\n  port: 2\n"))
    assert source.problems == [f"{source.name}:3: server.port: duplicate key (first at line 2)"]
    assert source.data == {"server": {"port": 2}}


def test_clock_times_stay_text_instead_of_base_60_numbers(plan_file):
    source = read_yaml(plan_file("handoff: 9:00\nport: 8080\nratio: 0.5\n"))
    assert source.data == {"handoff": "9:00", "port": 8080, "ratio": 0.5}


def test_empty_file_is_no_settings(plan_file):
    source = read_yaml(plan_file(""))
    assert (source.data, source.problems) == ({}, [])


def test_top_level_must_be_a_mapping(plan_file):
    source = read_yaml(plan_file("- server\n"))
    assert source.problems == [f"{source.name}:1: the file must be a mapping of sections (server:, …)"]


def test_unclosed_flow_sequence(plan_file):
    source = read_yaml(plan_file("roles:\n  cto:\n    members: [alice\n"))
    assert len(source.problems) == 1
    assert source.problems[0].startswith(f"{source.name}:4: YAML syntax error: while parsing a flow sequence")


def test_not_utf8(tmp_path):
    path = tmp_path / "tocsin.yaml"
    path.write_bytes(b"name: \xff\n")
    assert read_yaml(path).problems == [f"{path}: not UTF-8 text"]
