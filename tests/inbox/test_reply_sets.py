"""The new-words rule on ownup's own hostile reply sets (tests/inbox/data/replies): every
tuning case holds; the held-out figure is reported in docs/quality.md."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ownup.inbox.quoting import split_reply

DATA = Path(__file__).parent / "data" / "replies"


def _cases(name: str) -> list[dict]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))["case"]


def _holds(case: dict) -> bool:
    new = split_reply(case["body"]).new
    return all(p in new for p in case["new"]) and not any(p in new for p in case["old"])


@pytest.mark.parametrize("case", _cases("tuning.toml"), ids=lambda c: c["name"])
def test_tuning_cases_hold(case):
    new = split_reply(case["body"]).new
    for phrase in case["new"]:
        assert phrase in new, (case["name"], new)
    for phrase in case["old"]:
        assert phrase not in new, (case["name"], new)


def test_held_out_figure():
    cases = _cases("heldout.toml")
    held = sum(_holds(c) for c in cases)
    # 2026-12-07, first run after the code was written: see docs/quality.md
    assert held == len(cases), [c["name"] for c in cases if not _holds(c)]
