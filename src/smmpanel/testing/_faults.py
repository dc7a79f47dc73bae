"""Transport faults that a test can inject into the fake panel."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from . import _effects
from ._effects import NO_FAULT, FaultEffect

__all__ = ["Fault", "FaultQueue", "FaultRule"]


class Fault(str, Enum):
    """A way for one request to go wrong on the wire (see :meth:`FakePanel.inject`).

    Whether the panel acts on the request (places the order...) is part of each fault:
    that is what makes a lost answer dangerous.
    """

    #: Read the request, close the connection without acting or answering.
    DROP_BEFORE = "drop_before"
    #: Act on the request, then close the connection without answering.
    DROP_AFTER = "drop_after"
    #: Act on the request, then reset the connection (TCP RST) without answering.
    RESET_AFTER = "reset_after"
    #: Act, then wait ``seconds`` (default 10) before answering; ``act=False`` waits first.
    STALL = "stall"
    #: Do not act; answer ``status`` (default 500) with an HTML error page.
    SERVER_ERROR = "server_error"
    #: Do not act; answer 429 ``{"error": "Too many requests"}`` with ``Retry-After``
    #: from ``retry_after`` (seconds or an HTTP date; default 1; None sends no header).
    RATE_LIMIT = "rate_limit"
    #: Act, then answer with the JSON cut in half (``incomplete=True``: declare the full
    #: Content-Length and close early, a broken HTTP message instead of broken JSON).
    TRUNCATED = "truncated"
    #: Act, then answer 200 with an empty body.
    EMPTY = "empty"
    #: Do not act; answer ``status`` (default 200) with a Cloudflare-style HTML page.
    HTML = "html"
    #: Do not act; answer ``status`` (default 307) with ``Location: location`` (default:
    #: the panel's own URL).
    REDIRECT = "redirect"

    def __str__(self) -> str:
        return self.value


_OPTIONS: dict[Fault, dict[str, Any]] = {
    Fault.DROP_BEFORE: {},
    Fault.DROP_AFTER: {},
    Fault.RESET_AFTER: {},
    Fault.STALL: {"seconds": 10.0, "act": True},
    Fault.SERVER_ERROR: {"status": 500},
    Fault.RATE_LIMIT: {"retry_after": 1},
    Fault.TRUNCATED: {"incomplete": False},
    Fault.EMPTY: {},
    Fault.HTML: {"status": 200},
    Fault.REDIRECT: {"status": 307, "location": None},
}

EFFECTS: dict[Fault, FaultEffect] = {
    Fault.DROP_BEFORE: _effects.DropBeforeEffect(),
    Fault.DROP_AFTER: _effects.DropAfterEffect(),
    Fault.RESET_AFTER: _effects.ResetAfterEffect(),
    Fault.STALL: _effects.StallEffect(),
    Fault.SERVER_ERROR: _effects.ServerErrorEffect(),
    Fault.RATE_LIMIT: _effects.RateLimitEffect(),
    Fault.TRUNCATED: _effects.TruncatedEffect(),
    Fault.EMPTY: _effects.EmptyEffect(),
    Fault.HTML: _effects.HtmlEffect(),
    Fault.REDIRECT: _effects.RedirectEffect(),
}

#: Faults whose request is processed by the panel before the fault happens.
ACTING = frozenset(fault for fault, effect in EFFECTS.items() if effect.acts)


def _check(fault: Fault, options: dict[str, Any]) -> None:
    seconds = options.get("seconds", 0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ValueError("seconds must be a number >= 0")
    status = options.get("status")
    if status is not None:
        allowed = {
            Fault.SERVER_ERROR: range(500, 600),
            Fault.HTML: range(200, 600),
            Fault.REDIRECT: (301, 302, 303, 307, 308),
        }[fault]
        if isinstance(status, bool) or status not in allowed:
            raise ValueError(f"status {status!r} does not fit {fault.value}")
    retry_after = options.get("retry_after")
    if retry_after is not None and (
        isinstance(retry_after, bool) or not isinstance(retry_after, (int, str))
    ):
        raise ValueError("retry_after must be seconds (int), an HTTP date (str) or None")
    location = options.get("location")
    if location is not None and not isinstance(location, str):
        raise ValueError("location must be a string")


@dataclass
class FaultRule:
    """An injected fault waiting for matching requests.

    ``action`` None matches any action; ``remaining`` None means until cleared.
    """

    fault: Fault
    action: str | None
    remaining: int | None
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls, fault: Fault | str, action: str | None, times: int | None, options: dict[str, Any]
    ) -> FaultRule:
        """Check and complete the options of a fault."""
        fault = Fault(fault)
        if times is not None and (isinstance(times, bool) or times < 1):
            raise ValueError("times must be a positive int, or None for every request")
        defaults = _OPTIONS[fault]
        unknown = set(options) - set(defaults)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise TypeError(f"{fault.value} takes no option {names}")
        merged = {**defaults, **options}
        _check(fault, merged)
        return cls(fault, action, times, merged)

    @property
    def acts(self) -> bool:
        """Whether the panel processes the request before the fault."""
        return self.fault in ACTING


class FaultQueue:
    """Injected faults in injection order; not thread-safe (the panel lock guards it)."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        """Queue a rule after the ones already waiting."""
        self._rules.append(rule)

    def clear(self) -> None:
        """Drop every waiting rule."""
        self._rules.clear()

    def pending(self) -> list[FaultRule]:
        """The waiting rules, oldest first."""
        return list(self._rules)

    def take(self, action: str | None) -> FaultRule | None:
        """The oldest rule matching ``action``, using up one of its times."""
        for index, rule in enumerate(self._rules):
            if rule.action is None or rule.action == action:
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        del self._rules[index]
                return rule
        return None


def effect_of(rule: FaultRule | None) -> FaultEffect:
    """What the rule's fault does to an exchange; no rule is no fault."""
    return NO_FAULT if rule is None else EFFECTS[rule.fault]
