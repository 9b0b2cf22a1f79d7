"""bench/train_triage_class.py's threshold choice (round 9): the most emergencies at the pooled
precision floor, but never a pair that drops one writer of the pool under the per-writer floor."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import train_triage_class as t  # noqa: E402


def _pool() -> list[list[t.Scored]]:
    # writer 1: ten emergencies the rules call urgent, each scored 0 (a raise at <= 0 finds them)
    first = [(0.0, "urgent", "emergency", True)] * 10
    # writer 2: one emergency the rules find, and two urgent messages also scored 0 (a raise at
    # <= 0 makes them false alarms: this writer's precision 1.0 -> 0.33)
    second = [(5.0, "emergency", "emergency", False), *[(0.0, "urgent", "urgent", True)] * 2]
    return [first, second]


def test_the_pooled_choice_raises_where_the_pool_keeps_its_precision():
    raise_at, _ = t.choose(_pool(), min_precision=0.8, floor=0.0)
    assert raise_at <= 0.0  # 11 of 11 found at pooled precision 11/13 = 0.85


def test_no_writer_falls_under_the_floor():
    raise_at, veto_at = t.choose(_pool(), min_precision=0.8, floor=0.7)
    assert raise_at > 0.0  # writer 2 would fall to 0.33: the rules' class stands
    classes = [t.apply(rows, raise_at, veto_at) for rows in _pool()]
    assert classes[1] == ["emergency", "urgent", "urgent"]


def test_a_writer_already_under_the_floor_by_the_rules_is_held_to_the_rules():
    # the rules alone give writer 2 precision 0.5: the floor asks no more than that of the model
    pool = _pool()
    pool[1] = [*pool[1], (5.0, "emergency", "urgent", False)]
    pool[1][1:3] = [(0.0, "urgent", "urgent", False)] * 2  # no reason to raise them
    raise_at, _ = t.choose(pool, min_precision=0.8, floor=0.7)
    assert raise_at <= 0.0
