"""Checking the api url before any request: https, or plain http to this machine only.

The host is decided by the same code that will connect (requests, then urllib3), never by
a second parser: `urlsplit` and urllib3 read ``\\`` and ``@`` in the authority
differently, so ``http://evil.example\\@127.0.0.1/`` looks like loopback to one and
connects to ``evil.example`` with the other. A url the two read differently is refused.
Credentials in the url are refused too, so that no repr, message or log line can show
them.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlsplit

import requests
from urllib3.util import parse_url

from ._errors import ConfigurationError
from ._secrets import SHORTEST_SCRUBBED_KEY

__all__ = ["check_url", "is_loopback"]

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# Query parameter names that carry a secret: "key", "api_key", "token", "password", ...
_SECRET_NAMES = re.compile(r"key|token|secret|pass|pwd|auth|sig|session|cred", re.I)
_UNSAFE_CHARACTERS = re.compile(r"[\s\x00-\x1f\x7f]")


def check_url(url: str, api_key: str, allow_insecure_http: bool) -> None:
    """Refuse an api url that is not http(s), holds credentials or the key, is read
    differently by different parsers, or is plain http to another machine."""
    if "://" not in url:  # never quote it: it may be the key, passed in the url's place
        raise ConfigurationError(
            "api url does not start with https:// (were the url and the key swapped?)"
        )
    if len(api_key) >= SHORTEST_SCRUBBED_KEY and api_key.lower() in url.lower():
        raise ConfigurationError("the api url contains the api key: pass the key as api_key")
    if _UNSAFE_CHARACTERS.search(url):
        raise ConfigurationError(f"api url {_shown(url)!r} holds whitespace or a control character")
    split_host, connect_host, scheme = _hosts(url)
    if scheme not in ("http", "https") or not connect_host:
        raise ConfigurationError(f"api url {_shown(url)!r} must be an http(s) url with a host")
    if split_host != connect_host and split_host.isascii():
        raise ConfigurationError(
            f"api url {_shown(url)!r} is ambiguous: it names host {split_host!r} to one"
            f" reader and {connect_host!r} to another"
        )
    _refuse_credentials(url)
    if scheme == "http" and not allow_insecure_http and not is_loopback(connect_host):
        raise ConfigurationError(
            f"api url {_shown(url)!r} is plain http, which sends the api key unencrypted:"
            " use https, or pass allow_insecure_http=True"
        )


def _hosts(url: str) -> tuple[str, str, str]:
    """The host as `urlsplit` reads it, the host requests will connect to, and the
    scheme, all lower case and without IPv6 brackets."""
    try:
        parts = urlsplit(url)
        split_host = parts.hostname or ""
        split_port = parts.port
        prepared = requests.Request("POST", url).prepare().url or ""
        connect = parse_url(prepared)
    except (ValueError, requests.RequestException) as exc:
        raise ConfigurationError(f"api url {_shown(url)!r} is not a url: {exc}") from None
    connect_host = (connect.host or "").strip("[]").lower()
    if split_port != connect.port and split_host.isascii():
        split_host = f"{split_host}:{split_port}"  # reported as a host mismatch
        connect_host = f"{connect_host}:{connect.port}"
    return split_host.lower(), connect_host, (connect.scheme or parts.scheme).lower()


def _refuse_credentials(url: str) -> None:
    parts = urlsplit(url)
    if "@" in parts.netloc or parse_url(url).auth:
        raise ConfigurationError(
            f"api url {_shown(url)!r} holds a user name or password (user:password@);"
            " remove them: the api key is the only credential this API takes"
        )
    secret = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    secret = [name for name in secret if _SECRET_NAMES.search(name)]
    if secret:
        raise ConfigurationError(
            f"api url {_shown(url)!r} carries {', '.join(sorted(set(secret)))} in its query;"
            " credentials in a url end up in logs: pass the key as api_key"
        )


def _shown(url: str) -> str:
    """The url without anything that could be a credential: no user info, no query
    values, no fragment."""
    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
        query = "&".join(f"{name}=..." for name, _ in parse_qsl(parts.query, True))
    except ValueError:
        return "<unreadable>"
    return f"{parts.scheme}://{host}{parts.path}" + (f"?{query}" if query else "")


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine: a loopback address or a localhost name."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
