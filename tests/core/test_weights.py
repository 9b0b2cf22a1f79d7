"""ownup/core/weights.py: the one reader of packaged model weights (round 9), used by both learned
parts of triage."""

from __future__ import annotations

import pytest

from ownup.core import triage, triage_emergency, triage_mood, weights


def test_packaged_reads_the_file_beside_the_module_and_none_when_absent():
    data = weights.packaged("ownup.core", triage_emergency.WEIGHTS_FILE)
    assert data is not None and data["rules_version"] == triage.RULES_VERSION
    assert weights.packaged("ownup.core", "no_such_weights.json") is None


@pytest.mark.parametrize("module", [triage_mood, triage_emergency])
def test_each_learned_part_loads_through_it(monkeypatch, module):
    asked = []

    def absent(package, name):
        asked.append((package, name))
        return None

    monkeypatch.setattr(weights, "packaged", absent)
    module.load.cache_clear()
    try:
        assert module.load() is None  # no weights: the rules decide alone
        assert asked == [("ownup.core", module.WEIGHTS_FILE)]
    finally:
        module.load.cache_clear()
    monkeypatch.undo()
    assert module.load() is not None
