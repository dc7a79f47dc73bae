"""The smmpanel command: one subcommand per action, named panels, a simulator and a demo.

Output is readable by default and JSON with ``--json``; errors go to stderr (one JSON
object with ``--json``) and the exit code says what happened (see ``smmpanel --help``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from .. import ItemError, OutcomeUnknownError, ServiceList, SMMPanelError
from ._context import Context
from ._exits import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTCOME_UNKNOWN,
    EXIT_PARTIAL,
    EXIT_TIMEOUT,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    batch_exit,
    exit_code,
)
from ._explain import Explained, explain, interrupted
from ._output import Exit, as_json, readable
from ._parser import build_parser, parse

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OUTCOME_UNKNOWN",
    "EXIT_PARTIAL",
    "EXIT_TIMEOUT",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "main",
]


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Run the command line; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["simulate"]:
        from ..testing import run_simulator

        return run_simulator(args_list[1:], prog="smmpanel simulate")
    streams = (stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr)
    wants_json = "--json" in args_list[: _end_of_options(args_list)]
    context: Context | None = None
    try:
        if args_list[:1] == ["demo"]:
            from ..demo import main as demo

            return demo(args_list[1:])
        args = parse(args_list)
        context = Context(args, *streams, env=dict(os.environ if env is None else env))
        return _run(context)
    except KeyboardInterrupt:
        flight = context.in_flight if context is not None else None
        _report(interrupted(*flight) if flight else interrupted(None, None), wants_json, streams)
        return EXIT_INTERRUPTED
    except SMMPanelError as error:
        return _failed(error, context, wants_json, streams)
    except BrokenPipeError:  # e.g. `smmpanel services | head`: the reader has gone
        _silence_stdout()
        return EXIT_OK
    except SystemExit as leaving:  # --help and --version
        return leaving.code if isinstance(leaving.code, int) else EXIT_OK
    finally:
        if context is not None:
            context.close()


def _run(context: Context) -> int:
    spec = getattr(context.args, "command_spec", None)
    if spec is None:
        build_parser().print_help(context.stderr)
        return EXIT_USAGE
    result = spec.run(context)
    if isinstance(result, Exit):
        if result.result is not None:
            _print(context, result.result)
        return result.code
    _print(context, result)
    failed, total = failures(result)
    if failed and isinstance(result, ServiceList):
        context.warn(f"{failed} of the panel's {total} catalog entries could not be read")
    elif failed:
        context.warn(f"{failed} of {total} refused or unreadable")
    return batch_exit(failed, total)


def _print(context: Context, result: object) -> None:
    if context.json:
        data = getattr(result, "data", result)
        text = as_json(data)
    else:
        text = readable(result, context.width())
    if text:
        print(text, file=context.stdout, flush=True)


def failures(result: object) -> tuple[int, int]:
    """How many items of a batch result were refused or unreadable, and of how many."""
    if isinstance(result, ServiceList):
        return len(result.invalid), len(result) + len(result.invalid)
    if isinstance(result, dict):
        items = list(result.values())
    elif isinstance(result, list):
        items = result
    else:
        return 0, 1
    failed = sum(isinstance(i, ItemError) or getattr(i, "ok", True) is False for i in items)
    return failed, len(items)


def _failed(
    error: SMMPanelError,
    context: Context | None,
    wants_json: bool,
    streams: tuple[TextIO, TextIO, TextIO],
) -> int:
    spec = getattr(context.args, "command_spec", None) if context else None
    url = context.target.url if context and context.target else None
    if isinstance(error, OutcomeUnknownError) and error.completed and context is not None:
        _print(context, error.completed)  # the batches that did finish
    _report(explain(error, action=spec.action if spec else None, url=url), wants_json, streams)
    return exit_code(error)


def _report(explained: Explained, wants_json: bool, streams: tuple[TextIO, TextIO, TextIO]) -> None:
    text = as_json(explained.as_json(), indent=None) if wants_json else explained.as_text()
    print(text, file=streams[2], flush=True)


def _silence_stdout() -> None:
    # Python would otherwise report the broken pipe again when it flushes at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _end_of_options(args: list[str]) -> int:
    return args.index("--") if "--" in args else len(args)
