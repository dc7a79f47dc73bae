"""The smmpanel command line and the quickstart tour, against a FakePanel."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from smmpanel.cli import EXIT_ERROR, EXIT_OUTCOME_UNKNOWN, EXIT_USAGE, main
from smmpanel.testing import FakePanel, Fault

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def panel(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePanel]:
    with FakePanel() as panel:
        monkeypatch.setenv("SMMPANEL_API_URL", panel.url)
        monkeypatch.setenv("SMMPANEL_API_KEY", panel.api_key)
        yield panel


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_balance_readable_and_json(panel: FakePanel, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "balance")
    assert code == 0
    assert "balance: 100.00" in out
    assert "USD" in out

    code, out, _ = run(capsys, "balance", "--json")  # options after the subcommand too
    assert code == 0
    assert json.loads(out) == {"balance": "100.00000", "currency": "USD"}


def test_services_table_and_filters(panel: FakePanel, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "services")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["ID", "NAME"]
    assert len(lines) == 1 + len(panel.services)

    code, out, _ = run(capsys, "--json", "services", "--search", "youtube")
    names = [service["name"] for service in json.loads(out)]
    assert names
    assert all("youtube" in name.lower() for name in names)


def test_order_commands(panel: FakePanel, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", "add", "1", "https://instagram.com/x", "100")
    assert code == 0
    order = json.loads(out)["order"]
    assert [o.id for o in panel.ledger.orders] == [order]

    code, out, _ = run(capsys, "--json", "status", str(order))
    assert json.loads(out)["status"] == "Pending"

    code, out, _ = run(capsys, "statuses", f"{order},424242")
    assert f"{order}: " in out
    assert "424242: error: Incorrect order ID" in out

    panel.complete(order)
    code, out, _ = run(capsys, "--json", "refills", str(order))
    [refill] = json.loads(out)
    assert refill["order"] == order

    code, out, _ = run(capsys, "--json", "refill-statuses", str(refill["refill"]))
    assert json.loads(out)[0]["status"] == "Pending"

    code, out, _ = run(capsys, "cancel", str(order))
    assert code == 0
    assert "error:" in out


def test_add_with_extra_parameters(panel: FakePanel, capsys: pytest.CaptureFixture[str]) -> None:
    comments = next(s for s in panel.services if s["type"] == "Custom Comments")
    lines = "\\n".join(f"comment {n}" for n in range(int(comments["min"])))
    code, _, err = run(
        capsys, "add", str(comments["service"]), "https://instagram.com/p/1", "--param",
        f"comments={lines}",
    )  # fmt: skip
    assert code == 0, err
    assert panel.ledger.orders[-1].quantity == int(comments["min"])


def test_errors_exit_codes(panel: FakePanel, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "status", "999999")
    assert (code, out) == (EXIT_ERROR, "")
    assert "Incorrect order ID" in err

    panel.inject(Fault.DROP_AFTER, action="add")
    code, _, err = run(capsys, "add", "1", "https://instagram.com/x", "100")
    assert code == EXIT_OUTCOME_UNKNOWN
    assert "check your orders" in err
    assert panel.api_key not in err

    assert run(capsys)[0] == EXIT_USAGE


def test_missing_configuration(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SMMPANEL_API_URL", raising=False)
    monkeypatch.delenv("SMMPANEL_API_KEY", raising=False)
    code, _, err = run(capsys, "balance")
    assert code == EXIT_ERROR
    assert "SMMPANEL_API_URL" in err


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


def test_demo_is_read_only_against_a_real_panel(
    panel: FakePanel, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "demo")[0] == 0
    assert panel.ledger.orders == []
    assert {r.action for r in panel.ledger.requests} == {"balance", "services"}

    code, out, _ = run(capsys, "demo", "--place-order", "1", "https://instagram.com/x", "100")
    assert code == 0
    assert len(panel.ledger.orders) == 1
    assert "Placed order" in out


def test_module_entry_point_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "smmpanel", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.startswith("smmpanel ")


def test_add_a_subscription_with_counts_as_params(
    panel: FakePanel, capsys: pytest.CaptureFixture[str]
) -> None:
    subscription = next(s for s in panel.services if s["type"] == "Subscriptions")
    low, high = int(subscription["min"]), int(subscription["min"]) * 2
    code, _, err = run(
        capsys, "add", str(subscription["service"]), "--param", "username=someone",
        "--param", f"min={low}", "--param", f"max={high}", "--param", "posts=3",
        "--param", "delay=0",
    )  # fmt: skip
    assert code == 0, err
    assert panel.ledger.orders[-1].params["min"] == str(low)


@pytest.mark.parametrize("name", ["quantity", "link", "runs", "key"])
def test_params_that_have_their_own_argument_are_refused(
    panel: FakePanel, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, _, err = run(capsys, "add", "1", "https://instagram.com/x", "100", "--param", f"{name}=5")
    assert code == EXIT_ERROR
    assert name in err
    assert panel.ledger.orders == []


def test_an_odd_id_is_an_error_not_a_crash(
    panel: FakePanel, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "status", "\u00b2")
    assert code == EXIT_ERROR
    assert err.startswith("error: ")


def test_the_demo_reports_a_missing_key_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SMMPANEL_API_URL", "https://panel.example/api/v2")
    monkeypatch.delenv("SMMPANEL_API_KEY", raising=False)
    code, _, err = run(capsys, "demo")
    assert code == EXIT_ERROR
    assert "SMMPANEL_API_KEY" in err
