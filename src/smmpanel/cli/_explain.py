"""Errors told for people: what went wrong in plain words, and what to try next."""

from __future__ import annotations

import errno
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3

from .. import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    OutcomeUnknownError,
    ResponseError,
    SMMPanelError,
    TransportError,
    WaitTimeout,
)
from .._errors import error_chain

API_PATH_HINT = "the url should end with the panel's API path, such as /api/v2"
_LIBRARY_WORDS = {
    "pass allow_insecure_http=True": "pass --insecure-http",
    "pass api_url or set": "pass --url or --panel, or set",
    "pass api_key or set": "pass --panel, or set",
}


@dataclass(frozen=True)
class Explained:
    """An error as the command reports it: its type name, message, action and a hint."""

    type: str
    message: str
    action: str | None = None
    hint: str | None = None

    def as_json(self) -> dict[str, dict[str, str | None]]:
        """The ``{"error": {...}}`` object printed with ``--json``."""
        return {
            "error": {
                "type": self.type,
                "message": self.message,
                "action": self.action,
                "hint": self.hint,
            }
        }

    def as_text(self) -> str:
        """The lines printed on stderr without ``--json``."""
        hint = f"\nhint: {self.hint}" if self.hint else ""
        return f"error: {self.message}{hint}"


def explain(error: SMMPanelError, *, action: str | None, url: str | None) -> Explained:
    """Describe `error`, raised while running `action` against `url`, for a person."""
    name = type(error).__name__
    if isinstance(error, OutcomeUnknownError):
        return Explained(name, str(error), error.action, _check_orders_hint(error.action))
    if isinstance(error, TransportError):
        return Explained(name, network_message(error, url), action, None)
    if isinstance(error, WaitTimeout):
        return Explained(name, str(error), action, still_pending(error))
    if isinstance(error, ResponseError):
        return Explained(name, str(error), action, response_hint(error))
    if isinstance(error, AuthenticationError):
        hint = "check the api key (--key, SMMPANEL_API_KEY or the panel's profile)"
        return Explained(name, error.message, action, hint)
    if isinstance(error, APIError):
        return Explained(name, error.message, action, None)
    if isinstance(error, ConfigurationError):
        return Explained(name, _cli_words(str(error)), action, None)
    return Explained(name, str(error), action, None)


def interrupted(action: str | None, params: dict[str, str] | None) -> Explained:
    """The report of a Ctrl-C; when a write was in flight, it may have reached the panel."""
    if action is None or params is None:
        return Explained("Interrupted", "interrupted; no order or change was being sent")
    lost = OutcomeUnknownError(action, params, "interrupted")
    return Explained("Interrupted", str(lost), action, _check_orders_hint(action))


def still_pending(error: WaitTimeout, shown: int = 10) -> str:
    """Which orders were not final yet, with their last status, and what to do."""
    items = [
        f"{order} ({getattr(last, 'status', 'not seen yet')})"
        for order, last in list(error.pending.items())[:shown]
    ]
    more = f" and {len(error.pending) - shown} more" if len(error.pending) > shown else ""
    return f"not final yet: {', '.join(items)}{more}; give a larger --timeout to wait longer"


def network_message(error: TransportError, url: str | None) -> str:
    """ "could not connect to HOST:PORT (connection refused) after 3 attempts", and the
    like, from the causes a `TransportError` chains to."""
    where = _host_port(url)
    tries = f" after {error.attempts} attempts" if error.attempts > 1 else ""
    causes = error_chain(error)
    if any(isinstance(cause, ssl.SSLCertVerificationError) for cause in causes):
        return f"could not connect to {where}: its TLS certificate is not trusted"
    if any(isinstance(cause, requests.exceptions.ReadTimeout) for cause in causes):
        return f"{where} did not answer in time{tries}"
    reason = _connect_reason(causes)
    if reason is not None:
        return f"could not connect to {where} ({reason}){tries}"
    return f"the connection to {where} failed{tries}"


def response_hint(error: ResponseError) -> str | None:
    """A likely cause for an answer that was not the API's: a wrong path, or a web page."""
    body = error.body.lstrip().lower()
    if error.status_code in (404, 405):
        return API_PATH_HINT
    if error.status_code is not None and error.status_code >= 500:
        return "the panel's server failed (HTTP 5xx): try again later"
    if body.startswith(("<!doctype", "<html", "<")):
        return (
            "the panel answered with a web page, not the API: a login or firewall page,"
            f" or {API_PATH_HINT}"
        )
    return None


def _check_orders_hint(action: str) -> str:
    if action == "add":
        # The API cannot list orders, and the new order's id is what was lost.
        return (
            "look for it on the panel's orders page (by its link), or compare"
            " `smmpanel balance` with what it was, before placing it again"
        )
    return "check the orders on the panel before sending it again"


def _connect_reason(causes: list[BaseException]) -> str | None:
    # Most telling first: urllib3's NewConnectionError is a ConnectTimeoutError too.
    for kinds, reason in _CONNECT_REASONS:
        if any(isinstance(cause, kinds) for cause in causes):
            return reason
    for cause in causes:
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "no route to the host"
    return None


_CONNECT_REASONS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (socket.gaierror, "host name not found"),
    ((requests.exceptions.ConnectTimeout, socket.timeout), "connecting timed out"),
    (urllib3.exceptions.NewConnectionError, "connection failed"),
    (urllib3.exceptions.ConnectTimeoutError, "connecting timed out"),
)


def _host_port(url: str | None) -> str:
    try:
        parts = urlsplit(url or "")
        port = parts.port or (80 if parts.scheme == "http" else 443)
    except ValueError:
        return "the panel"
    return f"{parts.hostname}:{port}" if parts.hostname else "the panel"


def _cli_words(message: str) -> str:
    for library, cli in _LIBRARY_WORDS.items():
        message = message.replace(library, cli)
    return message
