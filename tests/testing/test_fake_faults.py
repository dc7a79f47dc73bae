"""Injected faults: what the client sees, and whether the panel acted."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from _fakeapi import Api

from smmpanel.testing import FakePanel, Fault

ADD = {"service": 1, "link": "https://instagram.com/p/abc", "quantity": 100}


def last(panel: FakePanel) -> tuple[str | None, bool, int | None]:
    request = panel.ledger.requests[-1]
    return request.fault, request.acted, request.status_code


def test_drop_before_does_not_act(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.DROP_BEFORE)
    with pytest.raises(requests.ConnectionError):
        api.post("add", **ADD)
    assert last(fake_panel) == ("drop_before", False, None)
    assert fake_panel.orders == {}
    assert api("add", **ADD) == {"order": 23501}  # only the next request was hit


def test_drop_after_acts_without_answering(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.DROP_AFTER, action="add")
    with pytest.raises(requests.ConnectionError):
        api.post("add", **ADD)
    assert last(fake_panel) == ("drop_after", True, None)
    assert [o.id for o in fake_panel.ledger.orders] == [23501]
    assert fake_panel.balance < 100


def test_reset_after_acts_and_resets(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject("reset_after")
    with pytest.raises(requests.ConnectionError) as caught:
        api.post("add", **ADD)
    assert "reset" in str(caught.value).lower()
    assert last(fake_panel) == ("reset_after", True, None)
    assert len(fake_panel.orders) == 1


def test_stall_acts_then_waits(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.STALL, seconds=5)
    with pytest.raises(requests.ReadTimeout):
        api.session.post(
            fake_panel.url, data={"key": fake_panel.api_key, "action": "add", **ADD}, timeout=0.2
        )
    assert last(fake_panel) == ("stall", True, 200)
    assert len(fake_panel.orders) == 1


def test_stall_answers_after_the_wait(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.STALL, seconds=0.2)
    started = time.monotonic()
    assert api("balance") == {"balance": "100.00000", "currency": "USD"}
    assert time.monotonic() - started >= 0.2


def test_stall_before_acting(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.STALL, seconds=0.3, act=False)
    with pytest.raises(requests.ReadTimeout):
        api.session.post(
            fake_panel.url, data={"key": fake_panel.api_key, "action": "add", **ADD}, timeout=0.1
        )
    assert fake_panel.orders == {}  # not yet: the panel acts after the stall
    deadline = time.monotonic() + 2
    while not fake_panel.orders:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert last(fake_panel) == ("stall", True, 200)


def test_stop_interrupts_a_stall(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.STALL, seconds=60)
    with pytest.raises(requests.ReadTimeout):
        api.session.post(
            fake_panel.url, data={"key": fake_panel.api_key, "action": "balance"}, timeout=0.1
        )
    started = time.monotonic()
    fake_panel.stop()
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error(api: Api, fake_panel: FakePanel, status: int) -> None:
    options: dict[str, Any] = {} if status == 500 else {"status": status}
    fake_panel.inject(Fault.SERVER_ERROR, **options)
    response = api.post("add", **ADD)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "text/html"
    assert "<html>" in response.text
    assert last(fake_panel) == ("server_error", False, status)
    assert fake_panel.orders == {}


@pytest.mark.parametrize(
    ("retry_after", "header"),
    [
        ({}, "1"),
        ({"retry_after": 30}, "30"),
        ({"retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"}, "Wed, 21 Oct 2015 07:28:00 GMT"),
        ({"retry_after": None}, None),
    ],
)
def test_rate_limit(
    api: Api, fake_panel: FakePanel, retry_after: dict[str, Any], header: str | None
) -> None:
    fake_panel.inject(Fault.RATE_LIMIT, **retry_after)
    response = api.post("add", **ADD)
    assert response.status_code == 429
    assert response.json() == {"error": "Too many requests"}
    assert response.headers.get("Retry-After") == header
    assert last(fake_panel) == ("rate_limit", False, 429)
    assert fake_panel.orders == {}


def test_truncated_json(api: Api, fake_panel: FakePanel) -> None:
    full = api.post("balance").content
    fake_panel.inject(Fault.TRUNCATED)
    response = api.post("balance")
    assert response.status_code == 200
    assert response.content == full[: len(full) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert last(fake_panel) == ("truncated", True, 200)


def test_truncated_message(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.TRUNCATED, incomplete=True)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.post("add", **ADD)
    assert len(fake_panel.orders) == 1


def test_empty_body(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.EMPTY, action="add")
    response = api.post("add", **ADD)
    assert (response.status_code, response.content) == (200, b"")
    assert last(fake_panel) == ("empty", True, 200)
    assert len(fake_panel.orders) == 1


@pytest.mark.parametrize("status", [200, 403])
def test_cloudflare_html(api: Api, fake_panel: FakePanel, status: int) -> None:
    fake_panel.inject(Fault.HTML, status=status)
    response = api.post("add", **ADD)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Cloudflare" in response.text
    assert last(fake_panel) == ("html", False, status)
    assert fake_panel.orders == {}


def test_redirect(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.REDIRECT)
    response = api.post("add", **ADD)
    assert response.status_code == 307
    assert response.headers["Location"] == fake_panel.url
    fake_panel.inject(Fault.REDIRECT, status=301, location="https://elsewhere.example/api/v2")
    response = api.post("add", **ADD)
    assert (response.status_code, response.headers["Location"]) == (
        301,
        "https://elsewhere.example/api/v2",
    )
    assert last(fake_panel) == ("redirect", False, 301)
    assert fake_panel.orders == {}


def test_action_filter_times_and_fifo(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.inject(Fault.SERVER_ERROR, action="add", times=2)
    fake_panel.inject(Fault.RATE_LIMIT)
    assert api.post("balance").status_code == 429  # the add-only rule waits
    assert [api.post("add", **ADD).status_code for _ in range(3)] == [500, 500, 200]
    assert fake_panel.faults == []


def test_times_none_lasts_until_cleared(api: Api, fake_panel: FakePanel) -> None:
    rule = fake_panel.inject("html", times=None)
    assert [api.post("balance").status_code for _ in range(3)] == [200, 200, 200]
    assert fake_panel.faults == [rule]
    fake_panel.clear_faults()
    assert api("balance")["currency"] == "USD"
    assert [r.fault for r in fake_panel.ledger.requests] == ["html"] * 3 + [None]


def test_bad_fault_options() -> None:
    panel = FakePanel()
    with pytest.raises(ValueError, match="not a valid Fault"):
        panel.inject("explode")
    with pytest.raises(TypeError, match="takes no option seconds"):
        panel.inject(Fault.EMPTY, seconds=3)
    with pytest.raises(ValueError, match="status"):
        panel.inject(Fault.REDIRECT, status=200)
    with pytest.raises(ValueError, match="times"):
        panel.inject(Fault.EMPTY, times=0)
    with pytest.raises(ValueError, match="retry_after"):
        panel.inject(Fault.RATE_LIMIT, retry_after=1.5)
    assert str(Fault.STALL) == "stall"
    assert Fault("stall") is Fault.STALL
