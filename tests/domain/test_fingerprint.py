import json

from tests.intake_fixtures import all_alertmanager
from tocsin.domain.fingerprint import fingerprint


def test_no_labels_is_the_fnv_offset_basis():
    assert fingerprint({}) == "cbf29ce484222325"


def test_every_captured_fingerprint_is_recomputed():
    checked = 0
    for path in all_alertmanager():
        for alert in json.loads(path.read_text())["alerts"]:
            assert fingerprint(alert["labels"]) == alert["fingerprint"]
            checked += 1
    assert checked == 11


def test_label_order_does_not_matter():
    assert fingerprint({"a": "1", "b": "2"}) == fingerprint({"b": "2", "a": "1"})
    assert fingerprint({"a": "1"}) != fingerprint({"a": "2"})
