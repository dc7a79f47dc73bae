"""Named panels from ``$XDG_CONFIG_HOME/smmpanel/config.toml``, and which url and key a
command uses: flags first, then the environment, then the config file.

The file::

    default = "shop"

    [panels.shop]
    url = "https://shop.example/api/v2"
    key_env = "SHOP_KEY"          # or: key = "..." (keep the file private: chmod 600)
"""

from __future__ import annotations

import importlib
import os
import re
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._exits import UsageError

PANEL_ENV = "SMMPANEL_PANEL"
URL_ENV = "SMMPANEL_API_URL"
KEY_ENV = "SMMPANEL_API_KEY"
_PROFILE_FIELDS = frozenset({"url", "key", "key_env", "insecure_http"})


@dataclass(frozen=True)
class Profile:
    """One ``[panels.NAME]`` table; `key` is resolved from `key_env` when that is used."""

    name: str
    url: str
    key: str | None
    key_env: str | None
    insecure_http: bool = False

    def describe_key(self) -> str:
        """Where the key comes from, never the key itself."""
        if self.key_env is None:
            return "in the config file"
        state = "set" if self.key is not None else "not set"
        return f"${self.key_env} ({state})"


@dataclass(frozen=True)
class Config:
    """The parsed config file: its path, default panel name and profiles."""

    path: Path
    default: str | None
    panels: dict[str, Profile]


@dataclass(frozen=True)
class Target:
    """The panel a command talks to, and where its settings came from."""

    url: str | None
    key: str | None
    panel: str | None = None
    insecure_http: bool = False


def config_path(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/smmpanel/config.toml``, by default under ``~/.config``."""
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "smmpanel" / "config.toml"


def load_config(
    path: Path, env: Mapping[str, str], warn: Callable[[str], None] | None = None
) -> Config:
    """Read and check the config file; errors name the file and, where known, the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no config file at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the config file {path}: {exc}") from None
    toml = _toml()
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {exc}") from None
    config = _read_config(path, text, data, env)
    if warn is not None and any(p.key_env is None for p in config.panels.values()):
        _warn_if_shared(path, warn)
    return config


def resolve(
    *,
    url: str | None,
    key: str | None,
    panel: str | None,
    env: Mapping[str, str],
    warn: Callable[[str], None] | None = None,
) -> Target:
    """The url and key to use: ``--url``/``--key``/``--panel`` beat ``SMMPANEL_API_URL``,
    ``SMMPANEL_API_KEY`` and ``SMMPANEL_PANEL``, which beat the file's default panel.

    The config file is read only when a panel is named or a setting is still missing.
    """
    named = panel or env.get(PANEL_ENV) or None
    env_url, env_key = env.get(URL_ENV) or None, env.get(KEY_ENV) or None
    if named is None and (url or env_url) and (key or env_key):
        return Target(url or env_url, key or env_key)
    path = config_path(env)
    if named is None and not path.exists():
        return Target(url or env_url, key or env_key)
    config = load_config(path, env, warn)
    name = named or config.default
    if name is None:
        return Target(url or env_url, key or env_key)
    profile = _profile(config, name, "--panel" if panel else PANEL_ENV if named else "default")
    # An explicit --panel is a flag, so it beats the environment; SMMPANEL_PANEL and the
    # file's default are weaker than SMMPANEL_API_URL and SMMPANEL_API_KEY.
    env_url, env_key = (None, None) if panel else (env_url, env_key)
    url_from = "--url" if url else URL_ENV if env_url else "profile"
    key_from = "--key" if key else KEY_ENV if env_key else "profile"
    _check_pairing(profile, url_from, key_from)
    chosen = (url or env_url or profile.url, key or env_key or profile.key)
    if chosen[1] is None and profile.key_env is not None:
        raise UsageError(
            f"{config.path}: [panels.{profile.name}] takes its key from ${profile.key_env},"
            " which is not set"
        )
    return Target(chosen[0], chosen[1], profile.name, profile.insecure_http)


def _check_pairing(profile: Profile, url_from: str, key_from: str) -> None:
    """Refuse to send one panel's key to another panel's url: a profile's key goes only
    to the profile's url, and a key from the environment only to a url given outside
    the config file."""
    if url_from != "profile" and key_from == "profile":
        raise UsageError(
            f"the url comes from {url_from} but the key would come from panel"
            f" {profile.name!r} of the config file: give the key the same way"
            f" (--key or {KEY_ENV}), or leave the url to the panel"
        )
    if url_from == "profile" and key_from == KEY_ENV:
        raise UsageError(
            f"{KEY_ENV} is set but the url comes from panel {profile.name!r} of the config"
            f" file: set {URL_ENV} too, or unset {KEY_ENV} to use the panel's own key"
        )


def _profile(config: Config, name: str, source: str) -> Profile:
    try:
        return config.panels[name]
    except KeyError:
        known = ", ".join(sorted(config.panels)) or "none"
        raise UsageError(
            f"no panel {name!r} (from {source}) in {config.path}; its panels: {known}"
        ) from None


def _read_config(path: Path, text: str, data: dict[str, Any], env: Mapping[str, str]) -> Config:
    default = data.get("default")
    if default is not None and not isinstance(default, str):
        raise UsageError(f"{path}, line {_line_of(text, 'default')}: default must be a name")
    panels = data.get("panels", {})
    if not isinstance(panels, dict):
        raise UsageError(f"{path}: panels must be tables such as [panels.shop]")
    profiles = {name: _read_profile(path, text, name, table, env) for name, table in panels.items()}
    if default is not None and default not in profiles:
        raise UsageError(
            f"{path}, line {_line_of(text, 'default')}: default {default!r} is not"
            f" one of its panels ({', '.join(sorted(profiles)) or 'none'})"
        )
    return Config(path, default, profiles)


def _read_profile(
    path: Path, text: str, name: str, table: object, env: Mapping[str, str]
) -> Profile:
    where = f"{path}, line {_line_of(text, f'[panels.{name}]')}: [panels.{name}]"
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table with url and key or key_env")
    unknown = sorted(set(table) - _PROFILE_FIELDS)
    if unknown:
        raise UsageError(f"{where} has unknown settings {unknown} (known: url, key, key_env)")
    url, key, key_env = table.get("url"), table.get("key"), table.get("key_env")
    if not isinstance(url, str) or not url:
        raise UsageError(f'{where} needs url = "https://..."')
    if (key is None) == (key_env is None):
        raise UsageError(f"{where} needs exactly one of key or key_env")
    if not isinstance(key or key_env, str) or not (key or key_env):
        raise UsageError(f"{where}: key and key_env must be non-empty text")
    insecure = table.get("insecure_http", False)
    if not isinstance(insecure, bool):
        raise UsageError(f"{where}: insecure_http must be true or false")
    if key_env is not None:
        key = env.get(key_env) or None
    return Profile(name, url, key, key_env, insecure)


def _line_of(text: str, needle: str) -> int | str:
    pattern = re.compile(r"^\s*" + re.escape(needle).replace(r"\.", r"\s*\.\s*"))
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return "?"


def _warn_if_shared(path: Path, warn: Callable[[str], None]) -> None:
    if os.name != "posix":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        warn(
            f"{path} holds an api key and can be read by others (mode {mode:o});"
            f" run: chmod 600 {path}"
        )


def _toml() -> Any:
    # tomllib is in the standard library from 3.11; on 3.10 the `cli` extra brings tomli.
    name = "tomllib" if sys.version_info >= (3, 11) else "tomli"
    try:
        return importlib.import_module(name)
    except ImportError:
        raise UsageError(
            "reading config.toml on Python 3.10 needs tomli: pip install 'smmpanel[cli]'"
        ) from None
