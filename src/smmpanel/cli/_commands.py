"""The subcommands. Each is a `Command`: a name, a help line, its arguments and a `run`
that returns what to print (a result the output module knows, or a `Report`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import ServiceList
from ._catalog import add_filter_arguments, save_catalog, select
from ._config import config_path, load_config
from ._context import Context
from ._exits import UsageError
from ._order import add_order, add_order_arguments
from ._output import Report, table
from ._values import read_ids

Run = Callable[[Context], Any]


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


@dataclass(frozen=True)
class Command:
    """One subcommand: `run` gets the context and returns what to print."""

    name: str
    help: str
    run: Run
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    action: str | None = None
    """The API action it sends, named in errors."""


def _services_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_arguments(parser)
    parser.add_argument("--save", metavar="FILE.json", help="also save the whole catalog")


def _services(ctx: Context) -> ServiceList:
    catalog = ctx.client().services()
    if ctx.args.save:
        save_catalog(catalog, ctx.args.save)
    shown = select(catalog, ctx.args)
    if catalog and not shown:
        ctx.warn(f"no service matches the filters; the panel has {len(catalog)} services")
    return shown


def _one_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help='the id, or "-" to read it from stdin')


def _many_ids(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "ids", nargs="+", metavar="ID", help='ids, comma-separated or "-" to read stdin'
    )


def _single(method: str, plural: str) -> Run:
    def run(ctx: Context) -> Any:
        ids = read_ids([ctx.args.id], ctx.stdin)
        if len(ids) != 1:
            raise UsageError(f"{method.replace('_', '-')} takes one id, not {len(ids)}:"
                             f" use {plural} for many")  # fmt: skip
        client = ctx.client()
        if method == "refill":
            with ctx.sending("refill", {"order": ids[0]}):
                return client.refill(ids[0])
        return getattr(client, method)(ids[0])

    return run


def _multi(method: str, *, write: bool) -> Run:
    def run(ctx: Context) -> Any:
        ids = read_ids(ctx.args.ids, ctx.stdin)
        client = ctx.client()
        if not write:
            return getattr(client, method)(ids)
        with ctx.sending(method, {"orders": ",".join(str(i) for i in ids)}):
            return getattr(client, method)(ids)

    return run


def _panels(ctx: Context) -> Report:
    path = config_path(ctx.env)
    if not path.exists():
        ctx.warn(f"no config file at {path}; see `smmpanel panels --help`")
        return Report([], "")
    config = load_config(path, ctx.env, ctx.warn)
    rows: list[dict[str, Any]] = []
    cells: list[list[str]] = []
    for name, profile in config.panels.items():
        default = name == config.default
        key = profile.describe_key()
        rows.append({"name": name, "url": profile.url, "key": key, "default": default})
        cells.append([name, profile.url, key, "yes" if default else ""])
    text = table(["NAME", "URL", "KEY", "DEFAULT"], cells)
    return Report(rows, text)


def _balance(ctx: Context) -> Any:
    return ctx.client().balance()


COMMANDS: tuple[Command, ...] = (
    Command("services", "list the panel's services", _services, _services_arguments, "services"),
    Command("balance", "show the balance", _balance, action="balance"),
    Command("add", "place an order (spends money)", add_order, add_order_arguments, "add"),
    Command("status", "show one order's status", _single("status", "statuses"), _one_id,
            "status"),
    Command("statuses", "show the statuses of many orders", _multi("statuses", write=False),
            _many_ids, "status"),
    Command("refill", "ask for a refill of one order", _single("refill", "refills"), _one_id,
            "refill"),
    Command("refills", "ask for refills of many orders", _multi("refills", write=True),
            _many_ids, "refill"),
    Command("refill-status", "show one refill's status",
            _single("refill_status", "refill-statuses"), _one_id, "refill_status"),
    Command("refill-statuses", "show the statuses of many refills",
            _multi("refill_statuses", write=False), _many_ids, "refill_status"),
    Command("cancel", "ask the panel to cancel orders", _multi("cancel", write=True), _many_ids,
            "cancel"),
    Command("panels", "list the panels in the config file (never their keys)", _panels),
)  # fmt: skip
"""Every subcommand; `track` and `wait` join this table once the client can follow
orders."""
