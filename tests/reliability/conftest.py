"""Fixtures for the reliability tests: a running FakePanel, and a check that every test
closes the sockets it opened."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import pytest
from reliability_support import START_BALANCE

from smmpanel.testing import FakePanel


@pytest.fixture
def panel() -> Iterator[FakePanel]:
    """A started FakePanel with a known balance, stopped after the test."""
    with FakePanel(balance=START_BALANCE) as started:
        yield started


@pytest.fixture(autouse=True)
def _no_leaked_sockets(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every connection a test opened is closed by its end: a socket left for the garbage
    collector warns (ResourceWarning), and is blamed on this test, not a later one.

    Modules that never open a socket (``responses`` mocks) opt out with
    ``OPENS_SOCKETS = False``: a collection per test costs them more than it proves."""
    if not getattr(request.module, "OPENS_SOCKETS", True):
        yield
        return
    gc.collect()
    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always", ResourceWarning)
        yield
        gc.collect()
    leaks = [str(w.message) for w in heard if issubclass(w.category, ResourceWarning)]
    assert leaks == [], f"unclosed at the end of the test: {leaks}"
