"""`services --diff` and `add`'s check and estimate, run as processes against FakePanel."""

from __future__ import annotations

import os
import pty
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from cli_support import Command

from smmpanel import Client, Service, ServiceList
from smmpanel._actions import ACTIONS
from smmpanel.cli import EXIT_OK, EXIT_USAGE
from smmpanel.cli._parser import build_parser
from smmpanel.testing import FakePanel

pytestmark = pytest.mark.e2e
LINK = "https://instagram.com/x"


def older_catalog(panel: FakePanel) -> ServiceList:
    """The panel's catalog as it was "last week": see the test for what changed since."""
    with Client(panel.url, panel.api_key) as client:
        now = {service.service: service for service in client.services()}
    before = [
        now[1].model_copy(update={"rate": Decimal("0.60")}),  # +50.00%
        now[3].model_copy(update={"rate": Decimal("0.10")}),  # +20.00%
        now[10].model_copy(update={"rate": Decimal("20.00")}),  # -10.00%
        now[12].model_copy(update={"name": "Twitter Followers"}),
        now[2].model_copy(update={"service": 999, "name": "Gone"}),
    ]
    changed_or_new = {1, 3, 10, 11, 12}
    return ServiceList([*before, *(s for k, s in now.items() if k not in changed_or_new)])


def test_services_diff_shows_price_rises_first_and_exits_0(
    panel: FakePanel, smm: Command, tmp_path: Path
) -> None:
    old = tmp_path / "catalog.json"
    older_catalog(panel).save(old)
    ran = smm("services", "--diff", str(old), COLUMNS="200")
    assert ran.code == EXIT_OK, ran.err
    rows = [re.split(r"\s{2,}", line) for line in ran.out.splitlines()]
    assert rows[0] == ["CHANGE", "ID", "NAME", "DETAIL"]
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("price up", "1"), ("price up", "3"), ("removed", "999"), ("added", "11"),
        ("price down", "10"), ("changed", "12"),
    ]  # fmt: skip
    assert rows[1][3] == "rate 0.60 -> 0.90 (+50.00%)"
    assert rows[6][3] == "name Twitter Followers -> Twitter Followers [No refill]"

    ran = smm("--json", "services", "--diff", str(old), "--save", str(old))
    assert ran.code == EXIT_OK
    found = ran.json()
    assert [item["service"] for item in found["added"]] == [11]
    assert [item["service"] for item in found["removed"]] == [999]
    assert [(c["service"], c["rate_change_percent"]) for c in found["changed"]] == [
        (1, "50.00"), (3, "20.00"), (10, "-10.00"), (12, None)]  # fmt: skip
    with Client(panel.url, panel.api_key) as client:
        assert not ServiceList.load(old).diff(client.services())  # --save replaced it


def test_services_diff_of_a_file_that_is_no_catalog_sends_nothing(
    panel: FakePanel, smm: Command, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": 1}')
    ran = smm("services", "--diff", str(bad))
    assert ran.code == EXIT_USAGE
    assert ran.err.strip() == f"error: {bad} is not a saved catalog (a JSON list of services)"
    assert panel.ledger.requests == []


def test_a_bad_order_is_refused_before_sending(panel: FakePanel, smm: Command) -> None:
    ran = smm("--json", "add", "1", LINK, "5")
    assert ran.code == EXIT_USAGE
    assert ran.error()["message"] == (
        "service 1 (Default): quantity must be between 50 and 10000, not 5"
    )
    ran = smm("add", "4", LINK, "100")  # a package takes no quantity
    assert (ran.code, "takes no quantity" in ran.err) == (EXIT_USAGE, True)
    assert [r.action for r in panel.ledger.requests] == ["services", "services"]


def test_add_on_a_terminal_shows_the_estimate_and_asks(panel: FakePanel, smm: Command) -> None:
    leader, follower = pty.openpty()
    try:
        os.write(leader, b"y\n")  # typed ahead: the terminal holds it until it is read
        process = subprocess.run(
            smm.argv("add", "1", LINK, "1000", "--runs", "3", "--interval", "10"), env=smm.env,
            stdin=follower, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert process.returncode == EXIT_OK, process.stderr
    assert "runs:     3 every 10 min" in process.stderr
    assert "estimated charge: 2.7 USD" in process.stderr  # 0.90 per 1000 x 1000 x 3 runs
    assert "Place this order? [y/N]" in process.stderr
    assert [order.quantity for order in panel.ledger.orders] == [1000]


def test_the_action_commands_are_the_table_of_actions() -> None:
    parser = build_parser()
    choices = next(a.choices for a in parser._actions if a.dest == "command")
    assert choices is not None
    names = {method.replace("_", "-") for method in ACTIONS}
    assert names <= set(choices)
    assert set(choices) - names == {"track", "wait", "panels", "simulate", "demo"}


def test_estimate_prices_comment_lines_and_not_subscriptions() -> None:
    from smmpanel.cli._order import estimate

    comments = Service(service=2, type="Custom Comments", rate=Decimal(8), min=1, max=9)
    assert estimate(comments, None, None, {"comments": "a\nb\n\nc"}) == Decimal("0.024")
    subscription = Service(service=7, type="Subscriptions", rate=Decimal(1), min=1, max=9)
    assert estimate(subscription, None, None, {"username": "x"}) is None
