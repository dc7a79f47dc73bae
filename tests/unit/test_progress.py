"""The progress reporter behind `progress=`: nothing, a callable, or a tqdm bar."""

from __future__ import annotations

import sys
from typing import Any, ClassVar

import pytest

from smmpanel import InvalidArgumentError
from smmpanel._progress import progress_reporter


class FakeBar:
    made: ClassVar[list[FakeBar]] = []

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.steps: list[int] = []
        self.closed = False
        FakeBar.made.append(self)

    def update(self, step: int) -> None:
        self.steps.append(step)

    def close(self) -> None:
        self.closed = True


def test_a_callable_gets_done_and_total_and_never_goes_back() -> None:
    calls: list[tuple[int, int]] = []
    with progress_reporter(lambda done, total: calls.append((done, total)), 250, "x") as report:
        report.update(100)
        report.update(250)
        report.update(200)  # a parallel chunk reporting late
    assert calls == [(100, 250), (250, 250)]


@pytest.mark.parametrize("progress", [None, False])
def test_none_and_false_report_nothing(progress: bool | None) -> None:
    with progress_reporter(progress, 10, "x") as report:
        report.advance(4)
    assert report.done == 4


def test_true_drives_a_tqdm_auto_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tqdm.auto.tqdm", FakeBar)
    with progress_reporter(True, 300, "statuses") as report:
        report.update(100)
        report.advance(100)
        report.update(150)
    bar = FakeBar.made[-1]
    assert bar.options == {"total": 300, "desc": "statuses", "unit": "id"}
    assert bar.steps == [100, 100]
    assert bar.closed


def test_true_without_tqdm_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r'pip install "smmpanel\[progress\]"'):
        progress_reporter(True, 10, "statuses")


@pytest.mark.parametrize("progress", ["yes", 1, 0.5])
def test_anything_else_is_refused_by_value(progress: object) -> None:
    with pytest.raises(InvalidArgumentError, match=repr(progress)):
        progress_reporter(progress, 10, "x")  # type: ignore[arg-type]
