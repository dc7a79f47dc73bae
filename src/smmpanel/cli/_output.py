"""Printing results: JSON for scripts, lines and tables for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from .. import ItemError, Service, ServiceList

ELLIPSIS = "\u2026"
SERVICE_HEADERS = ("ID", "NAME", "CATEGORY", "TYPE", "RATE/1000", "MIN-MAX", "REFILL",
                   "CANCEL", "DRIP")  # fmt: skip
# The columns that may be cut (name, category, type), and how narrow each may get.
_SHRINKABLE = {1: 10, 2: 6, 3: 5}


@dataclass(frozen=True)
class Exit:
    """A result with its own exit code; `result` (when not None) is printed as usual."""

    code: int
    result: Any = None


@dataclass(frozen=True)
class Report:
    """A result with its own text for people; `data` is what ``--json`` prints."""

    data: Any
    text: str


def plain(value: Any) -> Any:
    """`value` as JSON-ready data: models as their wire fields, errors in place."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_json(value: Any, *, indent: int | None = 2) -> str:
    """`value` as JSON text."""
    return json.dumps(plain(value), indent=indent, ensure_ascii=False)


def readable(result: Any, width: int | None = None) -> str:
    """`result` for people; tables are cut to `width` columns when it is given."""
    if isinstance(result, Report):
        return result.text
    if isinstance(result, ServiceList):
        return services_table(result, width)
    if isinstance(result, dict):
        return "\n".join(f"{key}: {one_line(item)}" for key, item in result.items())
    if isinstance(result, list):
        return "\n".join(one_line(item) for item in result)
    return one_line(result)


def one_line(value: Any) -> str:
    """A model as ``name: value`` pairs on one line; an `ItemError` as ``error: ...``."""
    if isinstance(value, ItemError):
        return f"error: {value}"
    if isinstance(value, BaseModel):
        fields = {**dict(value), **(value.model_extra or {})}
        return "  ".join(
            f"{name}: {one_line(item)}" for name, item in fields.items() if item is not None
        )
    return str(value)


def services_table(services: Sequence[Service], width: int | None = None) -> str:
    """The catalog as a table; long names are cut with an ellipsis to fit `width`."""
    rows = [_service_row(service) for service in services]
    return table(list(SERVICE_HEADERS), rows, width)


def _service_row(service: Service) -> list[str]:
    # `dripfeed` is kept as an extra field until the model names it.
    dripfeed = getattr(service, "dripfeed", None) or getattr(service, "drip_feed", None)
    return [
        str(service.service),
        service.name,
        service.category,
        service.type,
        str(service.rate),
        f"{service.min}-{service.max}",
        "yes" if service.refill else "",
        "yes" if service.cancel else "",
        "yes" if dripfeed not in (None, False, 0, "0", "false", "") else "",
    ]


def table(
    headers: list[str],
    rows: list[list[str]],
    width: int | None = None,
    *,
    shrinkable: dict[int, int] | None = None,
) -> str:
    """Columns padded to line up; with `width`, the shrinkable columns (by index, with the
    narrowest each may get; the catalog's name, category and type by default) are cut so
    that no line is wider than `width` (as far as they can be cut)."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    if width is not None:
        widths = _fit(widths, width, _SHRINKABLE if shrinkable is None else shrinkable)
    return "\n".join(
        "  ".join(
            _cut(cell, size).ljust(size) for cell, size in zip(row, widths, strict=True)
        ).rstrip()
        for row in [headers, *rows]
    )


def _fit(widths: list[int], width: int, shrinkable: dict[int, int]) -> list[int]:
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > width:
        cuttable = [i for i, least in shrinkable.items() if i < len(widths) and widths[i] > least]
        if not cuttable:
            break
        widths[max(cuttable, key=lambda index: widths[index])] -= 1
    return widths


def _cut(cell: str, size: int) -> str:
    return cell if len(cell) <= size else cell[: size - 1] + ELLIPSIS
