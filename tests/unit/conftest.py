"""Fixtures for the unit tests: a mocked panel (``responses``), a client that never
really sleeps, and a fake ``requests.Session`` that records what it was asked to send."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from unit_support import KEY, URL, FakeSession

from smmpanel import Client, RetryPolicy


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own panel settings."""
    monkeypatch.delenv("SMMPANEL_API_URL", raising=False)
    monkeypatch.delenv("SMMPANEL_API_KEY", raising=False)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """The mocked panel; a request nothing was queued for fails like a refused connection."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def slept() -> list[float]:
    """The waits the client's retry policy asked for, in order."""
    return []


@pytest.fixture
def client(slept: list[float]) -> Iterator[Client]:
    with Client(URL, KEY, retry_policy=RetryPolicy(sleep=slept.append)) as made:
        yield made


@pytest.fixture
def fake_session() -> FakeSession:
    return FakeSession()
