"""Whether to try a call again, and how long to wait first: one pure decision.

Every failed attempt is classified as one `Happened`. `decide` turns that, whether the
action is safe to repeat and how many retries are left into `RETRY`, `RAISE` or
`UNKNOWN` (raise `OutcomeUnknownError`: the panel may have acted). The two tables below
are the whole policy; handling a new kind of failure means adding a row.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from enum import Enum

from ._errors import ConfigurationError

__all__ = ["RetryPolicy"]


class Happened(Enum):
    """What one attempt ran into."""

    NOT_SENT = "the request never left"  # refused, no such host, connect timeout
    UNSENDABLE = "the request could not be sent"  # an unusable url or unencodable text
    NO_ANSWER = "the answer was lost"  # sent, then a timeout, a reset or a cut answer
    CERTIFICATE = "the certificate was refused"  # no fluke: trying again cannot help
    BUSY = "the panel is busy"  # 408 or 5xx
    RATE_LIMITED = "too many requests"  # 429: the panel refused the request
    GARBLED = "the answer was not JSON"  # a 2xx cut short, empty, or a proxy's page
    MISREAD = "the answer did not fit"  # 2xx JSON of the wrong shape, too large, 302/303
    REFUSED = "the panel refused"  # an error message, a 4xx page, 301/307/308
    TOO_LARGE = "the answer was too large"  # past max_answer_bytes: refused, not held


class Decision(Enum):
    """What to do after a failed attempt."""

    RETRY = "retry"
    RAISE = "raise"
    UNKNOWN = "outcome unknown"


# Which failures a retry may cure, for reads and for writes. A write is repeated only
# when it provably never reached the panel.
RETRY_READS = frozenset(
    {Happened.NOT_SENT, Happened.NO_ANSWER, Happened.BUSY, Happened.RATE_LIMITED, Happened.GARBLED}
)
RETRY_WRITES = frozenset({Happened.NOT_SENT})
# After which failures a write may have been acted on by the panel.
MAY_HAVE_ACTED = frozenset(
    {Happened.NO_ANSWER, Happened.BUSY, Happened.GARBLED, Happened.MISREAD, Happened.TOO_LARGE}
)

MAX_RETRIES_CAP = 100
LONGEST_WAIT = 86_400
"""The longest timeout or wait accepted, in seconds (a day): longer ones overflow the
clocks underneath, and no panel call is worth waiting for that long."""
DEFAULT_MAX_RETRIES = 2


def decide(happened: Happened, *, idempotent: bool, retries_left: int) -> Decision:
    """The one retry decision: retry, raise the error as it is, or raise it as an
    unknown outcome because a write may have been acted on."""
    if retries_left > 0 and happened in (RETRY_READS if idempotent else RETRY_WRITES):
        return Decision.RETRY
    if not idempotent and happened in MAY_HAVE_ACTED:
        return Decision.UNKNOWN
    return Decision.RAISE


def check_max_retries(retries: object) -> int:
    """`retries` if it is a usable retry count, else a `ConfigurationError`."""
    if isinstance(retries, bool) or not isinstance(retries, int):
        raise ConfigurationError(f"max_retries must be a whole number, not {retries!r}")
    if not 0 <= retries <= MAX_RETRIES_CAP:
        raise ConfigurationError(
            f"max_retries must be from 0 to {MAX_RETRIES_CAP}, not {retries!r}"
        )
    return retries


@dataclass(frozen=True)
class RetryPolicy:
    """How patiently repeatable calls are retried (how often is `Client(max_retries=)`).

    Waits grow exponentially from `backoff_initial` (0.5 s, 1 s, 2 s, ...) up to
    `backoff_max`, each shortened by up to a quarter at random so that many clients do not
    retry in step. A panel's ``Retry-After`` is honoured when it asks for at most
    `retry_after_max` seconds; a longer wait is not slept but raised to the caller.
    """

    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("backoff_initial", "backoff_max", "retry_after_max"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value <= LONGEST_WAIT
            ):
                raise ConfigurationError(
                    f"{name} must be seconds from 0 to {LONGEST_WAIT}, not {value!r}"
                )

    def backoff(self, retries_done: int) -> float:
        """Seconds to wait before retry number ``retries_done + 1``, with jitter."""
        ceiling = min(self.backoff_max, self.backoff_initial * 2.0**retries_done)
        return float(ceiling * (1 - 0.25 * random.random()))  # noqa: S311 - jitter, not security

    def delay(self, retries_done: int, retry_after: str | None = None) -> float | None:
        """Seconds to wait before the next try: the panel's ``Retry-After`` when it gave
        one, else the backoff; None when the panel asked for more than `retry_after_max`."""
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
