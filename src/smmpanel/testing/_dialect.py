"""Dialects: the ways real panels drift from the seed's answers, and rendering to bytes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ._catalog import JSON_NUMBER
from ._wire import ErrorKind, ItemFailure, MoneyText, NumText, Outcome, StatusWord, WireAnswer

__all__ = ["DIALECTS", "Dialect", "render"]

DIALECTS: tuple[str, ...] = (
    "canonical",
    "numbers",
    "spelling",
    "error_status",
    "bare_item_errors",
    "envelope",
    "text_html",
    "drifting",
)

ERROR_STATUS_CODES: dict[ErrorKind, int] = {
    ErrorKind.AUTH: 401,
    ErrorKind.FUNDS: 402,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.INVALID: 422,
    ErrorKind.REQUEST: 400,
}


@dataclass(frozen=True)
class Dialect:
    """How the panel writes its answers. The default is the seed's canonical dialect.

    - ``numbers``: counts, ids, rates and money as JSON numbers instead of strings.
    - ``money_places``: decimals written in money amounts.
    - ``cancelled_spelling``: "Cancelled" instead of "Canceled".
    - ``lowercase_status``: status words in lower case ("in progress").
    - ``error_status_codes``: error bodies with 401 (key), 402 (funds), 404 (unknown order
      or refill), 422 (validation), 400 (other) instead of 200.
    - ``bare_item_errors``: per-item batch errors as a bare string, not ``{"error": ...}``.
    - ``envelope``: successes wrapped as ``{"status": "success", "data": answer}``.
    - ``content_type``: the Content-Type of JSON answers.

    ``Dialect.named("numbers")`` (or any name in :data:`DIALECTS`) gives a preset.
    """

    numbers: bool = False
    money_places: int = 5
    cancelled_spelling: bool = False
    lowercase_status: bool = False
    error_status_codes: bool = False
    bare_item_errors: bool = False
    envelope: bool = False
    content_type: str = "application/json"
    name: str = field(default="custom", compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.money_places, bool) or not 0 <= self.money_places <= 12:
            raise ValueError("money_places must be an int from 0 to 12")

    @classmethod
    def presets(cls) -> dict[str, Dialect]:
        """Every named preset, by name (the names are :data:`DIALECTS`)."""
        return dict(_PRESETS)

    @classmethod
    def named(cls, name: str) -> Dialect:
        """The preset called ``name``."""
        try:
            return _PRESETS[name]
        except KeyError:
            known = ", ".join(DIALECTS)
            raise ValueError(f"unknown dialect {name!r}; known: {known}") from None

    @classmethod
    def coerce(cls, value: Dialect | str) -> Dialect:
        """A Dialect as is, or the preset named by a string."""
        if isinstance(value, Dialect):
            return value
        if isinstance(value, str):
            return cls.named(value)
        raise TypeError(f"dialect must be a Dialect or a preset name, not {type(value).__name__}")


def _all_at_once() -> Dialect:
    merged: dict[str, Any] = {}
    for preset in _PARTS:
        for f in fields(preset):
            value = getattr(preset, f.name)
            if f.name != "name" and value != f.default:
                merged[f.name] = value
    return Dialect(name="drifting", **merged)


_PARTS = (
    Dialect(name="numbers", numbers=True, money_places=6),
    Dialect(name="spelling", cancelled_spelling=True, lowercase_status=True),
    Dialect(name="error_status", error_status_codes=True),
    Dialect(name="bare_item_errors", bare_item_errors=True),
    Dialect(name="envelope", envelope=True),
    Dialect(name="text_html", content_type="text/html; charset=UTF-8"),
)
_PRESETS: dict[str, Dialect] = {
    "canonical": Dialect(name="canonical"),
    **{preset.name: preset for preset in _PARTS},
    "drifting": _all_at_once(),
}


def _emit(value: Any, dialect: Dialect, out: list[str]) -> None:
    # A small JSON writer, because the numbers dialect must write "0.278190" as a JSON
    # number with exactly those digits, which json.dumps cannot do.
    if isinstance(value, str):
        out.append(json.dumps(value))
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(value))
    elif value is None:
        out.append("null")
    elif isinstance(value, NumText):
        numeric = dialect.numbers and JSON_NUMBER.fullmatch(value.text)
        out.append(value.text if numeric else json.dumps(value.text))
    elif isinstance(value, MoneyText):
        step = Decimal(1).scaleb(-dialect.money_places)
        text = format(value.amount.quantize(step, rounding=ROUND_HALF_UP), "f")
        out.append(text if dialect.numbers else f'"{text}"')
    elif isinstance(value, StatusWord):
        word = value.word
        if dialect.cancelled_spelling and word == "Canceled":
            word = "Cancelled"
        if dialect.lowercase_status:
            word = word.lower()
        out.append(json.dumps(word))
    elif isinstance(value, ItemFailure):
        if dialect.bare_item_errors:
            out.append(json.dumps(value.message))
        else:
            out.append('{"error":' + json.dumps(value.message) + "}")
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(",")
            out.append(json.dumps(str(key)))
            out.append(":")
            _emit(item, dialect, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _emit(item, dialect, out)
        out.append("]")
    elif isinstance(value, float):
        out.append(json.dumps(value))
    elif isinstance(value, Decimal):
        out.append(str(value))
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def encode(value: Any, dialect: Dialect) -> bytes:
    """The JSON text of an answer tree in a dialect."""
    out: list[str] = []
    _emit(value, dialect, out)
    return "".join(out).encode("utf-8")


def render(outcome: Outcome, dialect: Dialect) -> tuple[int, bytes]:
    """The HTTP status and JSON body of an outcome in a dialect."""
    if isinstance(outcome, WireAnswer):
        body = outcome.body
        if dialect.envelope:
            body = {"status": "success", "data": body}
        return 200, encode(body, dialect)
    status = ERROR_STATUS_CODES[outcome.kind] if dialect.error_status_codes else 200
    return status, encode({"error": outcome.message}, dialect)
