"""The subcommands. Each is a `Command`: a name, a help line, its arguments and a `run`
that returns what to print (a result the output module knows, or a `Report`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import ServiceList
from .._actions import ACTIONS, Action
from ._catalog import add_filter_arguments, changes_report, load_catalog, save_catalog, select
from ._config import config_path, load_config
from ._context import Context
from ._exits import UsageError
from ._follow import add_follow_arguments, track_orders, wait_order
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
    waits: bool = False
    """Whether ``--timeout`` limits the whole wait for orders rather than each request."""


def _services_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_arguments(parser)
    parser.add_argument("--save", metavar="FILE.json", help="also save the whole catalog")
    parser.add_argument(
        "--diff",
        metavar="OLD.json",
        help="show what changed since a catalog saved with --save: price rises first",
    )


def _services(ctx: Context) -> ServiceList | Report:
    # Read first: a bad file is refused before asking the panel, and `--diff X --save X`
    # compares against X, then replaces it.
    older = load_catalog(ctx.args.diff) if ctx.args.diff else None
    catalog = ctx.client().services()
    if ctx.args.save:
        save_catalog(catalog, ctx.args.save)
    if older is not None:
        return changes_report(select(older, ctx.args), select(catalog, ctx.args), ctx.width())
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


def _single(action: Action[Any]) -> Run:
    def run(ctx: Context) -> Any:
        ids = read_ids([ctx.args.id], ctx.stdin)
        if len(ids) != 1:
            many = _plural(action).replace("_", "-")
            raise UsageError(f"{action.method.replace('_', '-')} takes one id, not {len(ids)}:"
                             f" use {many} for many")  # fmt: skip
        return _send(ctx, action, ids[0])

    return run


def _multi(action: Action[Any]) -> Run:
    def run(ctx: Context) -> Any:
        return _send(ctx, action, read_ids(ctx.args.ids, ctx.stdin))

    return run


def _send(ctx: Context, action: Action[Any], ids: Any) -> Any:
    method = getattr(ctx.client(), action.method)
    if action.idempotent:
        return method(ids)
    shown = ",".join(map(str, ids)) if isinstance(ids, list) else str(ids)
    with ctx.sending(action.name, {str(action.id_field): shown}):
        return method(ids)


def _plural(action: Action[Any]) -> str:
    """The batch method sending the same wire action as the single `action`."""
    return next(
        other.method for other in ACTIONS.values() if other.name == action.name and other.batch
    )


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


# The actions' own commands, in the order of `ACTIONS`: a help line and, for those that
# are not "one id" or "many ids", their own run and arguments.
_HELP = {
    "services": "list the panel's services, or what changed since a saved catalog",
    "balance": "show the balance",
    "add": "place an order (spends money)",
    "status": "show one order's status",
    "statuses": "show the statuses of many orders",
    "refill": "ask for a refill of one order",
    "refills": "ask for refills of many orders",
    "refill_status": "show one refill's status",
    "refill_statuses": "show the statuses of many refills",
    "cancel": "ask the panel to cancel orders",
}
_OWN: dict[str, tuple[Run, Callable[[argparse.ArgumentParser], None]]] = {
    "services": (_services, _services_arguments),
    "balance": (_balance, _no_arguments),
    "add": (add_order, add_order_arguments),
}


def _action_command(action: Action[Any]) -> Command:
    run, arguments = _OWN.get(action.method) or (
        (_multi(action), _many_ids) if action.batch else (_single(action), _one_id)
    )
    name = action.method.replace("_", "-")
    return Command(name, _HELP.get(action.method, action.name), run, arguments, action.name)


COMMANDS: tuple[Command, ...] = (
    *(_action_command(action) for action in ACTIONS.values()),
    Command("track", "follow orders until they are final, showing each change",
            track_orders, lambda parser: add_follow_arguments(parser, many=True), "status",
            waits=True),
    Command("wait", "wait until one order is final (exit 0 Completed, 4 otherwise)",
            wait_order, lambda parser: add_follow_arguments(parser, many=False), "status",
            waits=True),
    Command("panels", "list the panels in the config file (never their keys)", _panels),
)  # fmt: skip
"""Every subcommand: one per action of `ACTIONS`, then following orders and the config."""
