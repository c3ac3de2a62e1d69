import pytest

from tocsin.domain.errors import InvalidTransition
from tocsin.domain.lifecycle import ALLOWED, Phase, require


def test_only_detection_triage_and_resolution_are_open():
    assert [p for p in Phase if p.is_open] == [Phase.DETECTION, Phase.TRIAGE, Phase.RESOLUTION]


def test_the_error_says_the_current_phase_and_where_the_command_is_allowed():
    with pytest.raises(InvalidTransition) as err:
        require("acknowledge", Phase.CLOSED)
    assert "phase 'closed'" in err.value.detail
    assert "allowed in: detection" in err.value.detail


@pytest.mark.parametrize("command", sorted(ALLOWED))
def test_notes_are_the_only_thing_a_closed_incident_accepts_besides_reopen(command):
    if command in {"add note", "reopen"}:
        require(command, Phase.CLOSED)
    else:
        with pytest.raises(InvalidTransition):
            require(command, Phase.CLOSED)
