"""Reading the values given on the command line: ids (also from stdin), numbers, prices
and order parameters."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from .. import Id, InvalidArgumentError

STDIN = "-"
_OWN_ARGUMENTS = frozenset({"service", "link", "quantity", "runs", "interval", "key", "action"})


def read_ids(values: Sequence[str], stdin: TextIO) -> list[Id]:
    """The ids in `values`, each comma-separated; ``-`` reads more from `stdin`, one per
    line or comma-separated. Digits become ints; the client checks the rest."""
    ids: list[Id] = []
    stdin_read = False
    for value in values:
        if value == STDIN:
            if not stdin_read:
                ids += split_ids(stdin)
            stdin_read = True
        else:
            ids += split_ids([value])
    return ids


def split_ids(lines: Iterable[str]) -> list[Id]:
    """Ids from lines of text, separated by commas or whitespace around them."""
    return [parse_id(part) for line in lines for part in _parts(line)]


def _parts(line: str) -> list[str]:
    return [part.strip() for part in line.split(",") if part.strip()]


def parse_id(text: str) -> Id:
    """An id as the client takes it: ``"42"`` is 42, anything else stays text."""
    return int(text) if is_number(text) else text


def is_number(text: str) -> bool:
    """Whether `text` is plain ASCII digits."""
    return text.isascii() and text.isdigit()


def order_params(pairs: Sequence[str]) -> dict[str, Any]:
    """The ``--param NAME=VALUE`` pairs: counts become ints, ``\\n`` becomes a new line."""
    extras: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InvalidArgumentError(f"--param takes NAME=VALUE, not {pair!r}")
        if name in _OWN_ARGUMENTS:
            raise InvalidArgumentError(f"{name} has its own argument: not --param {name}=...")
        # Counts such as min=100 must arrive as numbers; the form sends them as text anyway.
        extras[name] = int(value) if is_number(value) else value.replace("\\n", "\n")
    return extras


def seconds(text: str) -> float:
    """A positive number of seconds, for ``--timeout``."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return value


def rate(text: str) -> Decimal:
    """A price per 1000, for ``--max-rate``."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"must be a price such as 0.50, not {text!r}")
    return value


def count(text: str) -> int:
    """A whole number >= 1, for quantities and runs."""
    if not is_number(text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)
