"""The actions of the panel API v2, declared once.

Each row says which `Client` method sends it, the wire's action name, the form field
that carries its id or ids, whether repeating it is harmless (reads are retried; writes
never once they may have reached the panel), and how its answer is read. The client, the
command line and the tests all work from this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from ._models import (
    Balance,
    CancelResult,
    OrderCreated,
    OrderStatus,
    RefillCreated,
    RefillResult,
    RefillStatus,
    RefillStatusResult,
)
from ._protocol import SERVICES, STATUSES, ListedReader, Reader, model_reader

__all__ = ["ACTIONS", "Action"]

T = TypeVar("T")


@dataclass(frozen=True)
class Action(Generic[T]):
    """One action: `method` on `Client` sends wire action `name`."""

    method: str
    name: str
    id_field: str | None
    idempotent: bool
    reader: Reader[T]

    @property
    def batch(self) -> bool:
        """Whether it takes many ids, sent comma-separated in chunks of 100."""
        return self.id_field in ("orders", "refills")


REFILLS = ListedReader(RefillResult, "order", "refill")
REFILL_STATUSES = ListedReader(RefillStatusResult, "refill", "status", words=True)
CANCELS = ListedReader(CancelResult, "order", "cancel")

SERVICES_ACTION = Action("services", "services", None, True, SERVICES)
BALANCE = Action("balance", "balance", None, True, model_reader(Balance))
ADD = Action("add", "add", None, False, model_reader(OrderCreated))
STATUS = Action("status", "status", "order", True, model_reader(OrderStatus))
STATUSES_ACTION = Action("statuses", "status", "orders", True, STATUSES)
REFILL = Action("refill", "refill", "order", False, model_reader(RefillCreated))
REFILLS_ACTION = Action("refills", "refill", "orders", False, REFILLS.reader())
REFILL_STATUS = Action("refill_status", "refill_status", "refill", True, model_reader(RefillStatus))
REFILL_STATUSES_ACTION = Action(
    "refill_statuses", "refill_status", "refills", True, REFILL_STATUSES.reader()
)
CANCEL = Action("cancel", "cancel", "orders", False, CANCELS.reader())

ACTIONS: dict[str, Action[object]] = {
    action.method: action  # type: ignore[misc]
    for action in (
        SERVICES_ACTION,
        BALANCE,
        ADD,
        STATUS,
        STATUSES_ACTION,
        REFILL,
        REFILLS_ACTION,
        REFILL_STATUS,
        REFILL_STATUSES_ACTION,
        CANCEL,
    )
}
"""Every action, by the name of the `Client` method that sends it."""
