"""A FakePanel in the foreground on a real-time clock, for demos and manual testing."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType
from typing import Any

from ._dialect import DIALECTS
from ._ledger import RecordedRequest
from ._panel import FakePanel

__all__ = ["run_simulator"]

DEFAULT_PORT = 8765


def _parser(prog: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or "python -m smmpanel.testing",
        description="Run a simulated SMM panel (API v2) on a local port until Ctrl-C.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port, 0 for a free one ({DEFAULT_PORT})"
    )
    parser.add_argument("--path", default="/api/v2", help="API path (/api/v2)")
    parser.add_argument("--api-key", default=None, help="key to accept (random by default)")
    parser.add_argument(
        "--dialect", default="canonical", choices=DIALECTS, help="answer dialect (canonical)"
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, help="clock speed, 60 makes a minute pass per second"
    )
    parser.add_argument("--balance", default="100.00", help="starting balance (100.00)")
    parser.add_argument("--currency", default="USD", help="account currency (USD)")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds to wait before each answer (0)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not print each request")
    return parser


def _describe(request: RecordedRequest) -> str:
    status = "no answer" if request.status_code is None else str(request.status_code)
    shown = " ".join(f"{k}={v}" for k, v in request.params.items() if k != "action")
    if len(shown) > 60:
        shown = shown[:57] + "..."
    fault = f" [{request.fault}]" if request.fault else ""
    key = "" if request.key_ok else " (bad key)"
    when = time.strftime("%H:%M:%S")
    action = request.action or request.path
    return f"{when}  {request.method} {action:<14} {status:>9}{fault}{key}  {shown}".rstrip()


def run_simulator(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Run a FakePanel until Ctrl-C (or SIGTERM); returns the exit status.

    ``argv`` defaults to ``sys.argv[1:]``; see ``python -m smmpanel.testing --help``.
    """
    args = _parser(prog).parse_args(argv)
    if not args.speed > 0:
        print("error: --speed must be positive", file=sys.stderr)
        return 2
    try:
        panel = FakePanel(
            api_key=args.api_key,
            host=args.host,
            port=args.port,
            path=args.path,
            balance=args.balance,
            currency=args.currency,
            dialect=args.dialect,
            realtime=True,
            speed=args.speed,
            latency=args.latency,
        )
        panel.start()
    except (OSError, OverflowError, ValueError) as error:
        print(f"error: cannot start the simulated panel: {error}", file=sys.stderr)
        return 1
    _serve_until_stopped(panel, args.speed, quiet=args.quiet)
    print("stopped", flush=True)
    return 0


def _serve_until_stopped(panel: FakePanel, speed: float, *, quiet: bool) -> None:
    """Print where the panel is, then its requests, until Ctrl-C or SIGTERM; stop it."""
    stop = threading.Event()
    previous: Any = None
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:

        def on_term(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = signal.signal(signal.SIGTERM, on_term)
    seen = 0

    def show_requests() -> None:
        nonlocal seen
        requests = panel.ledger.requests
        for request in requests[seen:]:
            print(_describe(request), flush=True)
        seen = len(requests)

    try:
        print(f"Simulated SMM panel (dialect {panel.dialect.name}, speed x{speed:g})")
        print(f"url: {panel.url}")
        print(f"key: {panel.api_key}")
        print(f"export SMMPANEL_API_URL={panel.url} SMMPANEL_API_KEY={panel.api_key}")
        print("Press Ctrl-C to stop.", flush=True)
        while not stop.wait(0.2):
            if not quiet:
                show_requests()
    except KeyboardInterrupt:
        pass
    finally:
        panel.stop()
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    if not quiet:
        show_requests()
