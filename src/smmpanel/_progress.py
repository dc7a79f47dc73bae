"""Progress reports for long work (multi-chunk batch calls and `track`).

The `progress=` argument of those calls takes:

- ``None`` or ``False``: no report (the default);
- ``True``: a `tqdm.auto` bar, a widget in Jupyter and text in a terminal. tqdm is the
  optional extra ``pip install "smmpanel[progress]"``; without it ``True`` raises an
  `ImportError` naming that extra, before any request is sent. A clear error beats a
  silent fallback: asking for a bar and getting none would look like a hang;
- a callable: called as ``progress(done, total)`` after each finished step.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Final

from ._errors import InvalidArgumentError

__all__ = ["TQDM_MISSING", "Progress", "ProgressReporter", "progress_reporter"]

Progress = bool | Callable[[int, int], None] | None
"""What `progress=` accepts: None/False (nothing), True (a tqdm bar) or a callable."""

TQDM_MISSING: Final = 'progress=True needs tqdm: pip install "smmpanel[progress]"'


class ProgressReporter:
    """Reports how much of `total` is done; a context manager that closes its bar.

    `update(done)` takes the running count of finished items, so reports that arrive out
    of order from parallel chunks never move the bar backwards.
    """

    def __init__(
        self, total: int, callback: Callable[[int, int], None] | None = None, bar: Any = None
    ) -> None:
        self.total = total
        self.done = 0
        self._callback = callback
        self._bar = bar

    def update(self, done: int) -> None:
        """Report that `done` of `total` items are finished."""
        if done <= self.done:
            return
        if self._bar is not None:
            self._bar.update(done - self.done)
        self.done = done
        if self._callback is not None:
            self._callback(done, self.total)

    def advance(self, count: int = 1) -> None:
        """Report that `count` more items are finished."""
        self.update(self.done + count)

    def close(self) -> None:
        """Close the bar, if there is one; further reports are ignored by it."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressReporter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _tqdm_bar(total: int, desc: str) -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:
        raise ImportError(TQDM_MISSING) from exc
    return tqdm(total=total, desc=desc, unit="id")


def progress_reporter(progress: Progress, total: int, desc: str) -> ProgressReporter:
    """A reporter for `total` items of work described by `desc` (e.g. ``"statuses"``),
    as asked by a call's `progress=` argument; see the module docs for the choices."""
    if progress is None or progress is False:
        return ProgressReporter(total)
    if progress is True:
        return ProgressReporter(total, bar=_tqdm_bar(total, desc))
    if callable(progress):
        return ProgressReporter(total, callback=progress)
    raise InvalidArgumentError(
        f"progress must be True, False, None or a callable taking (done, total), not {progress!r}"
    )
