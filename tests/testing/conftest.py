"""Fixtures for the FakePanel tests: raw HTTP against a running fake panel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from _fakeapi import Api

from smmpanel.testing import FakePanel

pytest_plugins = ["pytester"]


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture
def api(fake_panel: FakePanel, session: requests.Session) -> Api:
    return Api(fake_panel, session)
