"""Every subcommand and every exit code, with the command run as a real process."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from cli_support import Command, clean_env

from smmpanel.cli import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OUTCOME_UNKNOWN,
    EXIT_PARTIAL,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
)
from smmpanel.testing import FakePanel, Fault

pytestmark = pytest.mark.e2e
LINK = "https://instagram.com/x"


def place(panel: FakePanel, smm: Command) -> int:
    ran = smm("--json", "add", "1", LINK, "100")
    assert ran.code == 0, ran.err
    order: int = ran.json()["order"]
    return order


def test_balance_verbose_shows_requests_never_the_key(panel: FakePanel, smm: Command) -> None:
    ran = smm("balance", "-v")
    assert ran.code == 0
    assert "100.00" in ran.out
    assert "balance attempt 1: HTTP 200" in ran.err
    assert panel.api_key not in ran.err + ran.out


def test_services_filters_ignore_case_sort_and_save(
    panel: FakePanel, smm: Command, tmp_path: Path
) -> None:
    saved = tmp_path / "catalog.json"
    ran = smm("services", "--category", "INSTAGRAM followers", "--sort", "rate", "--json",
              "--save", str(saved))  # fmt: skip
    assert ran.code == 0, ran.err
    shown = ran.json()
    assert shown
    assert all("instagram followers" in s["category"].lower() for s in shown)
    assert [s["rate"] for s in shown] == sorted((s["rate"] for s in shown), key=float)
    assert len(json.loads(saved.read_text())) == len(panel.services)


def test_services_table_fits_the_terminal(smm: Command) -> None:
    ran = smm("services", "--type", "default", COLUMNS="80")
    assert ran.code == 0
    lines = ran.out.splitlines()
    assert lines[0].split()[:4] == ["ID", "NAME", "CATEGORY", "TYPE"]
    assert "DRIP" in lines[0]
    assert all(len(line) <= 80 for line in lines)
    assert any("\u2026" in line for line in lines)


def test_add_off_a_terminal_places_without_asking(panel: FakePanel, smm: Command) -> None:
    order = place(panel, smm)
    assert [o.id for o in panel.ledger.orders] == [order]
    ran = smm("status", str(order))
    assert (ran.code, "status: Pending" in ran.out) == (0, True)


def test_add_an_unknown_service_sends_nothing(panel: FakePanel, smm: Command) -> None:
    ran = smm("add", "999999", LINK, "100", "--json")
    assert ran.code == EXIT_USAGE
    assert "999999" in ran.error()["message"]
    assert panel.ledger.orders == []


def test_statuses_from_stdin_partly_failed(panel: FakePanel, smm: Command) -> None:
    order = place(panel, smm)
    ran = smm("--json", "statuses", "-", stdin=f"{order}\n424242,\n")
    assert ran.code == EXIT_PARTIAL
    assert ran.json()[str(order)]["status"] == "Pending"
    assert ran.json()["424242"] == {"error": "Incorrect order ID"}


def test_refill_commands(panel: FakePanel, smm: Command) -> None:
    order = place(panel, smm)
    panel.complete(order)
    refill = smm("--json", "refill", str(order)).json()["refill"]
    assert smm("refill-status", str(refill)).code == 0
    ran = smm("--json", "refills", "-", stdin=f"{order}")
    assert ran.code == EXIT_ERROR  # one refill per order at a time: refused
    assert "error" in ran.json()[0]["refill"]
    ran = smm("--json", "refill-statuses", str(refill))
    assert (ran.code, ran.json()[0]["status"]) == (0, "Pending")


def test_a_refused_cancel_exits_1_with_the_error_in_place(smm: Command) -> None:
    ran = smm("cancel", "23505", "--json")
    assert ran.code == EXIT_ERROR
    assert ran.json() == [{"order": 23505, "cancel": {"error": "Incorrect order ID"}}]


def test_api_error_is_one_json_object_on_stderr(smm: Command) -> None:
    ran = smm("--json", "status", "999999")
    assert (ran.code, ran.out) == (EXIT_ERROR, "")
    assert ran.error() == {"type": "APIError", "message": "Incorrect order ID",
                           "action": "status", "hint": None}  # fmt: skip


def test_usage_error_is_json_too(smm: Command) -> None:
    ran = smm("--json", "services", "--sort", "price")
    assert ran.code == EXIT_USAGE
    assert ran.error()["type"] == "UsageError"
    assert "price" in ran.error()["message"]


def test_lost_answer_to_an_order_exits_3(panel: FakePanel, smm: Command) -> None:
    panel.inject(Fault.DROP_AFTER, action="add")
    ran = smm("add", "1", LINK, "100")
    assert ran.code == EXIT_OUTCOME_UNKNOWN
    assert "check your orders" in ran.err
    assert panel.api_key not in ran.err


def test_refused_connection_is_said_plainly(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    ran = Command(clean_env(tmp_path))(
        "balance", "--url", f"http://127.0.0.1:{port}/api/v2", "--key", "k" * 32
    )
    assert ran.code == EXIT_UNREACHABLE
    assert ran.err.strip() == (
        f"error: could not connect to 127.0.0.1:{port} (connection refused) after 3 attempts"
    )


def test_a_web_page_instead_of_the_api_hints_at_the_cause(panel: FakePanel, smm: Command) -> None:
    panel.inject(Fault.HTML, action="balance", status=403)
    ran = smm("balance")
    assert ran.code == EXIT_UNREACHABLE
    assert "hint: the panel answered with a web page" in ran.err
    assert "Traceback" not in ran.err


def test_panels_and_a_profile(panel: FakePanel, tmp_path: Path) -> None:
    config = tmp_path / "config" / "smmpanel" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'default = "fake"\n[panels.fake]\nurl = "{panel.url}"\nkey_env = "FAKE_KEY"\n'
    )
    smm = Command({**clean_env(tmp_path), "FAKE_KEY": panel.api_key})
    ran = smm("panels")
    assert ran.code == 0
    assert "fake" in ran.out
    assert "$FAKE_KEY (set)" in ran.out
    assert panel.api_key not in ran.out
    assert smm("--json", "balance").json()["currency"] == "USD"  # through the default panel
    ran = smm("balance", "--panel", "other")
    assert ran.code == EXIT_USAGE
    assert str(config) in ran.err


def test_ctrl_c_during_an_order_warns_it_may_be_placed(panel: FakePanel, smm: Command) -> None:
    panel.inject(Fault.STALL, action="add", seconds=30)
    process = subprocess.Popen(
        smm.argv("add", "1", LINK, "100"),
        env=smm.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 15
    while not panel.ledger.orders and time.monotonic() < deadline:
        time.sleep(0.05)
    assert panel.ledger.orders, "the order never reached the panel"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=15)
    assert process.returncode == EXIT_INTERRUPTED
    assert "Traceback" not in err
    assert "may have received 'add'" in err
    assert "check your orders" in err


def test_simulate_runs_until_interrupted(tmp_path: Path) -> None:
    smm = Command(clean_env(tmp_path))
    process = subprocess.Popen(
        smm.argv("simulate", "--port", "0", "--quiet"),
        env=smm.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("Simulated SMM panel")
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "stopped" in out


def test_help_lists_the_exit_codes(tmp_path: Path) -> None:
    ran = Command(clean_env(tmp_path))("--help")
    assert ran.code == 0
    for line in ("0    everything succeeded", "3    the outcome is unknown", "130  interrupted"):
        assert line in ran.out
