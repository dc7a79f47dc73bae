"""Sending one form to the panel and bringing back its status, headers and bytes.

The transport knows HTTP, not the panel's protocol. Every failure it meets is raised as
an `AttemptFailed` saying what happened (never sent, sent and lost, certificate refused),
for the one retry decision in `_retry` to judge. Redirects are never followed: requests
would re-send the whole form, key included, to wherever the redirect points.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.client import HTTPException

import requests
import urllib3

from ._errors import TransportError
from ._retry import Happened
from ._secrets import KeyScrubber

__all__ = ["AttemptFailed", "Reply", "Timeout", "Transport"]

logger = logging.getLogger("smmpanel")

Timeout = float | tuple[float, float]
_NETWORK_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, HTTPException, OSError)
_UNUSABLE_URL = (
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidURL,
)


class AttemptFailed(Exception):
    """One attempt failed: `happened` classifies it for the retry decision, and `error`
    is what the caller gets when no retry follows."""

    def __init__(
        self,
        happened: Happened,
        error: Exception,
        *,
        reason: str | None = None,
        retry_after: str | None = None,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(reason or str(error))
        if cause is not None:
            error.__cause__ = cause
        self.happened = happened
        self.error = error
        self.reason = reason or str(error)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Reply:
    """The panel's raw answer: its HTTP status, headers and body, as sent."""

    status_code: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class Transport:
    """Posts forms to one panel over one `requests.Session`."""

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        timeout: Timeout,
        session: requests.Session,
        user_agent: str,
        verify: bool | str | None = None,
    ) -> None:
        self.api_url = api_url
        self.timeout = timeout
        self.session = session
        self.verify = verify
        self._api_key = api_key
        self._headers = {"User-Agent": user_agent, "Accept": "application/json"}
        self.secrets = KeyScrubber(api_key)

    def send(self, action: str, params: Mapping[str, str], attempt: int = 1) -> Reply:
        """Post `action` with `params` (and the key) once; raises `AttemptFailed`."""
        form = {"key": self._api_key, "action": action, **params}
        started = time.perf_counter()
        answered: list[requests.Response] = []  # seen by the hook even if requests fails after
        try:
            response = self.session.post(
                self.api_url,
                data=form,
                headers=self._headers,
                timeout=self.timeout,
                allow_redirects=False,
                verify=self.verify,
                hooks={"response": lambda answer, **_: answered.append(answer)},
            )
            reply = Reply(response.status_code, response.content, response.headers)
        except _UNUSABLE_URL as exc:  # requests refused the url before sending anything
            error = TransportError(f"{action}: {self.secrets.text(str(exc))}")
            raise AttemptFailed(Happened.UNSENDABLE, _caused(error, exc)) from exc
        except UnicodeEncodeError as exc:  # text HTTP cannot carry: nothing was sent
            error = TransportError(f"{action}: the request could not be encoded")
            raise AttemptFailed(Happened.UNSENDABLE, _caused(error, exc)) from exc
        except _NETWORK_ERRORS as exc:
            self._log_attempt(action, attempt, "no answer", started)
            raise self._network_failure(action, exc) from exc
        except ValueError:
            # Not a requests error: requests prepares the next hop even when not following
            # a redirect, and fails on a garbled Location.
            status = answered[0].status_code if answered else 302
            for unread in answered:
                unread.close()  # give the connection back; requests never got to
            reply = Reply(status, b"", {"Location": "\x00unreadable"})
        finally:
            answered.clear()  # the hook's closure and the response would keep each other alive
        self._log_attempt(action, attempt, reply.status_code, started)
        return reply

    def _network_failure(self, action: str, exc: BaseException) -> AttemptFailed:
        reason = self.secrets.text(_describe(exc))
        self.secrets.forget_key(exc)
        error = _caused(TransportError(f"{action}: {reason}"), exc)
        if any(isinstance(cause, ssl.SSLCertVerificationError) for cause in _causes(exc)):
            return AttemptFailed(Happened.CERTIFICATE, error, reason=reason)
        if _never_sent(exc):
            return AttemptFailed(Happened.NOT_SENT, error, reason=reason)
        return AttemptFailed(Happened.NO_ANSWER, error, reason=reason)

    def close(self) -> None:
        """Close the session."""
        self.session.close()

    @staticmethod
    def _log_attempt(action: str, attempt: int, status: object, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.debug("%s attempt %d: HTTP %s in %.1f ms", action, attempt, status, elapsed_ms)


def _caused(error: TransportError, cause: BaseException) -> TransportError:
    error.__cause__ = cause
    return error


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and what it wraps: requests and urllib3 keep causes in args and `.reason`."""
    found: list[BaseException] = []
    pending: list[object] = [exc]
    while pending and len(found) < 20:
        error = pending.pop()
        if not isinstance(error, BaseException) or any(error is seen for seen in found):
            continue
        found.append(error)
        pending += [error.__cause__, getattr(error, "reason", None)]
        pending += [arg for arg in error.args if isinstance(arg, BaseException)]
    return found


def _never_sent(exc: BaseException) -> bool:
    """Whether a failure proves the request never left this machine: the connection was
    refused, the host name did not resolve, or connecting timed out."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    # Only the reason requests reports for this very attempt: a chained or earlier
    # connection failure says nothing about whether this request was sent.
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return isinstance(
        reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connecting timed out"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "the panel did not answer in time"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS failed: {exc}"
    if _never_sent(exc):
        return f"could not connect: {exc}"
    return f"the connection failed: {exc}"
