"""Where a trainer wrote its weights, as its last line shows it.

Relative to the repository when the file is inside it (the shipped weights' place), else the
full path: an --out elsewhere (a trial under /tmp) used to crash the final print with
``relative_to`` after the file was written (bench/train_tone.py, train_triage.py,
train_triage_class.py; round 10)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shown(path: Path, root: Path = ROOT) -> Path:
    """``path`` relative to ``root`` if it lies inside it, else resolved in full."""
    full = path.resolve()
    return full.relative_to(root) if full.is_relative_to(root) else full
