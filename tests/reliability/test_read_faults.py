"""Every injectable fault against a read, end to end: a fault that happens once is cured
by the retries and the read returns the right answer; a fault that outlasts `max_retries`
ends in the right `SMMPanelError` subclass. All reads take the one path through the
client, so each fault meets one read, in turn, and every read meets two or more faults.
Plus `Retry-After` honoured end to end, in seconds and as an HTTP date."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from email.utils import formatdate
from typing import Any

import pytest
from actions_support import READS, wire_name
from reliability_support import Prepared, client_for, prepare, requests_for

from smmpanel import (
    ItemError,
    RateLimitError,
    ResponseError,
    SMMPanelError,
    TransportError,
)
from smmpanel.testing import FakePanel, Fault

pytestmark = pytest.mark.e2e

READ_TIMEOUT = (1.0, 0.25)  # a STALL costs a quarter of a second per attempt
UNKNOWN = 999_999

# id -> (fault, options, what a fault that never clears ends in)
FAULTS: dict[str, tuple[Fault, dict[str, Any], type[SMMPanelError]]] = {
    "drop_before": (Fault.DROP_BEFORE, {}, TransportError),
    "drop_after": (Fault.DROP_AFTER, {}, TransportError),
    "reset_after": (Fault.RESET_AFTER, {}, TransportError),
    "stall": (Fault.STALL, {"seconds": 2}, TransportError),
    "server_error": (Fault.SERVER_ERROR, {}, ResponseError),
    "server_error_502": (Fault.SERVER_ERROR, {"status": 502}, ResponseError),
    "rate_limit": (Fault.RATE_LIMIT, {"retry_after": 1}, RateLimitError),
    "rate_limit_no_header": (Fault.RATE_LIMIT, {"retry_after": None}, RateLimitError),
    "truncated": (Fault.TRUNCATED, {}, ResponseError),
    "truncated_incomplete": (Fault.TRUNCATED, {"incomplete": True}, TransportError),
    "empty": (Fault.EMPTY, {}, ResponseError),
    "html": (Fault.HTML, {}, ResponseError),
    "html_503": (Fault.HTML, {"status": 503}, ResponseError),
    "redirect": (Fault.REDIRECT, {}, ResponseError),
}
ONCE = [f for f in FAULTS if FAULTS[f][0] is not Fault.REDIRECT]  # redirects: see below


def pairs(faults: list[str]) -> list[tuple[str, str]]:
    """(read, fault): each fault against one read, the reads taken in turn."""
    return [(READS[n % len(READS)], fault) for n, fault in enumerate(faults)]


def test_every_fault_is_covered() -> None:
    assert {fault for fault, _, _ in FAULTS.values()} == set(Fault)


def read_call(
    name: str, ids: Prepared, panel: FakePanel
) -> tuple[Callable[[Any], Any], Callable[[Any], None]]:
    """The read `name` and a check that its answer is the panel's truth."""
    order, done, refill = ids.active[0], ids.completed[0], ids.refill
    charge = panel.orders[order].charge

    def services_ok(answer: Any) -> None:
        assert [str(s.service) for s in answer] == [str(s["service"]) for s in panel.services]
        assert answer.get(1).rate == Decimal("0.90")

    def balance_ok(answer: Any) -> None:
        assert answer.balance == panel.balance
        assert answer.currency == "USD"

    def status_ok(answer: Any) -> None:
        assert answer.status == "Pending"
        assert answer.charge == charge
        assert answer.remains == 100

    def statuses_ok(answer: Any) -> None:
        assert set(answer) == {order, done, UNKNOWN}
        assert answer[order].status == "Pending"
        assert answer[done].status == "Completed"
        assert isinstance(answer[UNKNOWN], ItemError)

    def refill_status_ok(answer: Any) -> None:
        assert answer.status == "Pending"

    def refill_statuses_ok(answer: Any) -> None:
        assert [str(item.refill) for item in answer] == [str(refill), str(UNKNOWN)]
        assert answer[0].status == "Pending"
        assert isinstance(answer[1].status, ItemError)

    return {
        "services": (lambda c: c.services(), services_ok),
        "balance": (lambda c: c.balance(), balance_ok),
        "status": (lambda c: c.status(order), status_ok),
        "statuses": (lambda c: c.statuses([order, done, UNKNOWN]), statuses_ok),
        "refill_status": (lambda c: c.refill_status(refill), refill_status_ok),
        "refill_statuses": (lambda c: c.refill_statuses([refill, UNKNOWN]), refill_statuses_ok),
    }[name]


@pytest.mark.parametrize(("name", "fault_id"), pairs(ONCE))
def test_a_fault_that_happens_once_is_cured_by_a_retry(
    panel: FakePanel, slept: list[float], name: str, fault_id: str
) -> None:
    ids = prepare(panel)
    call, check = read_call(name, ids, panel)
    fault, options, _ = FAULTS[fault_id]
    panel.inject(fault, action=wire_name(name), times=1, **options)
    with client_for(panel, slept, timeout=READ_TIMEOUT) as client:
        answer = call(client)
    check(answer)
    assert len(requests_for(panel, wire_name(name), ids.requests_before)) == 2
    assert len(slept) == 1
    if options.get("retry_after") == 1:
        assert slept == [1.0]
    else:
        assert 0.375 <= slept[0] <= 0.5  # the first backoff, with at most a quarter of jitter
    assert panel.faults == []


@pytest.mark.parametrize(("name", "fault_id"), pairs(list(reversed(FAULTS))))
def test_a_fault_that_outlasts_the_retries_is_an_smmpanel_error(
    panel: FakePanel, slept: list[float], name: str, fault_id: str
) -> None:
    ids = prepare(panel)
    call, _ = read_call(name, ids, panel)
    fault, options, expected = FAULTS[fault_id]
    panel.inject(fault, action=wire_name(name), times=3, **options)
    with client_for(panel, slept, timeout=READ_TIMEOUT) as client:
        with pytest.raises(SMMPanelError) as caught:
            call(client)
        error = caught.value
        assert isinstance(error, expected), f"{type(error).__name__}: {error}"
        tries = len(requests_for(panel, wire_name(name), ids.requests_before))
        if fault is Fault.REDIRECT:
            assert tries == 1  # a redirect is never retried (nor followed)
        else:
            assert tries == 3  # max_retries + 1
        if isinstance(error, ResponseError):
            assert error.status_code is not None
        if isinstance(error, RateLimitError) and options["retry_after"] == 1:
            assert error.retry_after == 1.0
        # Whatever is left of the injected faults, the client itself is fine afterwards.
        panel.clear_faults()
        call(client)


def test_a_redirect_on_a_read_is_not_retried(panel: FakePanel, slept: list[float]) -> None:
    panel.inject(Fault.REDIRECT, action="balance", times=1)
    with client_for(panel, slept) as client:
        with pytest.raises(ResponseError) as caught:
            client.balance()
        assert caught.value.status_code == 307
        assert client.balance().balance == panel.balance
    assert slept == []
    assert [r.fault for r in panel.ledger.requests] == ["redirect", None]


# --- Retry-After, end to end (the policy itself is unit tested) ----------------------------


def test_retry_after_in_seconds_is_slept(panel: FakePanel, slept: list[float]) -> None:
    panel.inject(Fault.RATE_LIMIT, action="balance", retry_after=1)
    with client_for(panel, slept) as client:
        assert client.balance().balance == panel.balance
    assert slept == [1.0]
    assert [r.status_code for r in panel.ledger.requests] == [429, 200]


def test_retry_after_as_an_http_date_is_slept(panel: FakePanel, slept: list[float]) -> None:
    when = formatdate(time.time() + 20, usegmt=True)
    panel.inject(Fault.RATE_LIMIT, action="services", retry_after=when)
    with client_for(panel, slept) as client:
        assert len(client.services()) == len(panel.services)
    assert len(slept) == 1
    assert 18.0 <= slept[0] <= 20.0  # the date has whole seconds; some time has passed
    assert [r.status_code for r in panel.ledger.requests] == [429, 200]


@pytest.mark.parametrize("as_date", [False, True], ids=["seconds", "http-date"])
def test_a_retry_after_beyond_a_minute_is_raised_at_once(
    panel: FakePanel, slept: list[float], as_date: bool
) -> None:
    header: int | str = formatdate(time.time() + 121, usegmt=True) if as_date else 120
    panel.inject(Fault.RATE_LIMIT, action="status", retry_after=header)
    with client_for(panel, slept) as client, pytest.raises(RateLimitError) as caught:
        client.status(1)
    assert caught.value.retry_after is not None
    assert 118.0 <= caught.value.retry_after <= 121.0
    assert slept == []
    assert len(panel.ledger.requests) == 1
