"""The service catalog of the fake panel: default services and how each type is ordered."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["DEFAULT_SERVICES", "JSON_NUMBER", "ServiceSpec", "TypeRule", "load_catalog", "rule_for"]

# Modelled on what Perfect-Panel-style panels list: several platforms and categories, the
# common order types, and a mix of refill / cancel / drip-feed switches.
DEFAULT_SERVICES: tuple[Mapping[str, Any], ...] = (
    {
        "service": 1,
        "name": "Instagram Followers [Refill: 30 days]",
        "type": "Default",
        "category": "Instagram Followers",
        "rate": "0.90",
        "min": "50",
        "max": "10000",
        "refill": True,
        "cancel": True,
        "dripfeed": True,
    },
    {
        "service": 2,
        "name": "Instagram Comments [Custom]",
        "type": "Custom Comments",
        "category": "Instagram Comments",
        "rate": "8",
        "min": "10",
        "max": "1500",
        "refill": False,
        "cancel": True,
        "dripfeed": False,
    },
    {
        "service": 3,
        "name": "Instagram Likes [No refill]",
        "type": "Default",
        "category": "Instagram Likes",
        "rate": "0.12",
        "min": "100",
        "max": "50000",
        "refill": False,
        "cancel": False,
        "dripfeed": True,
    },
    {
        "service": 4,
        "name": "Instagram Likes Package [1000 likes]",
        "type": "Package",
        "category": "Instagram Likes",
        "rate": "1.10",
        "min": "1",
        "max": "1",
        "refill": False,
        "cancel": False,
        "dripfeed": False,
    },
    {
        "service": 5,
        "name": "Instagram Mentions [Custom usernames]",
        "type": "Mentions",
        "category": "Instagram Mentions",
        "rate": "4.50",
        "min": "100",
        "max": "10000",
        "refill": False,
        "cancel": False,
        "dripfeed": False,
    },
    {
        "service": 6,
        "name": "Instagram Mentions [Hashtag]",
        "type": "Mentions Hashtag",
        "category": "Instagram Mentions",
        "rate": "2.20",
        "min": "100",
        "max": "20000",
        "refill": False,
        "cancel": True,
        "dripfeed": False,
    },
    {
        "service": 7,
        "name": "Instagram Auto Likes [Subscription]",
        "type": "Subscriptions",
        "category": "Instagram Auto Likes",
        "rate": "0.15",
        "min": "100",
        "max": "10000",
        "refill": False,
        "cancel": True,
        "dripfeed": False,
    },
    {
        "service": 8,
        "name": "Instagram Poll Votes",
        "type": "Poll",
        "category": "Instagram Poll",
        "rate": "1.80",
        "min": "100",
        "max": "10000",
        "refill": False,
        "cancel": False,
        "dripfeed": False,
    },
    {
        "service": 9,
        "name": "YouTube Views [Refill: 30 days]",
        "type": "Default",
        "category": "YouTube Views",
        "rate": "1.25",
        "min": "500",
        "max": "1000000",
        "refill": True,
        "cancel": False,
        "dripfeed": True,
    },
    {
        "service": 10,
        "name": "YouTube Subscribers [Refill: 60 days]",
        "type": "Default",
        "category": "YouTube Subscribers",
        "rate": "18.00",
        "min": "50",
        "max": "5000",
        "refill": True,
        "cancel": True,
        "dripfeed": False,
    },
    {
        "service": 11,
        "name": "Telegram Channel Members [Refill: 30 days]",
        "type": "Default",
        "category": "Telegram Members",
        "rate": "0.95",
        "min": "100",
        "max": "50000",
        "refill": True,
        "cancel": False,
        "dripfeed": True,
    },
    {
        "service": 12,
        "name": "Twitter Followers [No refill]",
        "type": "Default",
        "category": "Twitter Followers",
        "rate": "2.40",
        "min": "100",
        "max": "20000",
        "refill": False,
        "cancel": True,
        "dripfeed": False,
    },
)


@dataclass(frozen=True)
class TypeRule:
    """How orders of one service type are placed.

    ``lines``: the parameter whose non-blank lines are the order (the quantity is their
    count, as panels do for custom comments). ``package``: the order is one package charged
    at the service rate. ``required``: further parameters that must be present.
    """

    lines: str | None = None
    package: bool = False
    required: tuple[str, ...] = ()
    link: bool = True


_RULES: dict[str, TypeRule] = {
    "default": TypeRule(),
    "package": TypeRule(package=True),
    "custom comments": TypeRule(lines="comments"),
    "custom comments package": TypeRule(lines="comments", package=True),
    "mentions": TypeRule(required=("usernames",)),
    "mentions with hashtags": TypeRule(required=("usernames", "hashtags")),
    "mentions custom list": TypeRule(lines="usernames"),
    "mentions hashtag": TypeRule(required=("hashtag",)),
    "mentions user followers": TypeRule(required=("username",)),
    "mentions media likers": TypeRule(required=("media",)),
    "comment likes": TypeRule(required=("username",)),
    "poll": TypeRule(required=("answer_number",)),
    "invites from groups": TypeRule(required=("groups",)),
    "seo": TypeRule(required=("keywords",)),
    "comment replies": TypeRule(lines="comments", required=("username",)),
    "web traffic": TypeRule(required=("country", "device", "type_of_traffic")),
    "subscriptions": TypeRule(required=("username", "min", "max"), link=False),
}


def rule_for(service_type: str) -> TypeRule:
    """The ordering rule for a service type; unknown types order like ``Default``."""
    return _RULES.get(service_type.strip().lower(), _RULES["default"])


JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class ServiceSpec:
    """One catalog entry: parsed values for the panel logic plus the wire dict it came from."""

    id: int
    name: str
    type: str
    category: str
    rate: Decimal
    rate_text: str
    min: int
    max: int
    refill: bool
    cancel: bool
    dripfeed: bool
    wire: Mapping[str, Any] = field(repr=False)

    @property
    def rule(self) -> TypeRule:
        """How orders for this service are validated and charged."""
        return rule_for(self.type)


def _as_int(entry: Mapping[str, Any], name: str) -> int:
    value = entry.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"service {entry!r}: {name!r} must be an int or a numeric string")
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"service {entry!r}: {name!r} must be an integer") from None


def _as_bool(entry: Mapping[str, Any], name: str) -> bool:
    value = entry.get(name, False)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _spec(entry: Mapping[str, Any]) -> ServiceSpec:
    ident = _as_int(entry, "service")
    raw_rate = entry.get("rate")
    if isinstance(raw_rate, bool) or not isinstance(raw_rate, (str, int, float, Decimal)):
        raise ValueError(f"service {ident}: 'rate' must be a number or a numeric string")
    try:
        rate = Decimal(str(raw_rate).strip())
    except InvalidOperation:
        raise ValueError(f"service {ident}: 'rate' {raw_rate!r} is not a number") from None
    if not rate.is_finite() or rate < 0:
        raise ValueError(f"service {ident}: 'rate' must be a non-negative number")
    rate_text = str(raw_rate).strip()
    if not JSON_NUMBER.fullmatch(rate_text):
        rate_text = str(rate)
    low, high = _as_int(entry, "min"), _as_int(entry, "max")
    if not 0 < low <= high:
        raise ValueError(f"service {ident}: need 0 < min <= max, got {low} and {high}")

    # The wire entry keeps the caller's keys (a catalog without "refill" is a real
    # dialect) but with the seed's JSON types for the documented ones.
    wire: dict[str, Any] = dict(entry)
    wire["service"] = ident
    wire["name"] = str(entry.get("name", f"Service {ident}"))
    wire["type"] = str(entry.get("type", "Default"))
    wire["category"] = str(entry.get("category", "Other"))
    wire["rate"] = rate_text
    wire["min"] = str(low)
    wire["max"] = str(high)
    for flag in ("refill", "cancel", "dripfeed"):
        if flag in entry:
            wire[flag] = _as_bool(entry, flag)
    return ServiceSpec(
        id=ident,
        name=wire["name"],
        type=wire["type"],
        category=wire["category"],
        rate=rate,
        rate_text=rate_text,
        min=low,
        max=high,
        refill=_as_bool(entry, "refill"),
        cancel=_as_bool(entry, "cancel"),
        dripfeed=_as_bool(entry, "dripfeed"),
        wire=wire,
    )


def load_catalog(services: Sequence[Mapping[str, Any]] | None) -> dict[int, ServiceSpec]:
    """Parse and check a catalog (the default one when ``services`` is None)."""
    entries = DEFAULT_SERVICES if services is None else services
    catalog: dict[int, ServiceSpec] = {}
    for entry in entries:
        spec = _spec(entry)
        if spec.id in catalog:
            raise ValueError(f"duplicate service id {spec.id}")
        catalog[spec.id] = spec
    return catalog
