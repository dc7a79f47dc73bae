"""`track` and `wait`: run as processes against a FakePanel whose clock runs fast, and
the terminal display in-process with a stream that says it is a terminal."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from cli_support import Command, clean_env

from smmpanel import Client, ItemError, OrderStatus, StatusChange
from smmpanel.cli import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL, EXIT_TIMEOUT, main
from smmpanel.cli._follow import Bar, JsonLines, LiveLines, PlainLines, renderer, track_exit
from smmpanel.testing import FakePanel

pytestmark = pytest.mark.e2e
LINK = "https://instagram.com/x"
FAST = 100.0  # panel seconds per real second: an order's 65 s take 0.65 s


@pytest.fixture
def fast_panel() -> Iterator[FakePanel]:
    """A FakePanel whose orders move on their own, 100 times faster than real time."""
    with FakePanel(realtime=True, speed=FAST) as fake:
        yield fake


def command_for(panel: FakePanel, tmp_path: Path) -> Command:
    env = clean_env(tmp_path)
    env.update(SMMPANEL_API_URL=panel.url, SMMPANEL_API_KEY=panel.api_key)
    return Command(env)


def place(panel: FakePanel, count: int = 1) -> list[int]:
    with Client(panel.url, panel.api_key) as client:
        return [int(client.add(1, LINK, 100).order) for _ in range(count)]


def test_track_piped_prints_each_change_until_all_are_final(panel: FakePanel, smm: Command) -> None:
    first, second = place(panel, 2)
    for order in (first, second):
        panel.set_order_status(order, "In progress")  # they move only when told below
    process = subprocess.Popen(
        smm.argv("track", f"{first},{second}", "--poll", "0.05"), env=smm.env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    seen = [process.stdout.readline(), process.stdout.readline()]
    assert seen == [f"order {first}: new -> In progress, 100 remaining\n",
                    f"order {second}: new -> In progress, 100 remaining\n"]  # fmt: skip
    panel.complete(first)
    assert process.stdout.readline() == f"order {first}: In progress -> Completed\n"
    panel.complete(second, remains=30)
    rest, err = process.communicate(timeout=15)
    assert rest == f"order {second}: In progress -> Partial, 30 not delivered\n"
    assert (process.returncode, err) == (EXIT_PARTIAL, "")


def test_track_json_lines(panel: FakePanel, smm: Command) -> None:
    (order,) = place(panel)
    panel.complete(order)
    ran = smm("--json", "track", "-", "--poll", "0.05", stdin=f"{order}\n424242\n")
    assert ran.code == EXIT_PARTIAL
    changes = [json.loads(line) for line in ran.out.splitlines()]
    assert changes[0] | {"start_count": None} == {
        "order": order, "before": None, "charge": "0.09000", "start_count": None,
        "status": "Completed", "remains": 0, "currency": "USD", "final": True,
    }  # fmt: skip
    assert changes[1] == {"order": 424242, "before": None, "error": "Incorrect order ID",
                          "final": True}  # fmt: skip


def test_wait_blocks_until_the_order_is_delivered(fast_panel: FakePanel, tmp_path: Path) -> None:
    started = time.monotonic()
    (order,) = place(fast_panel)
    ran = command_for(fast_panel, tmp_path)("--json", "wait", str(order), "--poll", "0.05")
    assert (ran.code, ran.json()["status"]) == (EXIT_OK, "Completed")
    assert time.monotonic() - started > 65 / FAST  # the whole delivery, on the panel's clock


def test_wait_and_track_time_out_with_exit_6(panel: FakePanel, smm: Command) -> None:
    (order,) = place(panel)
    panel.set_order_status(order, "In progress")  # it never moves again
    ran = smm("wait", str(order), "--poll", "0.05", "--timeout", "0.2")
    assert ran.code == EXIT_TIMEOUT
    assert f"order {order} is still In progress after 0.2 s" in ran.err
    assert f"hint: not final yet: {order} (In progress)" in ran.err
    ran = smm("--json", "--timeout", "0.1", "track", str(order), "--poll", "0.05")
    assert ran.code == EXIT_TIMEOUT
    assert json.loads(ran.out) == {"order": order, "before": None, "charge": "0.09000",
        "start_count": 0, "status": "In progress", "remains": 100, "currency": "USD",
        "final": False}  # fmt: skip
    assert ran.error()["type"] == "WaitTimeout"


def test_wait_for_an_unknown_order_exits_1(smm: Command) -> None:
    ran = smm("wait", "424242", "--poll", "0.05")
    assert ran.code == EXIT_ERROR
    assert ran.err.strip() == "error: Incorrect order ID"


def test_ctrl_c_while_waiting(panel: FakePanel, smm: Command) -> None:
    (order,) = place(panel)
    process = subprocess.Popen(
        smm.argv("wait", str(order)), env=smm.env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while not any(r.action == "status" for r in panel.ledger.requests):
        assert time.monotonic() < deadline, "the command never asked for the status"
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=15)
    assert process.returncode == EXIT_INTERRUPTED
    assert err.strip() == "error: interrupted; no order or change was being sent"


@pytest.mark.parametrize(
    ("end", "code"),
    [("Completed", EXIT_OK), ("Partial", EXIT_PARTIAL), ("Canceled", EXIT_PARTIAL),
     ("Refunded", EXIT_PARTIAL)],
)  # fmt: skip
def test_wait_exit_code_says_how_the_order_ended(
    panel: FakePanel,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    end: str,
    code: int,
) -> None:
    monkeypatch.setenv("SMMPANEL_API_URL", panel.url)
    monkeypatch.setenv("SMMPANEL_API_KEY", panel.api_key)
    (order,) = place(panel)
    panel.set_order_status(order, end)
    assert main(["wait", str(order), "--poll", "0.01"]) == code
    assert f"status: {end}" in capsys.readouterr().out


# --- the display, in-process ---------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def status(word: str, remains: int = 10) -> OrderStatus:
    return OrderStatus(status=word, remains=remains, charge=Decimal("0.5"))


def test_live_lines_rewrite_each_orders_line_in_place() -> None:
    screen = Terminal()
    live = LiveLines(screen, [1, 2])
    live.show(StatusChange(1, None, status("In progress", 40)))
    live.show(StatusChange(2, None, ItemError(error="Incorrect order ID")))
    live.show(StatusChange(1, status("In progress"), status("Completed", 0)))
    live.close()
    frames = screen.getvalue().split("\x1b[2F")
    assert len(frames) == 4  # drawn once, then redrawn for each change
    assert frames[1].replace("\x1b[2K", "").splitlines() == [
        "order 1: In progress, 40 remaining", "order 2: waiting for its status"]  # fmt: skip
    assert frames[-1].replace("\x1b[2K", "").splitlines() == [
        "order 1: done Completed", "order 2: done error: Incorrect order ID"]  # fmt: skip


def test_the_display_suits_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    few, many = list(range(3)), list(range(21))
    assert type(renderer(Terminal(), few, json=True)) is JsonLines
    assert type(renderer(io.StringIO(), many, json=False)) is PlainLines
    assert type(renderer(Terminal(), few, json=False)) is LiveLines
    assert type(renderer(Terminal(), many, json=False)) is Bar
    monkeypatch.setattr("smmpanel.cli._follow._tqdm", lambda: None)  # tqdm not installed
    assert type(renderer(Terminal(), many, json=False)) is PlainLines


def test_the_bar_counts_final_orders_and_how_they_ended() -> None:
    screen = Terminal()
    bar = renderer(screen, list(range(21)), json=False)
    bar.show(StatusChange(1, None, status("In progress")))
    bar.show(StatusChange(1, status("In progress"), status("Completed", 0)))
    bar.show(StatusChange(2, None, status("Partial")))
    bar.show(StatusChange(3, None, status("Completed", 0)))
    bar.close()
    out = screen.getvalue()
    assert "3/21" in out
    assert out.rstrip().endswith("2 Completed, 1 Partial")


def test_track_on_a_terminal_through_main(
    panel: FakePanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMMPANEL_API_URL", panel.url)
    monkeypatch.setenv("SMMPANEL_API_KEY", panel.api_key)
    orders = place(panel, 2)
    panel.complete(orders[0])
    panel.complete(orders[1], remains=40)
    screen = Terminal()
    code = main(["track", *map(str, orders), "--poll", "0.01"], stdout=screen)
    assert code == EXIT_PARTIAL
    last = screen.getvalue().split("\x1b[2F")[-1].replace("\x1b[2K", "")
    assert last.splitlines() == [f"order {orders[0]}: done Completed",
                                 f"order {orders[1]}: done Partial, 40 not delivered"]  # fmt: skip


@pytest.mark.parametrize(
    ("ends", "code"),
    [
        (["Completed", "Completed"], EXIT_OK),
        (["Completed", "Canceled"], EXIT_PARTIAL),
        (["Completed", None], EXIT_PARTIAL),
        ([None, None], EXIT_ERROR),
        ([], EXIT_OK),
    ],
)
def test_track_exit(ends: list[str | None], code: int) -> None:
    outcomes = [ItemError(error="x") if end is None else status(end) for end in ends]
    assert track_exit(outcomes) == code
