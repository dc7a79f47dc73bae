"""When to retry a request, and how long to wait first."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from math import inf

from .errors import ConfigurationError

MAX_RETRIES_CAP = 100
RETRYABLE_STATUSES = frozenset({408, 429})
"""HTTP statuses worth retrying besides every 5xx: request timeout and rate limiting."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently repeatable calls are retried.

    Waits grow exponentially from `backoff_initial` (0.5 s, 1 s, 2 s, ...) up to
    `backoff_max`, each shortened by up to a quarter at random so that many clients do not
    retry in step. A panel's ``Retry-After`` is honoured when it asks for at most
    `retry_after_max` seconds; a longer wait is not slept but raised to the caller.
    """

    max_retries: int = 2
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def __post_init__(self) -> None:
        retries = self.max_retries
        if isinstance(retries, bool) or not isinstance(retries, int):
            raise ConfigurationError(f"max_retries must be a whole number, not {retries!r}")
        if not 0 <= retries <= MAX_RETRIES_CAP:
            raise ConfigurationError(
                f"max_retries must be from 0 to {MAX_RETRIES_CAP}, not {retries!r}"
            )
        for name in ("backoff_initial", "backoff_max", "retry_after_max"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value < inf
            ):
                raise ConfigurationError(f"{name} must be seconds >= 0, not {value!r}")

    @staticmethod
    def is_retryable_status(status_code: int) -> bool:
        """Whether an HTTP status means "try again later": 408, 429 or any 5xx."""
        return status_code in RETRYABLE_STATUSES or 500 <= status_code <= 599

    def backoff(self, retries_done: int) -> float:
        """Seconds to wait before retry number ``retries_done + 1``, with jitter."""
        ceiling = min(self.backoff_max, self.backoff_initial * 2.0**retries_done)
        return float(ceiling * (1 - 0.25 * random.random()))  # noqa: S311 - jitter, not security

    def wait(self, retries_done: int, retry_after: str | None = None) -> float | None:
        """Seconds to wait before the next try, or None when there should be none: the
        retries are used up, or the panel asked for a longer wait than `retry_after_max`."""
        if retries_done >= self.max_retries:
            return None
        asked = parse_retry_after(retry_after)
        if asked is None:
            return self.backoff(retries_done)
        return asked if asked <= self.retry_after_max else None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Read a ``Retry-After`` header, in seconds or as an HTTP date, as seconds from now."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    if seconds != seconds or seconds == float("inf"):  # NaN or infinite
        return None
    return max(0.0, seconds)
