"""The quickstart example tours a whole order's life against a FakePanel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_quickstart_tours_a_whole_order_lifecycle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMMPANEL_API_URL", raising=False)
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for expected in ("Balance:", "Catalog:", "Pending", "Completed", "Partial", "Refill",
                     "Canceled", "Incorrect order ID", "APIError"):  # fmt: skip
        assert expected in result.stdout
