"""What each fault does to one exchange: one object per fault, plus one for no fault.

The server asks the effect of the rule it took three things: whether to go on before the
panel acts (:meth:`FaultEffect.before`), which status to record once it has acted
(:meth:`FaultEffect.answered`) and how to deliver the answer (:meth:`FaultEffect.deliver`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from ._pages import CLOUDFLARE_PAGE, error_page

# status, body, content type, extra headers
Reply = tuple[int, bytes, str, list[tuple[str, str]]]
Options = Mapping[str, Any]


class Exchange(Protocol):
    """One request being answered, as a fault sees it."""

    @property
    def panel_url(self) -> str:
        """The panel's API URL."""
        ...

    def record(self, acted: bool, status: int | None) -> None:
        """Add the request to the ledger with what the panel did and answered."""

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: Iterable[tuple[str, str]] = (),
        *,
        length: int | None = None,
        close: bool = False,
    ) -> None:
        """Answer, declaring ``length`` as the Content-Length when given."""

    def hang_up(self, *, reset: bool = False) -> None:
        """Close the connection without answering (``reset``: with a TCP RST)."""

    def wait(self, seconds: float) -> bool:
        """Sleep; True when the panel began stopping meanwhile."""
        ...


class FaultEffect:
    """No fault: act, record and answer. Each fault's effect changes part of that."""

    #: Whether the panel processes the request (see :attr:`FaultRule.acts`).
    acts = True

    def before(self, exchange: Exchange, options: Options) -> bool:
        """Run before the panel acts; False when the exchange is already over."""
        return True

    def answered(self, status: int) -> int | None:
        """The status recorded for an acted request whose answer has ``status``."""
        return status

    def deliver(
        self, exchange: Exchange, options: Options, status: int, body: bytes, content_type: str
    ) -> None:
        """Send the panel's answer (or not) after it acted."""
        exchange.send(status, body, content_type)


NO_FAULT = FaultEffect()


class _Refusal(FaultEffect):
    """A fault that answers (or drops) the request in place of the panel."""

    acts = False

    def before(self, exchange: Exchange, options: Options) -> bool:
        reply = self.reply(options, exchange.panel_url)
        # Recorded before answering, so a client that got the answer finds it recorded.
        exchange.record(False, None if reply is None else reply[0])
        if reply is None:
            exchange.hang_up()
        else:
            exchange.send(*reply)
        return False

    def reply(self, options: Options, panel_url: str) -> Reply | None:
        """The answer given instead of the panel's (None: none at all)."""
        raise NotImplementedError


class DropBeforeEffect(_Refusal):
    """Close the connection without acting or answering."""

    def reply(self, options: Options, panel_url: str) -> Reply | None:
        return None


class ServerErrorEffect(_Refusal):
    """An nginx error page with a 5xx status."""

    def reply(self, options: Options, panel_url: str) -> Reply | None:
        status = int(options["status"])
        return status, error_page(status), "text/html", []


class RateLimitEffect(_Refusal):
    """429 with the panel's JSON error and an optional Retry-After."""

    def reply(self, options: Options, panel_url: str) -> Reply | None:
        retry_after = options["retry_after"]
        headers = [] if retry_after is None else [("Retry-After", str(retry_after))]
        return 429, b'{"error":"Too many requests"}', "application/json", headers


class HtmlEffect(_Refusal):
    """A Cloudflare challenge page where JSON was expected."""

    def reply(self, options: Options, panel_url: str) -> Reply | None:
        return int(options["status"]), CLOUDFLARE_PAGE, "text/html; charset=UTF-8", []


class RedirectEffect(_Refusal):
    """A redirect, to the panel itself unless a location is given."""

    def reply(self, options: Options, panel_url: str) -> Reply | None:
        status = int(options["status"])
        location = options["location"] or panel_url
        return status, error_page(status), "text/html", [("Location", location)]


class DropAfterEffect(FaultEffect):
    """Act, then close the connection without answering."""

    def answered(self, status: int) -> int | None:
        return None

    def deliver(
        self, exchange: Exchange, options: Options, status: int, body: bytes, content_type: str
    ) -> None:
        exchange.hang_up()


class ResetAfterEffect(DropAfterEffect):
    """Act, then reset the connection without answering."""

    def deliver(
        self, exchange: Exchange, options: Options, status: int, body: bytes, content_type: str
    ) -> None:
        exchange.hang_up(reset=True)


class StallEffect(FaultEffect):
    """Wait ``seconds`` after acting, or before it with ``act=False``, then answer."""

    def before(self, exchange: Exchange, options: Options) -> bool:
        if options["act"] or not exchange.wait(options["seconds"]):
            return True
        exchange.record(False, None)
        exchange.hang_up()
        return False

    def deliver(
        self, exchange: Exchange, options: Options, status: int, body: bytes, content_type: str
    ) -> None:
        if options["act"] and exchange.wait(options["seconds"]):
            exchange.hang_up()
        else:
            exchange.send(status, body, content_type)


class TruncatedEffect(FaultEffect):
    """Act, then send half the answer (``incomplete``: as a broken HTTP message)."""

    def deliver(
        self, exchange: Exchange, options: Options, status: int, body: bytes, content_type: str
    ) -> None:
        half = body[: len(body) // 2]
        if options["incomplete"]:
            exchange.send(status, half, content_type, length=len(body), close=True)
        else:
            exchange.send(status, half, content_type)


class EmptyEffect(FaultEffect):
    """Act, then answer 200 with an empty body."""

    def answered(self, status: int) -> int | None:
        return 200

    def deliver(
        self, exchange: Exchange, options: Options, status: int, body: bytes, content_type: str
    ) -> None:
        exchange.send(200, b"", content_type)
