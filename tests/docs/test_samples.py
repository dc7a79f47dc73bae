"""Every Python sample in README.md and docs/*.md runs, against a FakePanel.

How a page is run:

- Its ```python blocks run in order in one namespace, so a later block may use what an
  earlier one defined, as a reader would type them into one session.
- The namespace starts with ``client``, a `Client` on a fake panel, and the environment
  has SMMPANEL_API_URL and SMMPANEL_API_KEY set to that panel, so ``Client()`` with no
  arguments reaches it too. Urls like ``https://yourpanel.example/api/v2`` in a sample
  become the fake panel's url, and ``"your-api-key"`` its key.
- That panel's clock runs a million times faster than real time, so an order placed in
  one line has completed by the next, as if a reader had paused between them.
- Functions named ``test_*`` that a page defines are then called, as pytest would: a
  ``fake_panel`` argument gets a fresh FakePanel (with the options of a
  ``@pytest.mark.fake_panel(...)`` marker), and a one-argument
  ``@pytest.mark.parametrize`` calls the function once per value.
- The page runs in a temporary directory, since samples may save files.

A block that must not run (a sketch with placeholders, a Celery worker, ...) is marked by
an HTML comment on the line just before its fence, invisible on GitHub and on the site::

    <!-- skip-run -->
    ```python
    ...
    ```
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from smmpanel import Client
from smmpanel.testing import FakePanel

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"(<!-- skip-run -->\n)?```python\n(.*?)^```", re.S | re.M)
PANEL_URL = re.compile(r"https://[\w.-]+\.example/api/v2")


def python_blocks(text: str) -> list[str]:
    """The blocks of a page to run, in order, without those marked skip-run."""
    return [code for skip, code in FENCE.findall(text) if not skip]


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.fixture
def reader_panel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakePanel]:
    """The panel a reader's samples talk to, with the environment pointing at it."""
    monkeypatch.chdir(tmp_path)
    with FakePanel(realtime=True, speed=1_000_000) as panel:
        monkeypatch.setenv("SMMPANEL_API_URL", panel.url)
        monkeypatch.setenv("SMMPANEL_API_KEY", panel.api_key)
        yield panel


def _call_tests(namespace: dict[str, Any]) -> None:
    """Run the test functions a page defined, the way pytest would."""
    for name, function in list(namespace.items()):
        if name.startswith("test_") and callable(function):
            _call_test(function)


def _call_test(function: Callable[..., object]) -> None:
    marks = {mark.name: mark for mark in getattr(function, "pytestmark", [])}
    names = list(inspect.signature(function).parameters)
    cases: list[dict[str, Any]] = [{}]
    if "parametrize" in marks:
        argname, values = marks["parametrize"].args
        cases = [{argname: value} for value in values]
    options = marks["fake_panel"].kwargs if "fake_panel" in marks else {}
    for case in cases:
        if "fake_panel" in names:
            with FakePanel(**options) as panel:
                function(**case, fake_panel=panel)
        else:
            function(**case)


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_python_sample_runs(page: Path, reader_panel: FakePanel) -> None:
    text = PANEL_URL.sub(reader_panel.url, page.read_text(encoding="utf-8"))
    text = text.replace('"your-api-key"', repr(reader_panel.api_key))
    client = Client(reader_panel.url, reader_panel.api_key)
    namespace: dict[str, Any] = {"__name__": "__sample__", "client": client}
    try:
        for block in python_blocks(text):
            exec(compile(block, _page_id(page), "exec"), namespace)
        _call_tests(namespace)
    finally:
        client.close()
        for value in namespace.values():
            if isinstance(value, FakePanel):
                value.stop()


def test_skip_run_marks_only_the_next_block() -> None:
    page = "<!-- skip-run -->\n```python\nskipped\n```\n\n```python\nrun\n```\n"
    assert python_blocks(page) == ["run\n"]


def test_the_readme_has_samples_to_run() -> None:
    assert len(python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))) >= 3
