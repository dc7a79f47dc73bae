"""The services view: filters, sorting, and the catalog saved to a file."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from .. import Service, ServiceList
from ._exits import UsageError
from ._output import as_json
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
    """Read a catalog saved with ``--save``."""
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the catalog {path}: {exc}") from None
    if not isinstance(items, list):
        raise UsageError(f"{path} is not a saved catalog (a JSON list of services)")
    return ServiceList.from_items(items)
