"""Helpers for checking errors, shared by the test folders: the exceptions behind an
error, and the api key in every form it could leak in."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from smmpanel import SMMPanelError

# --- the api key, in every form it could leak in --------------------------------------------


def secret_forms(key: str) -> list[str]:
    """The key as sent, url-encoded both ways, JSON-escaped (PHP style too), and a
    distinctive middle part in case something cut it."""
    in_json = json.dumps(key)[1:-1]
    middle = key[len(key) // 4 : len(key) // 4 + 12]
    forms = {key, quote_plus(key), quote(key, safe=""), in_json, in_json.replace("/", "\\/")}
    forms.update({middle, quote_plus(middle)})
    return sorted(forms)


def chain(error: BaseException) -> Iterator[BaseException]:
    """`error` and every exception behind it (``__cause__`` and ``__context__``)."""
    seen: set[int] = set()
    todo = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def texts_of_error(error: BaseException) -> list[str]:
    """Every text a user could see of an exception and those behind it."""
    texts: list[str] = []
    for current in chain(error):
        texts += [str(current), repr(current), repr(current.args)]
        for name in ("body", "message", "reason", "params", "completed", "retry_after"):
            if hasattr(current, name):
                texts.append(repr(getattr(current, name)))
    return texts


def assert_no_secret(texts: list[str], key: str, where: str) -> None:
    forms = secret_forms(key)
    for text in texts:
        for form in forms:
            assert form not in text, f"the api key ({form!r}) leaked in {where}: {text[:300]!r}"


class Witness:
    """Runs calls, keeping every result and every exception for the checks at the end."""

    def __init__(self) -> None:
        self.results: list[Any] = []
        self.errors: list[BaseException] = []

    def __call__(self, call: Callable[[], Any], expected: type[BaseException] | None = None) -> Any:
        error: SMMPanelError | None = None
        try:
            result = call()
        except SMMPanelError as raised:
            error = raised
        if error is None:
            assert expected is None, f"expected {expected}, got {result!r}"
            self.results.append(result)
            return result
        self.errors.append(error)
        if expected is not None:
            assert isinstance(error, expected), f"{type(error).__name__}: {error}"
        return error

    def check(self, caplog: pytest.LogCaptureFixture, *keys: str) -> None:
        for key in keys:
            for error in self.errors:
                assert_no_secret(texts_of_error(error), key, f"{type(error).__name__}")
            assert_no_secret([repr(r) for r in self.results], key, "a result")
            assert_no_secret([str(r) for r in self.results], key, "a result")
            assert_no_secret(log_texts(caplog), key, "the logs")


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every text of every captured log record, with its traceback if any."""
    texts = []
    for record in caplog.records:
        texts += [record.getMessage(), str(record.msg), repr(record.args)]
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
    return texts
