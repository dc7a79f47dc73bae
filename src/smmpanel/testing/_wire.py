"""The wire's leaf types: what an answer tree is made of, before a dialect writes it.

:meth:`PanelState.handle` returns a :class:`WireAnswer` (a canonical answer tree whose
leaves say how each value is typed, so a dialect can re-type it) or a :class:`Failure`
(the ``{"error": ...}`` message and its kind, which some dialects turn into an HTTP status).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import Any

MONEY_STEP = Decimal("0.00001")


def to_money(value: Decimal | str | int | float) -> Decimal:
    """Parse an amount of money (floats go through ``str`` so 0.1 stays 0.1)."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount of money: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount of money: {value!r}")
    return amount


def round_money(amount: Decimal) -> Decimal:
    """An amount rounded to the panel's five decimals, half up."""
    return amount.quantize(MONEY_STEP, rounding=ROUND_HALF_UP)


# Leaves of an answer tree. The canonical dialect renders them exactly as the seed does;
# other dialects change their JSON type, precision or spelling.


@dataclass(frozen=True)
class NumText:
    """A number the seed sends as a JSON string ("50", "3572", "0.90", refill "1")."""

    text: str


@dataclass(frozen=True)
class MoneyText:
    """An amount of money (a string with five decimals in the seed)."""

    amount: Decimal


@dataclass(frozen=True)
class StatusWord:
    """An order or refill status word, in canonical spelling."""

    word: str


@dataclass(frozen=True)
class ItemFailure:
    """A per-item error inside a batch answer (``{"error": message}`` in the seed)."""

    message: str


class ErrorKind(Enum):
    """Why a whole request failed; dialects with HTTP error statuses map these to codes."""

    AUTH = "auth"
    FUNDS = "funds"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    REQUEST = "request"


@dataclass(frozen=True)
class WireAnswer:
    """A successful answer: a JSON-like tree with typed leaves."""

    body: Any


@dataclass(frozen=True)
class Failure:
    """A failed request, answered as ``{"error": message}``."""

    kind: ErrorKind
    message: str


Outcome = WireAnswer | Failure
