"""bench/written.py: where a trainer says it wrote. An --out outside the repository used to
crash bench/train_triage.py and train_triage_class.py after the weights were written (the last
line's ``relative_to``); the three trainers now share one helper (round 10)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import written  # noqa: E402


def test_inside_the_repository_relative_outside_in_full(tmp_path):
    inside = written.ROOT / "ownup" / "core" / "triage_mood.json"
    assert written.shown(inside) == Path("ownup/core/triage_mood.json")
    assert written.shown(tmp_path / "w.json") == (tmp_path / "w.json").resolve()
    # a relative --out is read from the working directory, as the trainers' write_text reads it
    assert written.shown(Path("x.json"), root=Path.cwd()) == Path("x.json")


def _small_authors() -> list[tuple[str, list[dict]]]:
    rows = [json.loads(line) for line in (Path(__file__).parent / "data" /
                                          "triage_corpus.jsonl").read_text().splitlines()
            if line.strip()]
    return [("a", rows[:60]), ("b", rows[60:120]), ("c", rows[120:])]


@pytest.mark.parametrize("trainer", ["train_triage", "train_triage_class"])
def test_a_triage_trainer_writes_outside_the_repository_and_says_where(
    trainer, tmp_path, monkeypatch, capsys
):
    module = __import__(trainer)
    monkeypatch.setattr(module, "load_authors", _small_authors)
    out = tmp_path / "weights.json"
    assert module.main(["--out", str(out)]) == 0
    assert json.loads(out.read_text())["trained_on"] == ["a", "b", "c"]
    assert f"wrote {out.resolve()} (" in capsys.readouterr().out


def test_the_three_trainers_print_through_the_helper():
    for name in ("train_tone.py", "train_triage.py", "train_triage_class.py"):
        source = (BENCH / name).read_text(encoding="utf-8")
        assert "from written import shown" in source and "{shown(args.out)}" in source, name
        assert ".relative_to(ROOT)" not in source, name
