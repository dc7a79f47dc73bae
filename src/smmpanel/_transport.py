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

from ._errors import ConfigurationError, ResponseError, TransportError, error_chain
from ._retry import Happened
from ._secrets import KeyScrubber
from ._session import Sender, hide_keys_from_urllib3, resends_post

__all__ = ["AttemptFailed", "Reply", "Timeout", "Transport"]

logger = logging.getLogger("smmpanel")

Timeout = float | tuple[float, float]
DEFAULT_MAX_ANSWER_BYTES = 32 * 2**20
"""The largest answer accepted; real catalogs are a few MB."""
_CHUNK = 64 * 1024
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
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        self.api_url = api_url
        self.timeout = timeout
        self.session = session
        self.verify = verify
        self.max_answer_bytes = max_answer_bytes
        self._read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout
        self._api_key = api_key
        headers = {"User-Agent": user_agent, "Accept": "application/json"}
        self._sender = Sender(session, api_url, headers, verify)
        self.secrets = KeyScrubber(api_key)
        hide_keys_from_urllib3(self.secrets)

    def send(self, action: str, params: Mapping[str, str], attempt: int = 1) -> Reply:
        """Post `action` with `params` (and the key) once; raises `AttemptFailed`."""
        form = {"key": self._api_key, "action": action, **params}
        started = time.perf_counter()
        answered: list[requests.Response] = []  # seen by the hook even if requests fails after
        # An adapter mounted after the client was made may still re-send a POST: then no
        # failure proves that nothing reached the panel.
        resends = resends_post(self.session.get_adapter(self._sender.url))
        try:
            prepared = self._sender.prepare(form, lambda answer, **_: answered.append(answer))
            response = self.session.send(
                prepared,
                allow_redirects=False,
                stream=True,
                timeout=self.timeout,
                **self._sender.settings(),
            )
            reply = Reply(response.status_code, self._read(action, response), response.headers)
            self._run_session_hooks(action, response)
        except ConfigurationError as exc:  # the session's auth would re-send: nothing sent
            raise AttemptFailed(Happened.UNSENDABLE, exc) from None
        except _UNUSABLE_URL as exc:  # requests refused the url before sending anything
            error = TransportError(f"{action}: {self.secrets.text(str(exc))}")
            raise AttemptFailed(Happened.UNSENDABLE, _caused(error, exc)) from exc
        except UnicodeEncodeError as exc:  # text HTTP cannot carry: nothing was sent
            error = TransportError(f"{action}: the request could not be encoded")
            raise AttemptFailed(Happened.UNSENDABLE, _caused(error, exc)) from exc
        except _NETWORK_ERRORS as exc:
            self._log_attempt(action, attempt, "no answer", started)
            raise self._network_failure(action, exc, resent=resends) from exc
        except ValueError:
            # Not a requests error: requests prepares the next hop even when not following
            # a redirect, and fails on a garbled Location.
            status = answered[0].status_code if answered else 302
            reply = Reply(status, b"", {"Location": "\x00unreadable"})
        finally:
            for unread in answered:
                if isinstance(unread, requests.Response) and unread.raw is not None:
                    unread.close()  # give the connection back (or drop it, if not read to the end)
            answered.clear()  # the hook's closure and the response would keep each other alive
        self._log_attempt(action, attempt, reply.status_code, started)
        return reply

    def _run_session_hooks(self, action: str, response: requests.Response) -> None:
        try:
            self._sender.run_session_hooks(response)
        except Exception as exc:  # the caller's own code, after the panel has answered
            error = ResponseError(f"{action}: the session's response hook failed: {exc!r}")
            raise AttemptFailed(Happened.MISREAD, error, cause=exc) from exc

    def _read(self, action: str, response: requests.Response) -> bytes:
        """The answer's body, read by chunks: refused past `max_answer_bytes` (counted
        after decompression) and cut off once the whole answer overruns the read timeout."""
        cap = self.max_answer_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise self._too_large(action, response)
        read_already = getattr(response, "_content", False) is not False  # by a user's hook
        if read_already or not isinstance(response.raw, urllib3.BaseHTTPResponse):
            body: bytes = response.content or b""
            if len(body) > cap:
                raise self._too_large(action, response)
            return body
        deadline = time.monotonic() + self._read_timeout
        chunks: list[bytes] = []
        size = 0
        while chunk := response.raw.read1(_CHUNK, decode_content=True):
            size += len(chunk)
            if size > cap:
                raise self._too_large(action, response)
            chunks.append(chunk)
            if time.monotonic() > deadline:
                reason = f"the panel did not finish its answer within {self._read_timeout:g} s"
                raise AttemptFailed(Happened.NO_ANSWER, TransportError(f"{action}: {reason}"))
        body = b"".join(chunks)
        response._content, response._content_consumed = body, True  # type: ignore[attr-defined]
        return body

    def _too_large(self, action: str, response: requests.Response) -> AttemptFailed:
        reason = f"the answer is larger than max_answer_bytes ({self.max_answer_bytes} bytes)"
        error = ResponseError(f"{action}: {reason}", status_code=response.status_code)
        return AttemptFailed(Happened.TOO_LARGE, error, reason=reason)

    def _network_failure(
        self, action: str, exc: BaseException, *, resent: bool = False
    ) -> AttemptFailed:
        reason = self.secrets.text(_describe(exc))
        self.secrets.forget_key(exc)
        error = _caused(TransportError(f"{action}: {reason}"), exc)
        if any(isinstance(cause, ssl.SSLCertVerificationError) for cause in error_chain(exc)):
            return AttemptFailed(Happened.CERTIFICATE, error, reason=reason)
        if _never_sent(exc) and not resent:
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
    if isinstance(exc, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError)):
        return "the panel did not answer in time"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS failed: {exc}"
    if _never_sent(exc):
        return f"could not connect: {exc}"
    return f"the connection failed: {exc}"
