"""Fixtures every test suite here shares: no developer settings leaking in from the
environment, a mocked panel, and a record of the waits a retry policy asked for."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import responses


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
    """The waits the client's retry policy asked for, in order (nothing really sleeps)."""
    return []


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record, down to DEBUG, of smmpanel, urllib3, requests and the root."""
    for name in ("smmpanel", "urllib3", "requests", ""):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog
