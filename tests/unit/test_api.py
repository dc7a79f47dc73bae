"""The public API, pinned: what `smmpanel` exports, that the helpers behind it stay
private, and that every action of the table has a sample call in the tests."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from actions_support import SAMPLES

import smmpanel
from smmpanel import ResponseError
from smmpanel._actions import ACTIONS

PUBLIC = [
    "APIError",
    "AuthenticationError",
    "Balance",
    "CancelResult",
    "CancelResults",
    "CatalogDiff",
    "Client",
    "ConfigurationError",
    "Id",
    "InsecureTransportWarning",
    "InsufficientFundsError",
    "InvalidArgumentError",
    "ItemError",
    "OrderCreated",
    "OrderStatus",
    "OrderTracker",
    "OutcomeUnknownError",
    "PriceChange",
    "RateLimitError",
    "RefillCreated",
    "RefillResult",
    "RefillResults",
    "RefillStatus",
    "RefillStatusResult",
    "RefillStatusResults",
    "ResponseError",
    "ResultList",
    "RetryPolicy",
    "SMMPanelError",
    "Service",
    "ServiceChange",
    "ServiceList",
    "Status",
    "StatusChange",
    "StatusMap",
    "TransportError",
    "WaitTimeout",
    "__version__",
]
HELPERS = ("decode", "parse_decimal", "shorten", "forget_key")
PACKAGE = Path(smmpanel.__file__).parent


def test_the_package_exports_exactly_the_public_api() -> None:
    assert sorted(smmpanel.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(smmpanel, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from smmpanel import *", namespace)
    assert sorted(name for name in namespace if name != "__builtins__") == PUBLIC


@pytest.mark.parametrize("module", ["smmpanel", "smmpanel.testing", "smmpanel.cli"])
def test_no_public_module_exposes_a_helper(module: str) -> None:
    imported = importlib.import_module(module)
    assert [name for name in HELPERS if hasattr(imported, name)] == []
    assert [name for name in HELPERS if name in getattr(imported, "__all__", [])] == []


def test_every_private_core_module_declares_its_exports() -> None:
    for path in sorted(PACKAGE.glob("_*.py")):
        if path.name.startswith("__"):
            continue
        module = importlib.import_module(f"smmpanel.{path.stem}")
        assert isinstance(getattr(module, "__all__", None), list), path.name
        for name in module.__all__:
            assert hasattr(module, name), f"{path.name} exports {name}, which it lacks"


def test_a_response_error_has_no_transient_flag() -> None:
    assert not hasattr(ResponseError, "transient")
    assert not hasattr(ResponseError("x", status_code=500, body=""), "transient")


def test_every_action_is_the_one_the_tests_expect() -> None:
    assert set(SAMPLES) == set(ACTIONS), "add a Sample to tests/actions_support.py"
    for method, action in ACTIONS.items():
        sample = SAMPLES[method]
        assert callable(getattr(smmpanel.Client, method)), method
        assert action.method == method
        assert (action.name, action.idempotent) == (sample.action, not sample.write), method
        assert action.batch is (sample.by_ids is not None), method
        if action.id_field is not None:  # the sample sends the id field the table names
            assert action.id_field in sample.form, method
