"""Score independent writers' sets with the tone check and triage, per writer and pooled.

    .venv/bin/python bench/score_writers.py DIR [DIR ...]        # writers' deliveries
    .venv/bin/python bench/score_writers.py --stored blind10     # a stored set, by id prefix
        [--code TREE] [--json OUT]

How the blind sets of issue 21 are scored (docs/quality.md, "Blind set 10"): a writer delivers a
directory with ``tone.jsonl`` (drafts with eight 0/1 labels) and ``triage.jsonl`` (messages with
a class and a mood), in the format of docs/writer_brief.md. ``--stored NAME`` reads
``tests/core/data/tone_NAME.jsonl`` and ``triage_NAME.jsonl`` instead and tells the writers apart
by id prefix (``b10a001``, ``b10am01``: writer ``b10a``). ``--code TREE`` scores the ownup package
of another checkout (a ``git worktree add --detach TREE <commit>``), for a start-against-final
pair. Prints F1 of every tone label and, for triage, emergencies found (recall, precision) and
class and mood accuracy; ``--json`` writes the same figures with precision and recall.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "core" / "data"
_WRITER = re.compile(r"^(?P<writer>.*?)m?\d+$")


def writer_of(item_id: str) -> str:
    """The writer's prefix of an id: ``b10a001`` and ``b10am01`` are both ``b10a``."""
    match = _WRITER.match(item_id)
    return match.group("writer") if match else item_id


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def stored_writers(name: str, data: Path = DATA) -> dict[str, tuple[list[dict], list[dict]]]:
    """A stored set's drafts and messages by writer prefix."""
    out: dict[str, tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
    for row in _rows(data / f"tone_{name}.jsonl"):
        out[writer_of(row["id"])][0].append(row)
    for row in _rows(data / f"triage_{name}.jsonl"):
        out[writer_of(row["id"])][1].append(row)
    return dict(sorted(out.items()))


def delivered_writers(dirs: list[Path]) -> dict[str, tuple[list[dict], list[dict]]]:
    """Each delivery directory's drafts and messages, by the directory's name."""
    return {d.name: (_rows(d / "tone.jsonl"), _rows(d / "triage.jsonl")) for d in dirs}


def _prf(tp: int, fp: int, fn: int) -> list[float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return [p, r, 2 * p * r / (p + r) if p + r else 0.0]


def score(writers: dict[str, tuple[list[dict], list[dict]]]) -> dict[str, dict]:
    """Figures per writer and ``pooled``: tone label -> [P, R, F1]; triage counts and rates."""
    from ownup.core import triage
    from ownup.core.tone import CATEGORIES, ELEMENTS, check

    labels = (*CATEGORIES, *ELEMENTS)
    pool_tone = {label: [0, 0, 0] for label in labels}  # tp, fp, fn
    pool_tri = dict.fromkeys(("found", "false", "emergencies", "class", "mood", "n"), 0)
    out: dict[str, dict] = {}
    for writer, (drafts, messages) in writers.items():
        tone = {label: [0, 0, 0] for label in labels}
        for row in drafts:
            report = check(row["text"], row["kind"])
            said = report.categories() | {e for e in ELEMENTS if report.present[e]}
            for label in labels:
                truth, guess = bool(row["labels"][label]), label in said
                if truth or guess:
                    tone[label][0 if truth and guess else 1 if guess else 2] += 1
        tri = dict.fromkeys(pool_tri, 0)
        for m in messages:
            result = triage.classify(m["subject"], m["body"], sender=m["sender"])
            said_emergency = result.message_class == "emergency"
            tri["found"] += said_emergency and m["class"] == "emergency"
            tri["false"] += said_emergency and m["class"] != "emergency"
            tri["emergencies"] += m["class"] == "emergency"
            tri["class"] += result.message_class == m["class"]
            tri["mood"] += result.mood == m["mood"]
            tri["n"] += 1
        for label in labels:
            pool_tone[label] = [a + b for a, b in zip(pool_tone[label], tone[label], strict=True)]
        for key in pool_tri:
            pool_tri[key] += tri[key]
        out[writer] = _figures(tone, tri)
    out["pooled"] = _figures(pool_tone, pool_tri)
    return out


def _figures(tone: dict[str, list[int]], tri: dict[str, int]) -> dict:
    n = max(1, tri["n"])
    return {
        "tone": {label: _prf(*counts) for label, counts in tone.items()},
        "triage": {
            "emergencies_found": tri["found"],
            "emergencies": tri["emergencies"],
            "recall": tri["found"] / max(1, tri["emergencies"]),
            "precision": tri["found"] / max(1, tri["found"] + tri["false"]),
            "class_accuracy": tri["class"] / n,
            "mood_accuracy": tri["mood"] / n,
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*", type=Path, help="writers' delivery directories")
    ap.add_argument("--stored", help="a stored set's name, e.g. blind10 (tests/core/data)")
    ap.add_argument("--code", type=Path, help="score the ownup package of this checkout")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    if bool(args.dirs) == bool(args.stored):
        ap.error("give delivery directories or --stored NAME, not both or neither")
    sys.path.insert(0, str((args.code or ROOT).resolve()))
    writers = stored_writers(args.stored) if args.stored else delivered_writers(args.dirs)
    figures = score(writers)
    for name, fig in figures.items():
        tone = " ".join(f"{label[:4]} {prf[2]:.2f}" for label, prf in fig["tone"].items())
        t = fig["triage"]
        print(f"{name:8} {tone} | emergencies {t['emergencies_found']}/{t['emergencies']}"
              f" (P {t['precision']:.2f}) class {t['class_accuracy']:.3f}"
              f" mood {t['mood_accuracy']:.3f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
