"""Redirects are never followed, end to end between two FakePanels: the key never
reaches the redirect's target, a POST never turns into a GET, nothing is sent twice."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import pytest
from actions_support import LINK, call, wire_name
from reliability_support import START_BALANCE, client_for

from smmpanel import OutcomeUnknownError, ResponseError, SMMPanelError
from smmpanel.testing import FakePanel, Fault

pytestmark = pytest.mark.e2e


@pytest.fixture
def second() -> Iterator[FakePanel]:
    """Where the redirects point: a panel that would accept the same key."""
    with FakePanel(balance=START_BALANCE) as started:
        yield started


def target_of(second: FakePanel) -> str:
    # "localhost" reaches the same server, and tells the target host from the first's.
    return second.url.replace("127.0.0.1", "localhost")


@pytest.mark.parametrize("status", [307, 308])
def test_a_307_or_308_never_carries_the_key_to_another_host(
    panel: FakePanel, second: FakePanel, slept: list[float], status: int
) -> None:
    panel.inject(Fault.REDIRECT, action="add", status=status, location=target_of(second))
    with client_for(panel, slept) as client, pytest.raises(ResponseError) as caught:
        client.add(1, LINK, 100)
    error = caught.value
    message = str(error)
    assert error.status_code == status
    assert "localhost" in message  # the target host is named...
    assert str(second.port) not in message  # ...and nothing else of the url
    assert target_of(second) not in message
    assert "/api/v2" not in message
    assert panel.api_key not in message
    assert second.ledger.requests == []  # the key never reached the target
    assert [(r.method, r.action, r.acted) for r in panel.ledger.requests] == [
        ("POST", "add", False)
    ]
    assert panel.orders == {}
    assert second.orders == {}
    assert slept == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("name", ["add", "balance", "cancel"])  # a write, a read, a batch
def test_a_redirect_never_becomes_a_get_nor_a_second_request(
    panel: FakePanel, second: FakePanel, slept: list[float], status: int, name: str
) -> None:
    panel.inject(Fault.REDIRECT, action=wire_name(name), status=status, location=target_of(second))
    with client_for(panel, slept) as client, pytest.raises(SMMPanelError) as caught:
        call(client, name)
    error = caught.value
    if name != "balance" and status in (302, 303):
        # After a POST these often mean "done, see over there": a write may have happened.
        assert isinstance(error, OutcomeUnknownError)
        error = error.__cause__  # type: ignore[assignment]
    assert isinstance(error, ResponseError)
    assert error.status_code == status
    assert second.ledger.requests == []
    assert [r.method for r in panel.ledger.requests] == ["POST"]
    assert panel.orders == {}
    assert slept == []


def test_a_redirect_to_the_same_panel_is_not_followed_either(
    panel: FakePanel, slept: list[float]
) -> None:
    """The FakePanel's default Location is its own url: following it would place the
    order after all, behind the caller's back."""
    panel.inject(Fault.REDIRECT, action="add", status=307)
    with client_for(panel, slept) as client, pytest.raises(ResponseError):
        client.add(1, LINK, 100)
    assert len(panel.ledger.requests) == 1
    assert panel.orders == {}


@pytest.mark.parametrize(
    "location",
    [
        "http://[oops/api",  # not a url: an unclosed IPv6 literal
        "http://[::1/api",
        "https://user:pa ss@[bad/",
        "http://panel.example:99999999/api",
        "",
        "   ",
        "/relative/path",
        "javascript:alert(1)",
        "https://panel.example/caf\xe9",  # latin-1, not UTF-8, on the wire
        "https://panel.example/\x80",
    ],
    ids=repr,
)
def test_a_redirect_to_a_malformed_location_is_still_a_response_error(
    panel: FakePanel, slept: list[float], location: str
) -> None:
    panel.inject(Fault.REDIRECT, action="balance", status=302, location=location)
    outcome: tuple[type[SMMPanelError], int | None] | None = None
    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always", ResourceWarning)
        with client_for(panel, slept) as client:
            try:
                client.balance()  # a ValueError from parsing the Location must not escape
            except SMMPanelError as error:
                outcome = (type(error), getattr(error, "status_code", None))
        gc.collect()  # a connection that was never released is closed now, and warns
    assert outcome is not None, "a redirect was taken for an answer"
    assert outcome[0] is ResponseError, outcome
    # requests fails on such a Location before handing the response over: the status
    # may be unknown then, but never another one.
    assert outcome[1] in (None, 302)
    assert len(panel.ledger.requests) == 1
    leaks = [str(w.message) for w in heard if issubclass(w.category, ResourceWarning)]
    assert leaks == [], "the redirect's connection was never released or closed"
