"""The command's parsing, formatting and configuration helpers, tested in-process."""

from __future__ import annotations

import argparse
import io
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from smmpanel import (
    APIError,
    ConfigurationError,
    InvalidArgumentError,
    OutcomeUnknownError,
    ResponseError,
    Service,
    ServiceList,
    TransportError,
)
from smmpanel.cli._catalog import load_catalog, save_catalog, select
from smmpanel.cli._config import Target, resolve
from smmpanel.cli._context import Context
from smmpanel.cli._exits import Declined, UsageError, batch_exit, exit_code
from smmpanel.cli._explain import interrupted, network_message, response_hint
from smmpanel.cli._order import confirm
from smmpanel.cli._output import ELLIPSIS, table
from smmpanel.cli._values import split_ids

URL = "https://panel.example/api/v2"


# --- output --------------------------------------------------------------------------

cells = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=40)


@given(rows=st.lists(st.lists(cells, min_size=9, max_size=9), min_size=1, max_size=5))
def test_a_table_fits_any_width_its_cuttable_columns_allow(rows: list[list[str]]) -> None:
    headers = ["ID", "NAME", "CATEGORY", "TYPE", "R", "M", "F", "C", "D"]
    columns = list(zip(headers, *rows, strict=True))
    fixed = sum(max(len(cell) for cell in column) for column in columns[4:])
    fixed += max(len(cell) for cell in columns[0])
    width = fixed + 2 * 8 + 10 + 6 + 5
    lines = table(headers, rows, width).splitlines()
    assert all(len(line) <= width for line in lines)
    for row, line in zip(rows, lines[1:], strict=True):
        assert line.startswith(row[0])
        name = line.split()[1]
        assert name == row[1] or (name.endswith(ELLIPSIS) and row[1].startswith(name[:-1]))


@given(
    st.lists(st.one_of(st.integers(1, 10**12), cells), max_size=30),
    st.sampled_from([",", "\n", " ,\n"]),
)
def test_ids_read_back_whatever_the_separator(ids: list[int | str], separator: str) -> None:
    text = separator.join(str(i) for i in ids)
    expected = [int(i) if str(i).isdigit() else i for i in ids]
    assert split_ids(io.StringIO(text)) == expected


# --- exit codes and messages ---------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (APIError("Incorrect order ID"), 1),
        (Declined("no"), 1),
        (UsageError("bad"), 2),
        (ConfigurationError("no url"), 2),
        (InvalidArgumentError("quantity"), 2),
        (OutcomeUnknownError("add", {"service": "1"}, "lost"), 3),
        (TransportError("down"), 5),
        (ResponseError("html"), 5),
        (KeyboardInterrupt(), 130),
    ],
)
def test_exit_codes(error: BaseException, code: int) -> None:
    assert exit_code(error) == code


def test_batch_exit() -> None:
    assert [batch_exit(0, 3), batch_exit(1, 3), batch_exit(3, 3), batch_exit(0, 0)] == [0, 4, 1, 0]


def test_network_message_names_the_host_and_attempts() -> None:
    error = TransportError("status: the panel did not answer in time")
    error.__cause__ = requests.exceptions.ReadTimeout("read timed out")
    error.attempts = 3
    assert (
        network_message(error, URL) == "panel.example:443 did not answer in time after 3 attempts"
    )


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (404, "Not Found", "API path"),
        (200, "<!DOCTYPE html><title>Login</title>", "login or firewall page"),
        (200, '{"odd": 1}', None),
        (500, "<html><h1>Internal Server Error</h1></html>", "server failed"),
    ],
)
def test_response_hints(status: int, body: str, expected: str | None) -> None:
    hint = response_hint(ResponseError("unreadable", status_code=status, body=body))
    assert hint == expected or (expected is not None and expected in (hint or ""))


def test_interrupt_says_what_may_have_reached_the_panel() -> None:
    assert "no order" in interrupted(None, None).message
    told = interrupted("add", {"service": "1", "quantity": "100"})
    assert "may have received 'add'" in told.message
    assert told.as_json()["error"]["action"] == "add"
    assert "smmpanel statuses" not in told.as_text()  # the lost answer held the order's id
    assert "orders page" in told.as_text()


# --- profiles ------------------------------------------------------------------------


def write_config(tmp_path: Path, text: str, mode: int = 0o600) -> dict[str, str]:
    path = tmp_path / "smmpanel" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return {"XDG_CONFIG_HOME": str(tmp_path)}


PROFILES = """default = "a"
[panels.a]
url = "https://a.example/api/v2"
key = "key-a"
[panels.b]
url = "https://b.example/api/v2"
key_env = "B_KEY"
"""


@pytest.mark.parametrize(
    ("flags", "env", "expected"),
    [
        ({}, {}, Target("https://a.example/api/v2", "key-a", "a")),
        ({"panel": "b"}, {"B_KEY": "kb", "SMMPANEL_API_URL": "https://env"},
         Target("https://b.example/api/v2", "kb", "b")),
        ({}, {"SMMPANEL_PANEL": "b", "B_KEY": "kb"}, Target("https://b.example/api/v2", "kb", "b")),
        ({}, {"SMMPANEL_API_URL": "https://env", "SMMPANEL_API_KEY": "ke"},
         Target("https://env", "ke")),
        ({"url": "https://flag", "key": "kf"}, {"SMMPANEL_API_URL": "https://env"},
         Target("https://flag", "kf")),
        ({"panel": "a", "key": "kf"}, {}, Target("https://a.example/api/v2", "kf", "a")),
    ],
)  # fmt: skip
def test_flags_beat_environment_beat_config(
    tmp_path: Path, flags: dict[str, str], env: dict[str, str], expected: Target
) -> None:
    env = {**write_config(tmp_path, PROFILES), **env}
    options = {"url": None, "key": None, "panel": None, **flags}
    assert resolve(**options, env=env) == expected


@pytest.mark.parametrize(
    ("flags", "env"),
    [
        ({}, {"SMMPANEL_API_URL": "https://elsewhere.example/api/v2"}),
        ({"url": "https://elsewhere.example/api/v2"}, {}),
        ({}, {"SMMPANEL_API_KEY": "a-key-meant-for-another-panel"}),
    ],
)
def test_one_panels_key_is_never_paired_with_another_url(
    tmp_path: Path, flags: dict[str, str], env: dict[str, str]
) -> None:
    env = {**write_config(tmp_path, PROFILES), **env}
    options = {"url": None, "key": None, "panel": None, **flags}
    with pytest.raises(UsageError, match="url"):
        resolve(**options, env=env)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ('[panels.a]\nurl = "https://a"\nkey = \n', "line 3"),
        ('default = "a"\n\n[panels.a]\nkey = "k"\n', "line 3: [panels.a] needs url"),
        ('[panels.a]\nurl = "https://a"\nkey_env = "NOT_SET_HERE"\n', "$NOT_SET_HERE"),
    ],
)
def test_config_errors_name_the_file_and_line(tmp_path: Path, text: str, wanted: str) -> None:
    env = write_config(tmp_path, text)
    with pytest.raises(UsageError, match=r"config\.toml") as caught:
        resolve(url=None, key=None, panel="a", env=env)
    assert wanted in str(caught.value)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=f"no config file at {tmp_path}"):
        resolve(url=None, key=None, panel="a", env={"XDG_CONFIG_HOME": str(tmp_path)})


def test_a_key_in_a_file_others_can_read_is_warned_about(tmp_path: Path) -> None:
    warnings: list[str] = []
    env = write_config(tmp_path, PROFILES, mode=0o644)
    resolve(url=None, key=None, panel=None, env=env, warn=warnings.append)
    assert len(warnings) == 1
    assert "chmod 600" in warnings[0]
    assert "key-a" not in warnings[0]
    write_config(tmp_path, PROFILES, mode=0o600)
    resolve(url=None, key=None, panel=None, env=env, warn=warnings.append)
    assert len(warnings) == 1


# --- services and orders -------------------------------------------------------------

CATALOG = ServiceList(
    Service(service=n, name=name, category=category, type=kind, rate=Decimal(rate), min=1,
            max=100)
    for n, name, category, kind, rate in [
        (1, "Followers HQ", "Instagram Followers", "Default", "2.5"),
        (2, "Comments", "Instagram Comments", "Custom Comments", "9"),
        (3, "Followers cheap", "Instagram Followers", "Default", "0.4"),
    ]
)  # fmt: skip


def services_args(**given: object) -> argparse.Namespace:
    base = {"category": None, "search": None, "type": None, "max_rate": None, "sort": None}
    return argparse.Namespace(**{**base, **given})


def test_filters_ignore_case_and_sort() -> None:
    shown = select(CATALOG, services_args(category="instagram FOLLOWERS", sort="rate"))
    assert [s.service for s in shown] == [3, 1]
    assert [s.service for s in select(CATALOG, services_args(type="custom comments"))] == [2]
    assert [s.service for s in select(CATALOG, services_args(max_rate=Decimal("2.5")))] == [1, 3]
    assert [s.service for s in select(CATALOG, services_args(search="CHEAP"))] == [3]


def test_a_saved_catalog_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    save_catalog(CATALOG, str(path))
    assert load_catalog(str(path)) == CATALOG


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def order_context(stdin: io.StringIO, *, yes: bool = False) -> tuple[Context, io.StringIO]:
    stderr = io.StringIO()
    args = argparse.Namespace(yes=yes, link="https://x", quantity=100, runs=None, interval=None)
    return Context(args, stdin, io.StringIO(), stderr, env={}), stderr


@pytest.mark.parametrize(
    ("stdin", "yes", "asked", "placed"),
    [
        (Terminal("y\n"), False, True, True),
        (Terminal("\n"), False, True, False),
        (Terminal(""), True, False, True),
        (io.StringIO("n\n"), False, False, True),  # never asked off a terminal
    ],
)
def test_confirmation(stdin: io.StringIO, yes: bool, asked: bool, placed: bool) -> None:
    context, stderr = order_context(stdin, yes=yes)
    try:
        confirm(context, CATALOG[0])
        done = True
    except Declined:
        done = False
    assert done == placed
    assert ("Place this order?" in stderr.getvalue()) == asked
    assert ("quantity: 100" in stderr.getvalue()) == asked
