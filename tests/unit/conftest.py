"""Fixtures for the unit tests: a client that never really sleeps, and a fake
``requests.Session`` that records what it was asked to send."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from unit_support import KEY, URL, FakeSession

from smmpanel import Client, RetryPolicy


@pytest.fixture
def client(slept: list[float]) -> Iterator[Client]:
    with Client(URL, KEY, retry_policy=RetryPolicy(sleep=slept.append)) as made:
        yield made


@pytest.fixture
def fake_session() -> FakeSession:
    return FakeSession()
