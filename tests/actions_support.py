"""Every action of `smmpanel._actions.ACTIONS`, with a sample call and the answer a
well-behaved panel gives it: the one list of calls all the test folders share.

A new row in ACTIONS needs a sample here; `test_api.py` fails until it has one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smmpanel import Client

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
    """How to call one action on ids 1 and 2, what it sends, and the panel's good answer.

    `action` and `write` are what the tests expect, written out here rather than read
    from ACTIONS, so that a wrong row in the table fails the tests instead of steering them.
    """

    action: str  # the wire's action name
    write: bool  # sending it twice could act twice
    args: tuple[Any, ...]
    form: dict[str, str]  # the fields sent besides key and action
    answer: Any  # the good answer (as JSON) to this very call
    by_ids: Callable[[list[str]], Any] | None = None  # batches: the good answer for any ids


def _batch(action: str, write: bool, by_ids: Callable[[list[str]], Any], field: str) -> Sample:
    return Sample(action, write, ([1, 2],), {field: "1,2"}, by_ids(["1", "2"]), by_ids)


ADD_FORM = {"service": "1", "link": LINK, "quantity": "100"}
SAMPLES: dict[str, Sample] = {
    "services": Sample("services", False, (), {}, SEED_SERVICES),
    "balance": Sample("balance", False, (), {}, SEED_BALANCE),
    "add": Sample("add", True, (1, LINK, 100), ADD_FORM, {"order": 23501}),
    "status": Sample("status", False, (1,), {"order": "1"}, SEED_STATUS),
    "statuses": _batch("status", False, statuses_answer, "orders"),
    "refill": Sample("refill", True, (1,), {"order": "1"}, {"refill": 1}),
    "refills": _batch("refill", True, refills_answer, "orders"),
    "refill_status": Sample("refill_status", False, (1,), {"refill": "1"}, {"status": "Completed"}),
    "refill_statuses": _batch("refill_status", False, refill_statuses_answer, "refills"),
    "cancel": _batch("cancel", True, cancel_answer, "orders"),
}

METHODS = list(SAMPLES)
"""Every `Client` method that sends an action (the same as ACTIONS: see test_api.py)."""
READS = [method for method, sample in SAMPLES.items() if not sample.write]
WRITES = [method for method, sample in SAMPLES.items() if sample.write]
BATCHES = [method for method, sample in SAMPLES.items() if sample.by_ids is not None]
SINGLES = [method for method, sample in SAMPLES.items() if sample.by_ids is None]


def wire_name(method: str) -> str:
    """The wire's action name for `method` ("statuses" sends "status")."""
    return SAMPLES[method].action


def call(client: Client, method: str, *args: Any) -> Any:
    """Call `method` on `client` with `args`, or with its sample arguments."""
    return getattr(client, method)(*(args or SAMPLES[method].args))


def caller(method: str) -> Callable[[Client], Any]:
    """`call` of `method` with its sample arguments, as a function of the client."""
    return lambda client: call(client, method)
