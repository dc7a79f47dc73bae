"""pytest plugin (loaded automatically): the ``fake_panel`` fixture.

::

    def test_balance(fake_panel):
        client = Client(fake_panel.url, fake_panel.api_key)
        assert client.balance().balance == fake_panel.balance

    @pytest.mark.fake_panel(dialect="numbers", balance="5.00")
    def test_with_options(fake_panel): ...
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smmpanel.testing import FakePanel


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``fake_panel`` marker."""
    config.addinivalue_line(
        "markers",
        "fake_panel(**options): keyword arguments for the FakePanel of the fake_panel fixture",
    )


@pytest.fixture
def fake_panel(request: pytest.FixtureRequest) -> Iterator[FakePanel]:
    """A started :class:`~smmpanel.testing.FakePanel`, stopped after the test.

    Options come from the closest ``@pytest.mark.fake_panel(...)`` marker, if any.
    """
    marker = request.node.get_closest_marker("fake_panel")
    options = dict(marker.kwargs) if marker is not None else {}
    with FakePanel(**options) as panel:
        yield panel
