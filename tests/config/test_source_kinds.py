"""The kinds a source may have in tocsin.yaml come from the one table of webhook kinds (plus
``deploy``, a route of its own): a kind added to the table is configurable at once."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tocsin.adapters.hooks import HOOK_KINDS
from tocsin.config import Settings
from tocsin.config.sources import SOURCE_KINDS
from tocsin.domain.source import SourceKind


def test_the_configurable_kinds_are_the_webhook_table_and_deploy():
    assert set(SOURCE_KINDS) == {row.kind.value for row in HOOK_KINDS.rows} | {SourceKind.DEPLOY.value}


@pytest.mark.parametrize("kind", SOURCE_KINDS)
def test_each_kind_makes_a_source_of_that_kind(kind):
    settings = Settings.model_validate({"sources": {"s": {"kind": kind, "token": "t"}}})
    assert settings.sources["s"].policy("s").kind is SourceKind(kind)


@pytest.mark.parametrize("kind", ["report", "alertmanger", "GRAFANA"])
def test_any_other_kind_is_refused_naming_the_kinds(kind):
    with pytest.raises(
        ValidationError, match="Input should be 'alertmanager', 'grafana', 'generic' or 'deploy'"
    ):
        Settings.model_validate({"sources": {"s": {"kind": kind, "token": "t"}}})
