"""The lifecycle examples run as a user would run them, against the FakePanel they start.
(The docs pages' code blocks run in tests/docs/test_samples.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def run_example(name: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMMPANEL_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def test_price_and_check() -> None:
    out = run_example("price_and_check.py")
    assert "1000 cost 0.9\n" in out
    assert "quantity must be between 50 and 10000, not 49" in out
    assert "does not take usernames" in out
    assert "Placed order 23501; balance now 99.95500" in out


def test_catalog_diff() -> None:
    out = run_example("catalog_diff.py")
    assert "1 added, 1 removed, 2 changed" in out
    assert "~ 3 Instagram Likes [No refill]: rate 0.12 -> 0.15, max 50000 -> 100000" in out
    assert "Price change: 1: 0.90 -> 0.99 (+10.00%)" in out


def test_track_orders() -> None:
    out = run_example("track_orders.py")
    assert out.count("-> Completed") == 4
    assert "order 23505: new -> Canceled" in out
    assert "All 5 orders finished." in out
    assert "That took 330 s of panel time." in out
