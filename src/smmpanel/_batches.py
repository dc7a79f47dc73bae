"""Multi-id calls: chunks of 100 ids, an optional pool of threads, merging, and an
account of every id when some chunks fail.

The rules, for a call over many chunks:
- an id the panel refused, or left out of its answer, is an `ItemError` in the result;
- a chunk of a read refused with 429 while others were in flight is sent again on its
  own after the wait the panel asked for (it slows down, it does not fail);
- a write that stops part way raises `OutcomeUnknownError` with what was done
  (`completed`), what may have been (`params`) and what was not (`unsent`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ._errors import (
    APIError,
    AuthenticationError,
    InsufficientFundsError,
    InvalidArgumentError,
    OutcomeUnknownError,
    RateLimitError,
    SMMPanelError,
)
from ._models import Id, ItemError, PanelModel
from ._progress import Progress, ProgressReporter, progress_reporter
from ._retry import RetryPolicy

__all__ = ["BATCH_SIZE", "POOL_SIZE", "Batch"]

BATCH_SIZE = 100
"""The most ids the protocol accepts in one multi-id request."""
POOL_SIZE = 16
"""Connections kept open per panel, enough for `max_workers` and a few sharing threads."""

R = TypeVar("R", bound=PanelModel)
Chunk = list[Id]
Outcome = dict[str, R] | SMMPanelError


@dataclass(frozen=True)
class Batch(Generic[R]):
    """One multi-id call: `send` posts one chunk and returns its results keyed by id
    text; `failed` makes the result for an id the panel refused or left out."""

    action: str
    field: str
    send: Callable[[Chunk], dict[str, R]]
    failed: Callable[[Id, ItemError], R]
    idempotent: bool
    policy: RetryPolicy

    def run(
        self, ids: Sequence[Id], max_workers: int = 1, progress: Progress = None
    ) -> dict[str, R]:
        """The result for every id, keyed by its text; `progress` hears of each chunk."""
        workers = check_workers(max_workers)
        chunks = [list(ids[start : start + BATCH_SIZE]) for start in range(0, len(ids), BATCH_SIZE)]
        workers = min(workers, len(chunks), POOL_SIZE)
        with progress_reporter(progress, len(ids), self.action) as reporter:
            if workers > 1:
                outcomes = self._in_parallel(chunks, workers, reporter)
            else:
                outcomes = self._in_turn(chunks, reporter)
        merged: dict[str, R] = {}
        failures: list[tuple[Chunk, SMMPanelError]] = []
        for chunk, outcome in zip(chunks, outcomes, strict=False):
            if isinstance(outcome, SMMPanelError):
                failures.append((chunk, outcome))
            else:
                merged.update(outcome)
        if failures and self.idempotent:
            self._send_again_slowly(failures, merged, parallel=workers > 1)
        elif failures:
            self._account_for_writes(ids, chunks, failures, merged)
        return merged

    def _chunk(self, chunk: Chunk) -> dict[str, R]:
        try:
            found = self.send(chunk)
        except (AuthenticationError, InsufficientFundsError, RateLimitError):
            raise
        except APIError as error:
            if error.status_code is not None and (
                error.status_code >= 500 or error.status_code == 408
            ):
                raise  # an outage, not a verdict on these ids
            # The panel refused this whole chunk, e.g. "Incorrect request".
            refused = ItemError(error=error.message)
            return {str(item): self.failed(item, refused) for item in chunk}
        missing = ItemError(error="the panel's answer left this id out")
        return {
            str(item): found[str(item)] if str(item) in found else self.failed(item, missing)
            for item in chunk
        }

    def _in_turn(self, chunks: list[Chunk], reporter: ProgressReporter) -> list[Outcome[R]]:
        outcomes: list[Outcome[R]] = []
        for chunk in chunks:
            try:
                outcomes.append(self._chunk(chunk))
            except SMMPanelError as stopped:
                outcomes.append(stopped)
                break  # later chunks stay unsent
            reporter.advance(len(chunk))
        return outcomes

    def _in_parallel(
        self, chunks: list[Chunk], workers: int, reporter: ProgressReporter
    ) -> list[Outcome[R]]:
        from concurrent.futures import ThreadPoolExecutor, as_completed  # only needed here

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="smmpanel") as pool:
            futures = {pool.submit(self._chunk, chunk): len(chunk) for chunk in chunks}
            for done in as_completed(futures):  # reported from this thread, as they finish
                if done.exception() is None:
                    reporter.advance(futures[done])
        outcomes: list[Outcome[R]] = []
        for future in futures:  # in the order of the chunks
            raised = future.exception()
            if raised is not None and not isinstance(raised, SMMPanelError):
                raise raised
            outcomes.append(future.result() if raised is None else raised)
        return outcomes

    def _send_again_slowly(
        self, failures: list[tuple[Chunk, SMMPanelError]], merged: dict[str, R], *, parallel: bool
    ) -> None:
        """Send again, one at a time, the chunks of a parallel read still refused with 429
        after their retries: the panel wanted fewer requests at once."""
        for chunk, error in failures:
            wait = slow_down_wait(error, self.policy) if parallel else None
            if wait is None:
                raise error
            self.policy.sleep(wait)
            merged.update(self._chunk(chunk))

    def _account_for_writes(
        self,
        ids: Sequence[Id],
        chunks: list[Chunk],
        failures: list[tuple[Chunk, SMMPanelError]],
        merged: dict[str, R],
    ) -> None:
        unknown = [error for _, error in failures if isinstance(error, OutcomeUnknownError)]
        if len(chunks) == 1 or not (merged or unknown):
            raise failures[0][1]  # one request's own error says it all, or nothing was done
        # Some orders were acted on, some may or may not have been, some were not: say which.
        cause = unknown[0] if unknown else failures[0][1]
        maybe = {str(item) for chunk, error in failures if error in unknown for item in chunk}
        raise OutcomeUnknownError(
            self.action,
            {self.field: ",".join(str(item) for item in ids if str(item) in maybe)},
            str(cause),
            completed=list(merged.values()),
            unsent=[item for item in ids if str(item) not in merged and str(item) not in maybe],
        ) from cause


def slow_down_wait(error: SMMPanelError, policy: RetryPolicy) -> float | None:
    """How long to wait before sending a chunk still refused with 429 once more on its
    own; None when it should not be, as when the panel asked for a longer wait than the
    policy allows."""
    if not isinstance(error, RateLimitError):
        return None
    return policy.delay(0, None if error.retry_after is None else str(error.retry_after))


def check_workers(max_workers: object) -> int:
    """`max_workers` if it is a usable thread count, else an `InvalidArgumentError`."""
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        raise InvalidArgumentError(f"max_workers must be a whole number >= 1, not {max_workers!r}")
    return max_workers
