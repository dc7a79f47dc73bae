"""Running the smmpanel command as a subprocess, with a clean environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass
class Ran:
    """One finished run of the command."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Stdout read as JSON."""
        return json.loads(self.out)

    def error(self) -> dict[str, Any]:
        """The ``{"error": {...}}`` object printed on stderr with ``--json``."""
        value: dict[str, Any] = json.loads(self.err.strip().splitlines()[-1])["error"]
        return value


class Command:
    """Runs ``python -m smmpanel`` with a clean environment pointing at one panel."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def argv(self, *args: str) -> list[str]:
        """The full command line."""
        return [sys.executable, "-m", "smmpanel", *args]

    def __call__(self, *args: str, stdin: str = "", **env: str) -> Ran:
        result = subprocess.run(
            self.argv(*args),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=30,
            env={**self.env, **env},
            check=False,
        )
        return Ran(result.returncode, result.stdout, result.stderr)


def clean_env(tmp_path: Path) -> dict[str, str]:
    """The environment without the developer's panel settings or config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMMPANEL_")}
    env.pop("COLUMNS", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return env
