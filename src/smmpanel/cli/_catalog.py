"""The services view: filters, sorting, the catalog saved to a file, and what changed
since a saved catalog."""

from __future__ import annotations

import argparse
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import CatalogDiff, PriceChange, Service, ServiceChange, ServiceList
from ._exits import UsageError
from ._output import Report, as_json, plain, table
from ._values import rate

SORT_KEYS = ("rate", "id", "name")


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The filter and sort options of ``services``."""
    parser.add_argument("--category", help="only categories containing this text (any case)")
    parser.add_argument("--search", help="only names or categories containing this text")
    parser.add_argument("--type", help='only this service type, e.g. "default" (any case)')
    parser.add_argument("--max-rate", type=rate, metavar="PRICE", help="at most this per 1000")
    parser.add_argument("--sort", choices=SORT_KEYS, help="order by rate, id or name")


def select(catalog: ServiceList, args: argparse.Namespace) -> ServiceList:
    """The services that pass the filters in `args`, in the order asked for; entries the
    panel sent unreadable stay in `invalid`."""
    services: list[Service] = list(catalog)
    if args.category:
        wanted = args.category.casefold()
        services = [s for s in services if wanted in s.category.casefold()]
    if args.search:
        wanted = args.search.casefold()
        services = [
            s for s in services if wanted in s.name.casefold() or wanted in s.category.casefold()
        ]
    if args.type:
        services = [s for s in services if s.type.casefold() == args.type.casefold()]
    if args.max_rate is not None:
        services = [s for s in services if s.rate <= args.max_rate]
    if args.sort:
        services.sort(key=_SORTS[args.sort])
    return ServiceList(services, catalog.invalid)


def _by_id(service: Service) -> tuple[int, int, str]:
    text = str(service.service)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


_SORTS = {
    "rate": lambda service: (service.rate, _by_id(service)),
    "id": _by_id,
    "name": lambda service: (service.name.casefold(), _by_id(service)),
}


def save_catalog(catalog: ServiceList, path: str) -> None:
    """Write the whole catalog as JSON (the wire's fields), replacing `path` at once."""
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent or ".", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(as_json(list(catalog)) + "\n")
        os.replace(temporary, target)
    except OSError as exc:
        raise UsageError(f"cannot save the catalog to {path}: {exc.strerror or exc}") from None


def load_catalog(path: str) -> ServiceList:
    """Read a catalog saved with ``--save`` (or a saved raw ``services`` answer)."""
    try:
        return ServiceList.load(path)
    except OSError as exc:
        raise UsageError(f"cannot read the catalog {path}: {exc.strerror or exc}") from None
    except ValueError:
        raise UsageError(f"{path} is not a saved catalog (a JSON list of services)") from None


DIFF_HEADERS = ["CHANGE", "ID", "NAME", "DETAIL"]
_DIFF_SHRINKABLE = {2: 10}  # only the name is cut: the change and its detail are the point


def changes_report(older: ServiceList, newer: ServiceList, width: int | None = None) -> Report:
    """What changed from `older` to `newer`: price rises first (largest first), then the
    services removed, added, price drops, and other changes."""
    found = older.diff(newer)
    rows = [*_price_rows(found, rises=True), *_gone_rows(found), *_price_rows(found, rises=False)]
    rows += [("changed", item) for item in found.changed if "rate" not in item.fields]
    data = {
        "added": plain(found.added),
        "removed": plain(found.removed),
        "changed": [_change_json(item) for kind, item in rows if isinstance(item, ServiceChange)],
    }
    if not found:
        return Report(data, "no changes")
    cells = [_diff_cells(kind, item) for kind, item in rows]
    return Report(data, table(DIFF_HEADERS, cells, width, shrinkable=_DIFF_SHRINKABLE))


Row = tuple[str, "Service | ServiceChange"]


def _price_rows(found: CatalogDiff, *, rises: bool) -> list[Row]:
    moves = [item for item in found.changed if "rate" in item.fields]
    moves = [item for item in moves if (item.after.rate > item.before.rate) == rises]
    # A rise from a rate of 0 has no percentage: it sorts as the largest.
    moves.sort(key=lambda item: _percent(item) or Decimal("Infinity"), reverse=rises)
    return [("price up" if rises else "price down", item) for item in moves]


def _gone_rows(found: CatalogDiff) -> list[Row]:
    rows: list[Row] = [("removed", item) for item in found.removed]
    return rows + [("added", item) for item in found.added]


def _percent(change: ServiceChange) -> Decimal | None:
    return PriceChange(change.before, change.after).percent


def _diff_cells(kind: str, item: Service | ServiceChange) -> list[str]:
    if isinstance(item, Service):
        at = f"{item.rate} per 1000, {item.min}-{item.max}"
        return [kind, str(item.service), item.name, f"{'was' if kind == 'removed' else 'new'} {at}"]
    shown = []
    for name in item.fields:
        before, after = getattr(item.before, name), getattr(item.after, name)
        if name == "rate":
            percent = _percent(item)
            moved = "from 0" if percent is None else f"{percent:+}%"
            shown.append(f"rate {before} -> {after} ({moved})")
        else:
            shown.append(f"{name} {before} -> {after}")
    return [kind, str(item.service), item.after.name, ", ".join(shown)]


def _change_json(change: ServiceChange) -> dict[str, Any]:
    percent = _percent(change) if "rate" in change.fields else None
    return {
        "service": change.service,
        "fields": list(change.fields),
        "before": plain(change.before),
        "after": plain(change.after),
        "rate_change_percent": None if percent is None else str(percent),
    }
