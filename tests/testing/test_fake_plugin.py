"""The pytest plugin's ``fake_panel`` fixture, and ``python -m smmpanel.testing``."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
import requests

from smmpanel.testing import FakePanel, run_simulator

USER_TEST = """
import pytest
import requests


def test_balance(fake_panel):
    answer = requests.post(
        fake_panel.url, data={"key": fake_panel.api_key, "action": "balance"}, timeout=5
    ).json()
    assert answer == {"balance": "100.00000", "currency": "USD"}
    assert [r.action for r in fake_panel.ledger.requests] == ["balance"]


@pytest.mark.fake_panel(dialect="numbers", balance="5")
def test_marker_options(fake_panel):
    answer = requests.post(
        fake_panel.url, data={"key": fake_panel.api_key, "action": "balance"}, timeout=5
    ).json()
    assert answer == {"balance": 5.0, "currency": "USD"}


def test_fresh_panel_per_test(fake_panel):
    assert fake_panel.ledger.requests == []
    assert fake_panel.running
"""


def test_a_users_tests_with_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST)
    result = pytester.runpytest("--strict-markers", "-W", "error")
    result.assert_outcomes(passed=3)


def test_the_fixture_here(fake_panel: FakePanel) -> None:
    assert fake_panel.running
    assert fake_panel.balance == Decimal("100.00")


@pytest.mark.fake_panel(api_key="secret", balance="1.23")
def test_the_marker_here(fake_panel: FakePanel) -> None:
    assert (fake_panel.api_key, fake_panel.balance) == ("secret", Decimal("1.23"))


@pytest.mark.parametrize("entry", [["smmpanel.testing"], ["smmpanel", "simulate"]])
def test_python_m_smmpanel_testing(entry: list[str]) -> None:
    command = [sys.executable, "-m", *entry, "--port", "0", "--api-key", "k1"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        output = "".join(lines)
        url = next(line.split(" ", 1)[1] for line in lines if line.startswith("url: ")).strip()
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/api/v2")
        assert "key: k1" in output
        answer = requests.post(url, data={"key": "k1", "action": "balance"}, timeout=5).json()
        assert answer == {"balance": "100.00000", "currency": "USD"}
        process.terminate()
        rest = process.stdout.read()
        assert process.wait(timeout=5) == 0
    assert "POST balance" in rest
    assert rest.rstrip().endswith("stopped")


def test_simulator_refuses_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_simulator(["--port", "70000"]) == 1
    assert run_simulator(["--speed", "0"]) == 2
    with pytest.raises(SystemExit):
        run_simulator(["--dialect", "klingon"])
    assert "error" in capsys.readouterr().err
