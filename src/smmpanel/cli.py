"""The smmpanel command: one subcommand per action, a simulator and a demo.

Output is readable by default and JSON with ``--json``. The panel comes from
``--url``/``SMMPANEL_API_URL`` and the key from ``SMMPANEL_API_KEY`` (or ``--key``, which
other users of the machine may see in the process list).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel

from . import __version__
from ._client import Client
from ._errors import InvalidArgumentError, OutcomeUnknownError, SMMPanelError
from ._models import ItemError, ServiceList

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_OUTCOME_UNKNOWN = 3
_OWN_ARGUMENTS = frozenset({"service", "link", "quantity", "runs", "interval", "key", "action"})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["simulate"]:
        from .testing import run_simulator

        return run_simulator(args_list[1:], prog="smmpanel simulate")
    try:
        if args_list[:1] == ["demo"]:
            from .demo import main as demo

            return demo(args_list[1:])
        parser = _parser()
        args = parser.parse_args(args_list)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        timeout = {} if args.timeout is None else {"timeout": args.timeout}
        with Client(args.url, args.key, **timeout) as client:
            result = args.run(client, args)
    except OutcomeUnknownError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_OUTCOME_UNKNOWN
    except SMMPanelError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(_as_json(result) if args.json else _readable(result))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smmpanel", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"smmpanel {__version__}")
    _add_options(parser, None)
    # The same options after the subcommand, without defaults that would hide the ones
    # given before it.
    options = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    _add_options(options, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, run: Callable[[Client, argparse.Namespace], Any], help: str) -> Any:
        sub = commands.add_parser(name, help=help, description=help, parents=[options])
        sub.set_defaults(run=run)
        return sub

    services = command("services", _services, "list the panel's services")
    services.add_argument("--category", help="only this category")
    services.add_argument("--search", help="only services whose name or category has this text")
    command("balance", lambda client, _: client.balance(), "show the balance")
    add = command("add", _add, "place an order (spends money)")
    add.add_argument("service")
    add.add_argument("link", nargs="?")
    add.add_argument("quantity", nargs="?", type=int)
    add.add_argument("--runs", type=int, help="drip-feed: how many runs")
    add.add_argument("--interval", type=int, help="drip-feed: minutes between runs")
    add.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other order parameter, e.g. comments='first\\nsecond'; repeatable",
    )
    for name, help_text in (
        ("status", "show one order's status"),
        ("refill", "ask for a refill of one order"),
        ("refill-status", "show one refill's status"),
    ):
        sub = command(name, _single(name.replace("-", "_")), help_text)
        sub.add_argument("id")
    for name, help_text in (
        ("statuses", "show the statuses of many orders"),
        ("refills", "ask for refills of many orders"),
        ("refill-statuses", "show the statuses of many refills"),
        ("cancel", "ask the panel to cancel orders"),
    ):
        sub = command(name, _multi(name.replace("-", "_")), help_text)
        sub.add_argument("ids", nargs="+", metavar="ID")
    commands.add_parser("simulate", help="run a simulated panel on this machine")
    commands.add_parser("demo", help="a guided tour of every action against a simulated panel")
    return parser


def _add_options(parser: argparse.ArgumentParser, default: Any) -> None:
    def given(value: Any) -> Any:
        return default if default is argparse.SUPPRESS else value

    parser.add_argument("--url", default=given(None), help="the api url ($SMMPANEL_API_URL)")
    parser.add_argument("--key", default=given(None), help="the api key ($SMMPANEL_API_KEY)")
    parser.add_argument("--json", action="store_true", default=given(False), help="print JSON")
    parser.add_argument(
        "--timeout", type=float, default=given(None), help="seconds to wait for the panel"
    )


def _services(client: Client, args: argparse.Namespace) -> ServiceList:
    services = client.services()
    if args.category:
        services = services.in_category(args.category)
    if args.search:
        services = services.search(args.search)
    return services


def _add(client: Client, args: argparse.Namespace) -> Any:
    extras: dict[str, Any] = {}
    for pair in args.param:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InvalidArgumentError(f"--param takes NAME=VALUE, not {pair!r}")
        if name in _OWN_ARGUMENTS:
            raise InvalidArgumentError(f"{name} has its own argument: not --param {name}=...")
        # Counts such as min=100 must arrive as numbers; the form sends them as text anyway.
        extras[name] = int(value) if _is_number(value) else value.replace("\\n", "\n")
    return client.add(
        args.service, args.link, args.quantity, runs=args.runs, interval=args.interval, **extras
    )


def _single(method: str) -> Callable[[Client, argparse.Namespace], Any]:
    def run(client: Client, args: argparse.Namespace) -> Any:
        return getattr(client, method)(_id(args.id))

    return run


def _multi(method: str) -> Callable[[Client, argparse.Namespace], Any]:
    def run(client: Client, args: argparse.Namespace) -> Any:
        ids = [_id(part) for text in args.ids for part in text.split(",") if part]
        return getattr(client, method)(ids)

    return run


def _id(text: str) -> int | str:
    return int(text) if _is_number(text) else text


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _as_json(result: Any) -> str:
    return json.dumps(_plain(result), indent=2, ensure_ascii=False)


def _readable(result: Any) -> str:
    if isinstance(result, ServiceList):
        rows = [
            [str(s.service), s.name, s.category, str(s.rate), f"{s.min}-{s.max}",
             "yes" if s.refill else "", "yes" if s.cancel else ""]
            for s in result
        ]  # fmt: skip
        return _table(["ID", "NAME", "CATEGORY", "RATE/1000", "MIN-MAX", "REFILL", "CANCEL"], rows)
    if isinstance(result, dict):
        return "\n".join(f"{key}: {_one_line(item)}" for key, item in result.items())
    if isinstance(result, list):
        return "\n".join(_one_line(item) for item in result)
    return _one_line(result)


def _one_line(value: Any) -> str:
    if isinstance(value, ItemError):
        return f"error: {value}"
    if isinstance(value, BaseModel):
        fields = {**dict(value), **(value.model_extra or {})}
        return "  ".join(f"{name}: {_one_line(item)}" for name, item in fields.items())
    return str(value)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max([len(cell) for cell in column], default=0)
        for column in zip(headers, *rows, strict=True)
    ]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    )
