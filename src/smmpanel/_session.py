"""The `requests.Session` a client sends through, and what it may and may not do.

- A session passed in is refused when it would re-send a POST by itself: an adapter whose
  urllib3 `Retry` retries after sending (asked of urllib3 itself, not a copy of its
  rules), or auth that answers a challenge by sending the request again (digest).
- A session the client creates mounts `DeadlineAdapter`, whose connections bound the
  whole answer, headers and body, by the read timeout.
- `Sender` prepares each request as `Session.post` would, but reads the environment
  (proxies, ``no_proxy``, netrc, CA bundle variables) once per client instead of per call.
- `hide_keys_from_urllib3` scrubs keys from what urllib3 logs.
"""

from __future__ import annotations

import functools
import http.client
import io
import logging
import os
import socket
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Protocol
from urllib.parse import urlencode

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.cookies import get_cookie_header
from requests.structures import CaseInsensitiveDict
from requests.utils import get_auth_from_url, get_environ_proxies, get_netrc_auth
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ._errors import ConfigurationError

__all__ = ["DeadlineAdapter", "Sender", "check_session", "hide_keys_from_urllib3", "resends_post"]

_PROBE_URL = "/"


# --- sessions that would re-send a write ---------------------------------------------------


def check_session(session: requests.Session) -> None:
    """Refuse a session that would send a POST more than once by itself."""
    for prefix, adapter in session.adapters.items():
        if resends_post(adapter):
            raise ConfigurationError(
                f"the session's adapter for {prefix!r} retries requests after sending them"
                " (its urllib3 Retry), which could place an order twice: give it"
                " max_retries=0, or Retry(other=0) without POST; smmpanel itself retries"
                " what is safe to retry"
            )
    if session.auth is not None and answers_challenges(session.auth):
        raise ConfigurationError(
            f"the session's auth ({type(session.auth).__name__}) answers the panel by sending"
            " the request again, which could place an order twice: use auth that only"
            " sets headers (such as basic auth), or none"
        )


def resends_post(adapter: object) -> bool:
    """Whether an adapter's urllib3 `Retry` would send a POST again after it was sent."""
    retry = getattr(adapter, "max_retries", None)
    return isinstance(retry, urllib3.util.Retry) and _retry_resends_post(retry)


@functools.lru_cache(maxsize=64)
def _retry_resends_post(retry: urllib3.util.Retry) -> bool:
    """urllib3's own answer: would `retry` go on after a POST hit a read error, another
    error after sending, or any status? Connect errors are left out: nothing was sent."""
    errors: list[Exception] = [
        urllib3.exceptions.ProtocolError("probe"),
        urllib3.exceptions.ReadTimeoutError(None, _PROBE_URL, "probe"),  # type: ignore[arg-type]
        urllib3.exceptions.HTTPError("probe"),  # neither connect nor read: "other"
    ]
    try:
        if any(_goes_on(retry, error=error) for error in errors):
            return True
        for status in range(100, 600):
            if retry.is_retry("POST", status, has_retry_after=True):
                answer = urllib3.HTTPResponse(status=status, headers={"Retry-After": "1"})
                if _goes_on(retry, response=answer):
                    return True
    except Exception:  # a Retry that cannot be questioned is not trusted
        return True
    return False


def _goes_on(retry: urllib3.util.Retry, **happened: Any) -> bool:
    try:
        retry.increment("POST", _PROBE_URL, **happened)
    except (urllib3.exceptions.MaxRetryError, urllib3.exceptions.HTTPError):
        return False  # exhausted, or the error re-raised: no second send
    return True


def answers_challenges(auth: object) -> bool:
    """Whether `auth` hooks the answer (as digest auth does to re-send after a 401)."""
    probe = requests.PreparedRequest()
    probe.prepare(method="POST", url="http://127.0.0.1/", data={"probe": "1"})
    try:
        probe.prepare_auth(auth)
    except Exception:  # it fails on its own at the first call
        return False
    return bool(probe.hooks.get("response"))


# --- the client's own adapter: a deadline for the whole answer ----------------------------


_SLACK = 0.05
"""How far one receive may run past the deadline; changing a socket's timeout for less
costs more than it saves on every ordinary answer."""


class _DeadlineReader(io.RawIOBase):
    """The socket reader of one answer: each receive waits at most until the deadline,
    so a panel trickling a byte at a time cannot hold the call past it."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._raw = raw
        self._sock = sock
        self._deadline = deadline
        self._per_read = sock.gettimeout()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the answer took longer than the read timeout")
        per_read = self._per_read
        if per_read is not None and left >= per_read - _SLACK:
            return self._raw.readinto(buffer)  # one wait cannot pass the deadline by much
        self._sock.settimeout(left if per_read is None else min(left, per_read))
        try:
            return self._raw.readinto(buffer)
        finally:
            self._sock.settimeout(per_read)  # the connection goes back to the pool as it was

    def close(self) -> None:
        self._raw.close()  # gives up this reader's hold on the socket, as http.client expects
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        buffered: io.BufferedReader = self.fp
        self.fp = io.BufferedReader(_DeadlineReader(buffered.detach(), sock, deadline))


class _Answering(Protocol):
    timeout: object
    response_class: Callable[..., http.client.HTTPResponse]


def _start_deadline(connection: _Answering) -> None:
    # urllib3 sets the connection's timeout to the read timeout just before asking for
    # the answer: the deadline runs from here.
    timeout = connection.timeout
    if isinstance(timeout, (int, float)) and timeout > 0:
        deadline = time.monotonic() + timeout
        connection.response_class = functools.partial(_DeadlineResponse, deadline=deadline)


class _DeadlineHTTPConnection(HTTPConnection):
    def getresponse(self) -> urllib3.HTTPResponse:  # type: ignore[override]
        _start_deadline(self)  # type: ignore[arg-type]
        return super().getresponse()


class _DeadlineHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> urllib3.HTTPResponse:  # type: ignore[override]
        _start_deadline(self)  # type: ignore[arg-type]
        return super().getresponse()


class _DeadlineHTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """The adapter of sessions a client creates: it never retries, and bounds the whole
    answer (headers and body) by the read timeout, not just each gap between bytes."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        pools = {"http": _DeadlineHTTPPool, "https": _DeadlineHTTPSPool}
        self.poolmanager.pool_classes_by_scheme = pools


def own_session(pool_size: int) -> requests.Session:
    """A new session whose http and https adapters are `DeadlineAdapter`s."""
    session = requests.Session()
    adapter = DeadlineAdapter(pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# --- prepared requests ----------------------------------------------------------------------


class Sender:
    """Sends forms to one url over a session as `Session.post` would (the session's
    headers, cookies, auth, hooks, proxies, verify, cert and adapters), with what requests
    reads from the environment on every call (proxies, netrc, CA bundle) read once."""

    def __init__(
        self,
        session: requests.Session,
        url: str,
        headers: Mapping[str, str],
        verify: bool | str | None,
    ) -> None:
        self.session = session
        self.url = requests.Request("POST", url).prepare().url or url
        self._headers = dict(headers)
        trust = session.trust_env
        self._env_proxies = get_environ_proxies(url, no_proxy=None) if trust else {}
        url_auth = get_auth_from_url(url)
        self._default_auth = (get_netrc_auth(url) if trust else None) or (
            url_auth if any(url_auth) else None
        )
        if trust and verify in (True, None):
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            verify = bundle or verify
        self._verify = verify

    def prepare(
        self, form: Mapping[str, str], hook: Callable[..., Any]
    ) -> requests.PreparedRequest:
        """The request posting `form`, with `hook` as its response hook."""
        session = self.session
        prepared = requests.PreparedRequest()
        prepared.method = "POST"
        prepared.url = self.url
        headers = CaseInsensitiveDict(session.headers)
        headers.update(self._headers)
        for name in [name for name, value in headers.items() if value is None]:
            del headers[name]
        body = urlencode(form)
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        headers["Content-Length"] = str(len(body))
        prepared.headers = headers  # type: ignore[assignment]
        prepared.body = body
        prepared._cookies = session.cookies  # type: ignore[attr-defined]
        if len(session.cookies):
            cookie = get_cookie_header(session.cookies, prepared)  # type: ignore[no-untyped-call]
            if cookie is not None:
                headers["Cookie"] = cookie
        auth = session.auth or self._default_auth
        if auth:
            prepared.prepare_auth(auth, self.url)
            if prepared.hooks.get("response"):
                raise ConfigurationError(
                    f"the session's auth ({type(auth).__name__}) answers the panel by"
                    " sending the request again, which could place an order twice"
                )
        # Only the client's own hook: the session's run once the answer has been read
        # within its bounds (`run_session_hooks`), so a hook reading the body cannot
        # read an endless one.
        prepared.register_hook("response", hook)  # type: ignore[no-untyped-call]
        return prepared

    def run_session_hooks(self, response: requests.Response) -> None:
        """Call the session's response hooks on an answer already read, as requests
        would; what they return is ignored, as the answer is already in hand."""
        for hook in self.session.hooks.get("response", []):
            hook(response)

    def settings(self) -> dict[str, Any]:
        """The keyword arguments for `Session.send`: proxies, verify and cert, merged as
        requests merges them (the environment's proxies win over the session's)."""
        session = self.session
        proxies = {**session.proxies, **self._env_proxies}
        verify = self._verify if self._verify is not None else session.verify
        return {
            "proxies": {name: value for name, value in proxies.items() if value is not None},
            "verify": verify,
            "cert": session.cert,
        }


# --- urllib3's log records -----------------------------------------------------------------


class _Scrubber(Protocol):
    def text(self, text: str) -> str: ...


class _KeyFilter(logging.Filter):
    """Removes every live client's key from a urllib3 log record, such as its warning
    quoting a header line it could not parse."""

    def __init__(self) -> None:
        super().__init__()
        self.scrubbers: weakref.WeakSet[Any] = weakref.WeakSet()

    def filter(self, record: logging.LogRecord) -> bool:
        scrubbers = list(self.scrubbers)
        if not scrubbers:
            return True
        message = record.getMessage()
        exc_text = record.exc_text
        if record.exc_info:
            exc_text = logging.Formatter().formatException(record.exc_info)
        for scrubber in scrubbers:
            message = scrubber.text(message)
            exc_text = scrubber.text(exc_text) if exc_text else exc_text
        record.msg, record.args = message, ()
        record.exc_info, record.exc_text = None, exc_text
        return True


_KEY_FILTER = _KeyFilter()


def hide_keys_from_urllib3(scrubber: _Scrubber) -> None:
    """Scrub `scrubber`'s key from every urllib3 log record for as long as it lives."""
    if not _KEY_FILTER.scrubbers:
        names = [name for name in logging.root.manager.loggerDict if name.startswith("urllib3")]
        for name in {"urllib3", *names}:
            logger = logging.getLogger(name)
            if _KEY_FILTER not in logger.filters:
                logger.addFilter(_KEY_FILTER)
    _KEY_FILTER.scrubbers.add(scrubber)
