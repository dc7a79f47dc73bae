"""Every action of `smmpanel._actions.ACTIONS`, with a sample call and the answer a
well-behaved panel gives it: the one list of calls all the test folders share.

A new row in ACTIONS needs a sample here; `test_api.py` fails until it has one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smmpanel import Client
from smmpanel._actions import ACTIONS, Action

LINK = "https://instagram.com/p/very-private-link-7f3a"

SEED_SERVICES = [
    {
        "service": 1,
        "name": "Followers",
        "type": "Default",
        "category": "First Category",
        "rate": "0.90",
        "min": "50",
        "max": "10000",
        "refill": True,
        "cancel": True,
    },
    {
        "service": 2,
        "name": "Comments",
        "type": "Custom Comments",
        "category": "Second Category",
        "rate": "8",
        "min": "10",
        "max": "1500",
        "refill": False,
        "cancel": True,
    },
]
SEED_STATUS = {
    "charge": "0.27819",
    "start_count": "3572",
    "status": "Partial",
    "remains": "157",
    "currency": "USD",
}
SEED_BALANCE = {"balance": "100.84292", "currency": "USD"}


def statuses_answer(ids: list[str]) -> Any:
    """Each order's status, with `remains` set to its id so a result shows where it landed."""
    return {order: {**SEED_STATUS, "remains": order, "status": "In progress"} for order in ids}


def refills_answer(ids: list[str]) -> Any:
    return [{"order": int(order), "refill": 1000 + int(order)} for order in ids]


def refill_statuses_answer(ids: list[str]) -> Any:
    return [{"refill": int(refill), "status": "Completed"} for refill in ids]


def cancel_answer(ids: list[str]) -> Any:
    return [{"order": int(order), "cancel": 1} for order in ids]


@dataclass(frozen=True)
class Sample:
    """How to call one action on ids 1 and 2, what it sends, and the panel's good answer."""

    args: tuple[Any, ...]
    form: dict[str, str]  # the fields sent besides key and action
    answer: Any  # the good answer (as JSON) to this very call
    by_ids: Callable[[list[str]], Any] | None = None  # batches: the good answer for any ids


def _batch(by_ids: Callable[[list[str]], Any], field: str) -> Sample:
    return Sample(([1, 2],), {field: "1,2"}, by_ids(["1", "2"]), by_ids)


SAMPLES: dict[str, Sample] = {
    "services": Sample((), {}, SEED_SERVICES),
    "balance": Sample((), {}, SEED_BALANCE),
    "add": Sample(
        (1, LINK, 100), {"service": "1", "link": LINK, "quantity": "100"}, {"order": 23501}
    ),
    "status": Sample((1,), {"order": "1"}, SEED_STATUS),
    "statuses": _batch(statuses_answer, "orders"),
    "refill": Sample((1,), {"order": "1"}, {"refill": 1}),
    "refills": _batch(refills_answer, "orders"),
    "refill_status": Sample((1,), {"refill": "1"}, {"status": "Completed"}),
    "refill_statuses": _batch(refill_statuses_answer, "refills"),
    "cancel": _batch(cancel_answer, "orders"),
}

METHODS = list(ACTIONS)
"""Every `Client` method that sends an action."""
READS = [method for method, action in ACTIONS.items() if action.idempotent]
WRITES = [method for method, action in ACTIONS.items() if not action.idempotent]
BATCHES = [method for method, action in ACTIONS.items() if action.batch]
SINGLES = [method for method, action in ACTIONS.items() if not action.batch]


def action(method: str) -> Action[object]:
    return ACTIONS[method]


def wire_name(method: str) -> str:
    """The wire's action name for `method` ("statuses" sends "status")."""
    return ACTIONS[method].name


def call(client: Client, method: str, *args: Any) -> Any:
    """Call `method` on `client` with `args`, or with its sample arguments."""
    return getattr(client, method)(*(args or SAMPLES[method].args))


def caller(method: str) -> Callable[[Client], Any]:
    """`call` of `method` with its sample arguments, as a function of the client."""
    return lambda client: call(client, method)
