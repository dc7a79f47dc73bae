"""Sending one action to the panel: the POST, the retry loop, and reading the answer.

Every action is one form-encoded POST to the api url. Repeatable actions (reads) are
retried per the `RetryPolicy`; actions that spend money or change orders are retried only
when the request provably never left this machine, and otherwise end in
`OutcomeUnknownError`. Redirects are never followed: requests would re-send the whole
form, key included, to wherever the redirect points.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any, TypeVar
from urllib.parse import quote_plus, urlsplit

import requests
import urllib3

from .errors import (
    BODY_PREVIEW_CHARS,
    APIError,
    OutcomeUnknownError,
    RateLimitError,
    ResponseError,
    TransportError,
)
from .retry import RetryPolicy, parse_retry_after

logger = logging.getLogger("smmpanel")
T = TypeVar("T")
E = TypeVar("E", bound=BaseException)

Timeout = float | tuple[float, float]
KEY_PLACEHOLDER = "[api key removed]"
SHORTEST_SCRUBBED_KEY = 8
_SUCCESS_WORDS = frozenset({"success", "ok", "true"})
_NO_ERROR_WORDS = frozenset({"", "0", "false", "null", "none", "no"})
_NETWORK_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, HTTPException, OSError)
_UNUSABLE_URL = (
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidURL,
)
# A 302 or 303 answering a POST often means "done, the result is over there"; 301, 307
# and 308 mean "send it to that other address", so the panel did not act on it.
_MAYBE_PROCESSED_REDIRECTS = frozenset({302, 303})
_NOT_PROCESSED_REDIRECTS = frozenset({301, 307, 308})


class _Retryable(Exception):
    """An attempt that failed in a way a retry may cure; `final` is raised if none is left."""

    def __init__(self, reason: str, final: Exception, retry_after: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final
        self.retry_after = retry_after


def _caused(error: E, cause: BaseException) -> E:
    error.__cause__ = cause
    return error


@dataclass(frozen=True)
class Answer:
    """The panel's raw answer: its HTTP status and its body."""

    status_code: int
    body: bytes


class Transport:
    """Posts actions to one panel over one `requests.Session`, applying the retry policy."""

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        timeout: Timeout,
        retry: RetryPolicy,
        session: requests.Session,
        user_agent: str,
        verify: bool | str | None = None,
    ) -> None:
        self.api_url = api_url
        self.timeout = timeout
        self.retry = retry
        self.session = session
        self.verify = verify
        self._api_key = api_key
        self._headers = {"User-Agent": user_agent, "Accept": "application/json"}
        # The key as sent, url-encoded, and as JSON writes it (PHP escapes "/" too). A key
        # too short to be told from ordinary text is not scrubbed: it would garble answers.
        in_json = json.dumps(api_key)[1:-1]
        forms = {api_key, quote_plus(api_key), in_json, in_json.replace("/", "\\/")}
        if len(api_key) < SHORTEST_SCRUBBED_KEY:
            forms = set()
        self._secrets = tuple(sorted((form.encode() for form in forms if form), key=len))[::-1]

    def call(
        self,
        action: str,
        params: Mapping[str, str],
        *,
        repeatable: bool,
        read: Callable[[Answer], T],
    ) -> T:
        """Send `action` with `params` and return what `read` makes of the answer.

        Repeatable actions are retried on network failures, 408/429/5xx statuses and
        2xx answers that are not JSON at all. Others are retried only when the request never
        left; once it may have reached the panel, a lost or unreadable answer raises
        `OutcomeUnknownError`. Raises `TransportError`, `ResponseError` or `APIError`
        when the retries did not cure the failure.
        """
        form = {"key": self._api_key, "action": action, **params}
        retries_done = 0
        while True:
            try:
                return self._attempt(action, params, form, retries_done, repeatable, read)
            except _Retryable as failed:
                wait = self.retry.wait(retries_done, failed.retry_after)
                if wait is None:
                    if isinstance(failed.final, TransportError):
                        failed.final.attempts = retries_done + 1
                    raise failed.final from failed.final.__cause__
                self._pause(action, failed.reason, wait)
                retries_done += 1

    def _attempt(
        self,
        action: str,
        params: Mapping[str, str],
        form: Mapping[str, str],
        retries_done: int,
        repeatable: bool,
        read: Callable[[Answer], T],
    ) -> T:
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
            status_code, body = response.status_code, response.content
        except _UNUSABLE_URL as exc:  # requests refused the url before sending anything
            raise TransportError(f"{action}: {self.scrub_text(str(exc))}") from exc
        except UnicodeEncodeError as exc:  # text HTTP cannot carry: nothing was sent
            raise TransportError(f"{action}: the request could not be encoded") from exc
        except _NETWORK_ERRORS as exc:
            self._log_attempt(action, retries_done, "no answer", started)
            reason = self.scrub_text(_describe(exc))
            self.forget_key(exc)
            if any(isinstance(cause, ssl.SSLCertVerificationError) for cause in _causes(exc)):
                raise TransportError(f"{action}: {reason}") from exc  # never sent, and no fluke
            if not repeatable and not _never_sent(exc):
                raise OutcomeUnknownError(action, params, reason) from exc
            raise _Retryable(reason, _caused(TransportError(f"{action}: {reason}"), exc)) from exc
        except ValueError as exc:
            # Not a requests error: requests prepares the next hop even when not following
            # a redirect, and fails on a garbled Location.
            status = answered[0].status_code if answered else None
            for unread in answered:
                unread.close()  # give the connection back; requests never got to
            redirect = ResponseError(
                f"{action}: the panel answered with a redirect (HTTP {status}) to an"
                " unreadable location; redirects are never followed, check the api url",
                status_code=status,
            )
            if not repeatable and status not in _NOT_PROCESSED_REDIRECTS:
                raise OutcomeUnknownError(action, params, str(redirect)) from exc
            raise redirect from exc
        finally:
            answered.clear()  # the hook's closure and the response would keep each other alive

        self._log_attempt(action, retries_done, status_code, started)
        answer = Answer(status_code, self.scrub(body))
        if 300 <= status_code <= 399:
            redirect = ResponseError(
                f"{action}: the panel answered HTTP {status_code}, a redirect to"
                f" {_host_of(response.headers.get('Location', ''))}; redirects are never"
                " followed, check the api url",
                status_code=status_code,
                body=_preview(answer.body),
            )
            if not repeatable and status_code in _MAYBE_PROCESSED_REDIRECTS:
                raise OutcomeUnknownError(action, params, str(redirect)) from redirect
            raise redirect
        if self.retry.is_retryable_status(status_code):
            retry_after = response.headers.get("Retry-After")
            final = final_status_error(action, answer, retry_after)
            if not repeatable:
                raise OutcomeUnknownError(action, params, f"HTTP {status_code}") from final
            raise _Retryable(f"HTTP {status_code}", final, retry_after)
        try:
            return read(answer)
        except ResponseError as exc:
            succeeded = 200 <= status_code <= 299
            if not repeatable and (succeeded or _is_json(answer.body)):
                raise OutcomeUnknownError(action, params, str(exc)) from exc
            if not succeeded:
                raise  # a refusal, such as a 404 page: the panel did not act on it
            if not exc.transient:
                raise
            raise _Retryable("an unreadable answer", exc) from exc

    def forget_key(self, exc: BaseException) -> BaseException:
        """Scrub the key from the requests that a requests exception (or its causes)
        keeps, since the error raised to the caller chains to it."""
        for error in _causes(exc):
            response = getattr(error, "response", None)
            for request in (getattr(error, "request", None), getattr(response, "request", None)):
                body = getattr(request, "body", None)
                if isinstance(body, str):
                    request.body = self.scrub_text(body)  # type: ignore[union-attr]
                elif isinstance(body, bytes):
                    request.body = self.scrub(body)  # type: ignore[union-attr]
        return exc

    def scrub(self, body: bytes) -> bytes:
        """Remove the api key from a body, for panels that echo it back."""
        for secret in self._secrets:
            if secret in body:
                body = body.replace(secret, KEY_PLACEHOLDER.encode())
        return body

    def scrub_text(self, text: str) -> str:
        """Remove the api key from a message."""
        return self.scrub(text.encode("utf-8", "replace")).decode("utf-8", "replace")

    def close(self) -> None:
        """Close the session."""
        self.session.close()

    def _pause(self, action: str, reason: str, wait: float) -> None:
        logger.info("retrying %s after %s in %.2f s", action, reason, wait)
        self.retry.sleep(wait)

    @staticmethod
    def _log_attempt(action: str, retries_done: int, status: object, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.debug(
                "%s attempt %d: HTTP %s in %.1f ms", action, retries_done + 1, status, elapsed_ms
            )


def final_status_error(action: str, answer: Answer, retry_after: str | None) -> Exception:
    """The error for a 408, 429 or 5xx answer that will not be retried."""
    seconds = parse_retry_after(retry_after)
    later = f"; the panel asks to retry after {seconds:.0f} s" if seconds is not None else ""
    try:
        decode(answer)
    except APIError as error:
        if answer.status_code == 429:
            return RateLimitError(error.message + later, retry_after=seconds)
        return error
    except ResponseError:
        pass
    if answer.status_code == 429:
        return RateLimitError(f"{action}: too many requests{later}", retry_after=seconds)
    return ResponseError(
        f"{action}: the panel answered HTTP {answer.status_code}{later}",
        status_code=answer.status_code,
        body=_preview(answer.body),
    )


def decode(answer: Answer) -> Any:
    """Read the answer's JSON, unwrap a success envelope, and raise `APIError` for an
    ``{"error": ...}`` answer at any HTTP status.

    The body is read before the status is judged, because panels send their error
    messages with 200 as well as with 4xx statuses.
    """
    try:
        payload = json.loads(answer.body)
    except (ValueError, RecursionError) as exc:
        glitch = 200 <= answer.status_code <= 299  # e.g. cut short, or a proxy's page
        raise unreadable(answer, "is not JSON", transient=glitch) from exc
    message = error_message(payload)
    if message is not None:
        raise APIError.from_message(message, status_code=answer.status_code)
    if not 200 <= answer.status_code <= 299:
        raise unreadable(answer, "is JSON without an error message")
    return unwrap_envelope(payload)


def unreadable(answer: Answer, problem: str, *, transient: bool = False) -> ResponseError:
    """A `ResponseError` describing an answer that could not be used."""
    where = f"HTTP {answer.status_code}"
    if not answer.body.strip():
        problem = "was empty"
    return ResponseError(
        f"the panel's answer ({where}) {problem}",
        status_code=answer.status_code,
        body=_preview(answer.body),
        transient=transient,
    )


def error_message(payload: Any) -> str | None:
    """The error message of an ``{"error": ...}`` answer, or None for any other answer."""
    if not isinstance(payload, dict):
        return None
    error = payload.get("error")
    if _says_no_error(error):
        if str(payload.get("status", "")).lower() != "error":
            return None
        error = payload.get("message") or payload.get("msg") or "error"
    while isinstance(error, dict) and error:
        error = error.get("message") or error.get("error") or next(iter(error.values()))
    if isinstance(error, list):
        error = "; ".join(str(part) for part in error)
    if error is True:
        error = payload.get("message") or "error"
    return str(error).strip() or "error"


def _says_no_error(error: Any) -> bool:
    # Some panels send "error": 0, false, "" or "null" alongside a success.
    if isinstance(error, str):
        return error.strip().lower() in _NO_ERROR_WORDS
    return error is None or error is False or error == 0 or error in ({}, [])


def unwrap_envelope(payload: Any) -> Any:
    """Take the answer out of a ``{"status": "success", "data": ...}`` envelope."""
    if not isinstance(payload, dict) or "status" not in payload:
        return payload
    status = payload["status"]
    if not isinstance(status, (str, bool)) or str(status).lower() not in _SUCCESS_WORDS:
        return payload
    for name in ("data", "result", "response"):
        if name in payload:
            return payload[name]
    return {name: value for name, value in payload.items() if name != "status"}


def _host_of(location: str) -> str:
    try:
        return urlsplit(location).hostname or "elsewhere"
    except ValueError:
        return "an unreadable location"


def _preview(body: bytes) -> str:
    return body[:BODY_PREVIEW_CHARS].decode("utf-8", "replace")


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


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return False
    return True


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
