"""What a command runs with: its arguments, streams, the panel it talks to, and which
write (if any) is in flight, so that Ctrl-C can say it may have reached the panel."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

from .. import Client
from ._config import Target, resolve
from ._output import as_json

_LOGGER = "smmpanel"


@dataclass
class Context:
    """One run of the command."""

    args: argparse.Namespace
    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    target: Target | None = None
    in_flight: tuple[str, dict[str, str]] | None = None
    _client: Client | None = None
    _log_handler: logging.Handler | None = None

    @property
    def json(self) -> bool:
        """Whether results and errors are printed as JSON."""
        return bool(getattr(self.args, "json", False))

    def client(self) -> Client:
        """The client for the chosen panel, made on first use."""
        if self._client is None:
            self.target = resolve(
                url=self.args.url,
                key=self.args.key,
                panel=self.args.panel,
                env=self.env,
                warn=self.warn,
            )
            self._start_logging()
            # For track and wait, --timeout limits the whole wait, not each request.
            waits = getattr(getattr(self.args, "command_spec", None), "waits", False)
            limit = None if waits else self.args.timeout
            timeout = {} if limit is None else {"timeout": limit}
            self._client = Client(
                self.target.url or "",
                self.target.key or "",
                allow_insecure_http=self.args.insecure_http or self.target.insecure_http,
                **timeout,
            )
            if self.args.verbose:
                source = f"panel {self.target.panel!r}" if self.target.panel else "url"
                self.note(f"{source}: {self._client.api_url}")
        return self._client

    @contextmanager
    def sending(self, action: str, params: Mapping[str, object]) -> Iterator[None]:
        """Mark a write to the panel as in flight while the block runs."""
        shown = {name: str(value) for name, value in params.items() if value is not None}
        self.in_flight = (action, shown)
        yield  # left set when the block raises: Ctrl-C reports what may have been sent
        self.in_flight = None

    def warn(self, message: str) -> None:
        """A warning on stderr (a JSON line with ``--json``)."""
        if self.json:
            print(as_json({"warning": message}, indent=None), file=self.stderr, flush=True)
        else:
            print(f"warning: {message}", file=self.stderr, flush=True)

    def note(self, message: str) -> None:
        """A plain line on stderr, for people."""
        print(f"smmpanel: {message}", file=self.stderr, flush=True)

    def width(self) -> int | None:
        """The terminal's width when stdout is a terminal (or ``COLUMNS`` is set)."""
        if "COLUMNS" in self.env or self.stdout.isatty():
            return shutil.get_terminal_size().columns
        return None

    def close(self) -> None:
        """Close the client and stop verbose logging."""
        if self._client is not None:
            self._client.close()
        if self._log_handler is not None:
            logger = logging.getLogger(_LOGGER)
            logger.removeHandler(self._log_handler)
            logger.setLevel(logging.NOTSET)

    def _start_logging(self) -> None:
        if not self.args.verbose or self._log_handler is not None:
            return
        # The library logs each attempt (DEBUG) and each retry (INFO), never the key.
        handler = logging.StreamHandler(self.stderr)
        handler.setFormatter(logging.Formatter("smmpanel: %(message)s"))
        logger = logging.getLogger(_LOGGER)
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        self._log_handler = handler
