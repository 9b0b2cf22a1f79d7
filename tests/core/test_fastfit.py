"""bench/fastfit.py: the one L-BFGS of the tone and triage trainers (round 9: train_tone.py's
pure-Python copy removed). The fit reaches the regularised optimum (the gradient vanishes), is
deterministic, and is the function every trainer calls."""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import fastfit  # noqa: E402


def _problem(n: int = 300, dim: int = 40, seed: int = 7) -> tuple[list[list[int]], list[int]]:
    rng = random.Random(seed)
    true = [rng.gauss(0, 1.5) for _ in range(dim)]
    rows, ys = [], []
    for _ in range(n):
        row = sorted(rng.sample(range(dim), rng.randint(1, 6)))
        z = sum(true[j] for j in row) - 0.3
        ys.append(int(rng.random() < 1 / (1 + math.exp(-z))))
        rows.append(row)
    return rows, ys


def _gradient(rows: list[list[int]], ys: list[int], dim: int, l2: float, w: list[float]):
    """The loss's gradient, term by term in plain Python (the removed copy's arithmetic)."""
    g = [0.0] * (dim + 1)
    for row, y in zip(rows, ys, strict=True):
        z = w[dim] + sum(w[j] for j in row)
        err = 1 / (1 + math.exp(-z)) - y
        for j in row:
            g[j] += err
        g[dim] += err
    return [g[j] + l2 * w[j] for j in range(dim)] + [g[dim]]


def test_the_fit_reaches_the_optimum_and_is_deterministic():
    rows, ys = _problem()
    w = fastfit.fit(rows, ys, 40, 0.3)
    assert len(w) == 41 and all(isinstance(v, float) for v in w)
    assert max(abs(v) for v in _gradient(rows, ys, 40, 0.3, w)) < 1e-2
    assert fastfit.fit(rows, ys, 40, 0.3) == w
    # a stronger penalty shrinks the weights (the bias, index dim, is not penalised)
    strong = fastfit.fit(rows, ys, 40, 30.0)
    assert sum(v * v for v in strong[:40]) < sum(v * v for v in w[:40])


def test_every_trainer_fits_with_fastfit():
    import train_tone
    import train_triage
    import train_triage_class

    for module in (train_tone, train_triage, train_triage_class):
        assert module.fit is fastfit.fit, module.__name__
    assert "def fit(" not in (BENCH / "train_tone.py").read_text(encoding="utf-8")


def test_the_default_run_refuses_to_drop_later_rounds_models(tmp_path):
    import train_tone

    out = tmp_path / "learned.json"
    out.write_text('{"version": 1, "models": {}, "vetoes": {}, "problems_l2": 1.0}')
    with pytest.raises(SystemExit, match="problems_l2, vetoes"):
        train_tone.main(["--out", str(out)])
    assert "vetoes" in out.read_text()  # untouched
