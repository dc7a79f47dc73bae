"""Fixtures for the command-line tests: a FakePanel and the command pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import Command, clean_env

from smmpanel.testing import FakePanel


@pytest.fixture
def panel() -> Iterator[FakePanel]:
    """A fresh FakePanel."""
    with FakePanel() as fake:
        yield fake


@pytest.fixture
def smm(panel: FakePanel, tmp_path: Path) -> Command:
    """The command, pointed at `panel` through the environment."""
    env = clean_env(tmp_path)
    env.update(SMMPANEL_API_URL=panel.url, SMMPANEL_API_KEY=panel.api_key)
    return Command(env)
