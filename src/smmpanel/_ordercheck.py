"""Pricing and checking an order against a `Service`, before any money moves.

Each service type takes its own parameters; `ORDER_RULES` is the whole table, so a new
type is one more entry. Types are matched ignoring case and surrounding spaces.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from ._errors import InvalidArgumentError, shorten

if TYPE_CHECKING:
    from ._models import Service

__all__ = ["ORDER_RULES", "OrderRule", "check_order", "cost", "rule_for"]

Quantity = Literal["count", "lines", "none"]

SUBSCRIPTION_DELAYS: Final = frozenset(
    (0, 5, 10, 15, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540, 600)
)
"""The delays (minutes between a new post and the delivery) that panels offer."""


@dataclass(frozen=True)
class OrderRule:
    """What one service type takes.

    ``quantity``: "count" (a number in min..max), "lines" (the number of lines of the
    `lines` parameter is the quantity) or "none" (a package, or a subscription that is
    sized by its own min/max). ``one_of``: groups of which at least one must be given.
    """

    quantity: Quantity = "count"
    lines: str | None = None
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    link: bool = True
    package: bool = False

    @property
    def takes(self) -> tuple[str, ...]:
        """Every parameter this type takes, besides quantity and drip-feed."""
        grouped = tuple(name for group in self.one_of for name in group)
        lines = (self.lines,) if self.lines else ()
        return (("link",) if self.link else ()) + lines + self.required + grouped + self.optional


ORDER_RULES: Final[Mapping[str, OrderRule]] = {
    "default": OrderRule(),
    "package": OrderRule(quantity="none", package=True),
    "custom comments": OrderRule(quantity="lines", lines="comments"),
    "custom comments package": OrderRule(quantity="none", lines="comments", package=True),
    "mentions": OrderRule(required=("usernames",)),
    "mentions with hashtags": OrderRule(required=("usernames", "hashtags")),
    "mentions custom list": OrderRule(quantity="lines", lines="usernames"),
    "mentions hashtag": OrderRule(required=("hashtag",)),
    "mentions user followers": OrderRule(required=("username",)),
    "mentions media likers": OrderRule(required=("media",)),
    "comment likes": OrderRule(required=("username",)),
    "poll": OrderRule(required=("answer_number",)),
    "comment replies": OrderRule(quantity="lines", lines="comments", required=("username",)),
    "invites from groups": OrderRule(required=("groups",)),
    "subscriptions": OrderRule(
        quantity="none",
        required=("username", "min", "max"),
        one_of=(("posts", "old_posts"),),
        optional=("delay", "expiry"),
        link=False,
    ),
    "seo": OrderRule(required=("keywords",)),
    "web traffic": OrderRule(
        required=("country", "device", "type_of_traffic"),
        optional=("google_keyword", "referring_url"),
    ),
}
"""The parameters of every service type known across panels, by lower-case type name."""


def rule_for(service_type: str) -> OrderRule | None:
    """The rule for a service type, or None for a type this library does not know."""
    return ORDER_RULES.get(" ".join(service_type.lower().split()))


# --- cost ------------------------------------------------------------------------------


def cost(service: Service, quantity: int | None, runs: int | None = None) -> Decimal:
    """The exact price of `quantity` (times `runs`) at the service's rate per 1000."""
    rule = rule_for(service.type)
    if rule is not None and rule.package:
        if quantity not in (None, 1) or runs is not None:
            raise InvalidArgumentError(
                f"service {service.service} is a package, bought whole at its rate:"
                f" give no quantity or runs, not quantity={quantity!r}, runs={runs!r}"
            )
        return service.rate
    count = _positive("quantity", quantity)
    if count is None:
        raise InvalidArgumentError("quantity is needed to price an order")
    times = _positive("runs", runs)
    # Enough digits for any real order, so nothing is rounded on the way.
    with decimal.localcontext() as context:
        context.prec = 100
        total = (service.rate * count * (times or 1)).scaleb(-3)
    return _without_trailing_zeros(total)


def _without_trailing_zeros(amount: Decimal) -> Decimal:
    reduced = amount.normalize()
    exponent = reduced.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return reduced.quantize(Decimal(1))  # 9E+1 reads as 90
    return reduced


# --- checks ----------------------------------------------------------------------------


def check_order(
    service: Service,
    quantity: int | None,
    *,
    runs: int | None,
    interval: int | None,
    params: Mapping[str, Any],
    require_link: bool = False,
) -> None:
    """Raise `InvalidArgumentError` for the first thing wrong with this order.

    Parameters whose value is None count as not given. `require_link` also asks for the
    link of a type that takes one, as placing the order does.
    """
    given = {name: value for name, value in params.items() if value is not None}
    rule = rule_for(service.type)
    where = f"service {service.service} ({service.type})"
    if rule is None:  # an unknown type: only the quantity can be judged
        if quantity is not None:
            _check_quantity(service, quantity, where)
        return
    _check_names(rule, given, runs, interval, where)
    _check_values(rule, given, where, require_link=require_link)
    _check_dripfeed(service, rule, quantity, runs, interval, where)
    if rule.quantity == "count":
        if quantity is None:
            raise InvalidArgumentError(f"{where} needs a quantity ({service.min}..{service.max})")
        _check_quantity(service, quantity, where)
    elif rule.quantity == "lines" and rule.lines is not None:
        lines = _line_count(given[rule.lines])
        if quantity is not None and quantity != lines:
            raise InvalidArgumentError(
                f"{where} takes its quantity from the {lines} lines of {rule.lines};"
                f" quantity={quantity!r} does not match"
            )
        _check_quantity(service, lines, f"{where}: the number of lines of {rule.lines}")
    elif quantity is not None:
        raise InvalidArgumentError(f"{where} takes no quantity, not quantity={quantity!r}")
    if "min" in given:
        _check_subscription(service, given, where)


def _check_names(
    rule: OrderRule,
    given: Mapping[str, Any],
    runs: int | None,
    interval: int | None,
    where: str,
) -> None:
    unknown = [name for name in given if name not in rule.takes]
    if unknown:
        takes = ", ".join(_takes(rule))
        raise InvalidArgumentError(
            f"{where} does not take {', '.join(unknown)}"
            f" ({shorten(given[unknown[0]], 60)}); it takes {takes}"
        )
    needed = ((rule.lines,) if rule.lines else ()) + rule.required
    missing = [name for name in needed if name not in given]
    missing += [" or ".join(group) for group in rule.one_of if not set(group) & set(given)]
    if missing:
        raise InvalidArgumentError(f"{where} needs {', '.join(missing)}")


def _takes(rule: OrderRule) -> list[str]:
    names = list(rule.takes)
    if rule.quantity == "count":
        names.insert(1 if rule.link else 0, "quantity")
    return names


def _check_values(
    rule: OrderRule, given: Mapping[str, Any], where: str, *, require_link: bool
) -> None:
    if require_link and rule.link and "link" not in given:
        raise InvalidArgumentError(f"{where} needs a link")
    for name, value in given.items():
        if name in ("min", "max", "posts", "answer_number"):
            _positive(name, value)
        elif name in ("old_posts", "delay"):
            _positive(name, value, allow_zero=True)
        elif name == "expiry":
            _check_expiry(value)
        elif name == "link":
            if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
                raise InvalidArgumentError(f"link must be one url without spaces, not {value!r}")
        elif _line_count(value) == 0:
            raise InvalidArgumentError(f"{name} must not be empty, not {value!r}")
    if (
        "delay" in given
        and _positive("delay", given["delay"], allow_zero=True) not in SUBSCRIPTION_DELAYS
    ):
        allowed = ", ".join(map(str, sorted(SUBSCRIPTION_DELAYS)))
        raise InvalidArgumentError(
            f"delay must be one of {allowed} minutes, not {given['delay']!r}"
        )


def _check_dripfeed(
    service: Service,
    rule: OrderRule,
    quantity: int | None,
    runs: int | None,
    interval: int | None,
    where: str,
) -> None:
    if runs is None and interval is None:
        return
    if not service.dripfeed or rule.quantity != "count":
        raise InvalidArgumentError(
            f"{where} has no drip-feed: give no runs or interval, not runs={runs!r},"
            f" interval={interval!r}"
        )
    if runs is None or interval is None:
        raise InvalidArgumentError(
            f"a drip-feed order needs both runs and interval, not runs={runs!r},"
            f" interval={interval!r}"
        )
    _positive("runs", runs)
    _positive("interval", interval)


def _check_quantity(service: Service, quantity: object, where: str) -> None:
    number = _positive("quantity", quantity)
    if number is not None and not service.min <= number <= service.max:
        raise InvalidArgumentError(
            f"{where}: quantity must be between {service.min} and {service.max}, not {quantity!r}"
        )


def _check_subscription(service: Service, given: Mapping[str, Any], where: str) -> None:
    low, high = _positive("min", given["min"]), _positive("max", given["max"])
    if low is None or high is None:  # checked as required before
        return
    for name, value in (("min", low), ("max", high)):
        if not service.min <= value <= service.max:
            raise InvalidArgumentError(
                f"{where}: {name} must be between {service.min} and {service.max}, not {value}"
            )
    if low > high:
        raise InvalidArgumentError(f"{where}: min ({low}) is more than max ({high})")


def _check_expiry(value: object) -> None:
    if isinstance(value, date):
        return
    if isinstance(value, str):
        try:
            datetime.strptime(value.strip(), "%d/%m/%Y")
        except ValueError:
            pass
        else:
            return
    raise InvalidArgumentError(f"expiry must be a date or 'dd/mm/yyyy', not {value!r}")


def _positive(name: str, value: object, *, allow_zero: bool = False) -> int | None:
    """`value` as a whole number (>= 1, or >= 0), None when not given; a string of digits
    counts, as the panel reads form fields as text."""
    if value is None:
        return None
    number = int(value) if isinstance(value, str) and value.strip().isdigit() else value
    if isinstance(number, bool) or not isinstance(number, int) or number < (not allow_zero):
        kind = "a whole number >= 0" if allow_zero else "a positive whole number"
        raise InvalidArgumentError(f"{name} must be {kind}, not {value!r}")
    return number


def _line_count(value: object) -> int:
    """How many non-blank lines a parameter holds: a list counts its items."""
    if isinstance(value, (list, tuple)):
        return sum(1 for item in value if str(item).strip())
    if isinstance(value, Sequence) and not isinstance(value, str):
        return len(value)
    return sum(1 for line in str(value).splitlines() if line.strip())
