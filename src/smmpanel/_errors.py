"""Every exception a client call can raise.

The hierarchy::

    SMMPanelError
    ├── ConfigurationError        bad client settings (also a ValueError)
    ├── InvalidArgumentError      a bad argument, refused before sending (also a ValueError)
    ├── APIError                  the panel answered {"error": ...}; .action, .params
    │   ├── AuthenticationError   the key was refused
    │   ├── InsufficientFundsError
    │   └── RateLimitError        HTTP 429 (for a write too: the panel refused it)
    ├── WaitTimeout               wait() or track() ran out of time (also a TimeoutError)
    ├── ResponseError             the answer could not be understood
    ├── TransportError            the network failed (after retries, for repeatable calls)
    └── OutcomeUnknownError       a paid call may have reached the panel, its answer was lost

`OutcomeUnknownError` is deliberately not a `TransportError`: code that retries on
network errors must never re-send an order that may already have been placed.

Every error pickles to the same type with the same attributes, so that it survives a
process pool; none of them holds the api key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # _models imports this module
    from ._models import PanelModel

__all__ = [
    "APIError",
    "AuthenticationError",
    "ConfigurationError",
    "InsecureTransportWarning",
    "InsufficientFundsError",
    "InvalidArgumentError",
    "OutcomeUnknownError",
    "RateLimitError",
    "ResponseError",
    "SMMPanelError",
    "TransportError",
]

BODY_PREVIEW_CHARS = 500


def _rebuild(cls: type[SMMPanelError], args: tuple[Any, ...]) -> SMMPanelError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    return error


class SMMPanelError(Exception):
    """Base class of every error this library raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take keyword-only arguments, which Exception's own pickling cannot
        # pass back; rebuild from the message and restore the attributes instead.
        return (_rebuild, (type(self), self.args), dict(self.__dict__))


class ConfigurationError(SMMPanelError, ValueError):
    """The client was constructed with a missing or unsafe setting."""


class InvalidArgumentError(SMMPanelError, ValueError):
    """An argument was refused before any request was sent."""


class APIError(SMMPanelError):
    """The panel answered with an error message, such as "Incorrect order ID".

    `message` is the panel's own text; `action` and `params` name the call that failed
    (never the key), and the error's text leads with the action: ``add: Incorrect
    service ID``.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        action: str = "",
        params: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{action}: {message}" if action else message)
        self.message = message
        self.status_code = status_code
        self.action = action
        self.params: dict[str, str] = dict(params or {})

    @classmethod
    def from_message(
        cls,
        message: str,
        *,
        status_code: int | None = None,
        action: str = "",
        params: Mapping[str, str] | None = None,
    ) -> APIError:
        """Build the most specific `APIError` subclass for a panel's error message."""
        error_class: type[APIError] = cls
        if status_code == 429:
            error_class = RateLimitError
        elif _AUTH_ERROR.search(_normalise(message)):
            error_class = AuthenticationError
        elif _FUNDS_ERROR.search(_normalise(message)):
            error_class = InsufficientFundsError
        return error_class(message, status_code=status_code, action=action, params=params)


class AuthenticationError(APIError):
    """The panel refused the api key."""


class InsufficientFundsError(APIError):
    """The balance does not cover the order."""


class RateLimitError(APIError):
    """The panel asked us to slow down (HTTP 429) beyond what the retry policy waits
    for. A write answered 429 was refused: the panel did not act on it."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = 429,
        action: str = "",
        params: Mapping[str, str] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, action=action, params=params)
        self.retry_after = retry_after


class WaitTimeout(SMMPanelError, TimeoutError):
    """`wait()` or `track()` ran out of time before the orders were final. `last` is the
    last status seen (None if none was), `pending` the orders still not final with theirs."""

    def __init__(
        self,
        message: str,
        *,
        last: Any = None,
        pending: Mapping[Any, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.last = last
        self.pending: dict[Any, Any] = dict(pending) if pending is not None else {}


class ResponseError(SMMPanelError):
    """The panel's answer could not be understood: not JSON, the wrong shape, an
    unexpected HTTP status, a redirect, or larger than the client accepts."""

    def __init__(self, message: str, *, status_code: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body[:BODY_PREVIEW_CHARS]


class InsecureTransportWarning(UserWarning):
    """Certificate verification was turned off for a client."""


class TransportError(SMMPanelError):
    """The request could not be completed over the network; `attempts` says how many
    times it was tried."""

    attempts: int = 1


class OutcomeUnknownError(SMMPanelError):
    """A call that spends money or changes orders may have reached the panel, and its
    answer was lost. It is never retried automatically: check the panel's orders before
    sending it again.

    `action` and `params` say what may have reached the panel (never the key). When a
    multi-id call stops part way, `completed` holds the results of the batches that did
    finish and `unsent` the ids that were refused or never sent. `answered` is True when
    the panel did answer, with an error (a 5xx) that does not say whether it acted.
    """

    def __init__(
        self,
        action: str,
        params: Mapping[str, str],
        reason: str,
        *,
        completed: Sequence[PanelModel] | None = None,
        unsent: Sequence[int | str] | None = None,
        answered: bool = False,
    ) -> None:
        self.action = action
        self.params = dict(params)
        self.reason = reason
        self.answered = answered
        self.completed: list[PanelModel] = list(completed or ())
        self.unsent: list[int | str] = list(unsent or ())
        shown = ", ".join(f"{name}={shorten(value, 60)}" for name, value in params.items() if value)
        if answered and completed is None and unsent is None:
            super().__init__(
                f"{action!r} ({shown}): the panel answered {reason}; it may or may not have"
                " acted. It was not retried: check your orders on the panel before sending"
                " it again."
            )
            return
        if completed is None and unsent is None:
            summary = f"the panel may have received {action!r} ({shown}) but its answer was lost"
        else:
            summary = (
                f"{action!r} stopped part way: {len(self.completed)} done (see .completed),"
                f" {len(self.unsent)} refused or not sent (see .unsent), and the answer lost"
                f" for {shown or 'no ids'}"
            )
        super().__init__(
            f"{summary} ({reason}). It was not retried: check your orders on the panel"
            " before sending it again."
        )


def error_chain(error: BaseException) -> list[BaseException]:
    """`error` and every error it wraps: requests and urllib3 keep their causes in
    ``args`` and ``.reason`` as well as in ``__cause__`` and ``__context__``."""
    found: list[BaseException] = []
    pending: list[object] = [error]
    while pending and len(found) < 30:
        item = pending.pop()
        if not isinstance(item, BaseException) or any(item is seen for seen in found):
            continue
        found.append(item)
        pending += [item.__cause__, item.__context__, getattr(item, "reason", None)]
        pending += [arg for arg in item.args if isinstance(arg, BaseException)]
    return found


def shorten(value: object, limit: int = 120) -> str:
    """`repr(value)`, cut to `limit` characters for messages."""
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # deeply nested, or an int too long to print
        text = f"<{type(value).__name__} too large to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _normalise(message: str) -> str:
    # Panels send "Invalid API key" as well as translation keys like
    # "neworder.error.not_enough_funds"; compare them as plain lower-case words.
    return re.sub(r"[^a-z0-9]+", " ", message.lower())


_AUTH_ERROR = re.compile(
    r"\b(api ?key|invalid key|incorrect key|wrong key|key (is )?(invalid|incorrect|wrong)"
    r"|unauthori[sz]ed|authentication|user not found|api is disabled?)\b"
)
_FUNDS_ERROR = re.compile(
    r"\b(not enough (funds|balance|money)|insufficient (funds|balance)|low balance"
    r"|balance (is )?(too low|insufficient|not enough))\b"
)
