"""The argument parser: global options (accepted before or after the subcommand) and one
subparser per command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, NoReturn

from .. import __version__
from ._commands import COMMANDS
from ._exits import EXIT_CODES_HELP, UsageError
from ._values import seconds

DESCRIPTION = """\
The smmpanel command: one subcommand per action of the SMM panel API v2.

The panel comes from --url/--key, --panel NAME (a profile in
$XDG_CONFIG_HOME/smmpanel/config.toml), or SMMPANEL_API_URL and SMMPANEL_API_KEY.
Output is readable by default and JSON with --json. Commands that take ids accept
"-" to read them from stdin, one per line or comma-separated."""


TIMEOUT_HELP = "seconds to wait for the panel's answer (for track and wait: see their help)"
WAIT_TIMEOUT_HELP = (
    "give up after this many seconds with exit 6 if the orders are not final (default: no limit)"
)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are raised as `UsageError`, so that ``--json``
    can report them as JSON."""

    def error(self, message: str) -> NoReturn:
        """Raise the parse error instead of printing it and exiting."""
        raise UsageError(f"{self.prog}: {message}")


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line; raises `UsageError` for a bad one."""
    return build_parser().parse_args(argv)


def build_parser() -> Parser:
    """The whole parser, with the exit codes in its help."""
    parser = Parser(
        prog="smmpanel",
        description=DESCRIPTION,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"smmpanel {__version__}")
    _add_options(parser, suppress=False)
    # The same options after the subcommand, without defaults that would hide the ones
    # given before it.
    options = Parser(add_help=False, argument_default=argparse.SUPPRESS)
    _add_options(options, suppress=True)
    waiting = Parser(add_help=False, argument_default=argparse.SUPPRESS)
    _add_options(waiting, suppress=True, timeout_help=WAIT_TIMEOUT_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            parents=[waiting if command.waits else options],
            epilog=EXIT_CODES_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(command_spec=command)
        command.arguments(sub)
    commands.add_parser("simulate", help="run a simulated panel on this machine")
    commands.add_parser("demo", help="a guided tour of every action against a simulated panel")
    return parser


def _add_options(
    parser: argparse.ArgumentParser, *, suppress: bool, timeout_help: str = TIMEOUT_HELP
) -> None:
    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument("--url", default=default(None), help="the api url ($SMMPANEL_API_URL)")
    parser.add_argument(
        "--key",
        default=default(None),
        help="the api key ($SMMPANEL_API_KEY; a flag shows in the process list)",
    )
    parser.add_argument(
        "--panel", default=default(None), help="a panel from the config file ($SMMPANEL_PANEL)"
    )
    parser.add_argument("--json", action="store_true", default=default(False), help="print JSON")
    parser.add_argument(
        "--timeout", type=seconds, default=default(None), metavar="SECONDS", help=timeout_help
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="show each request and retry on stderr (never the key)",
    )
    parser.add_argument(
        "--insecure-http",
        action="store_true",
        default=default(False),
        help="allow a plain http:// panel (the key is sent unencrypted)",
    )
