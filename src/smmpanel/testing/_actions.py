"""The API actions: each turns one request's form fields into an answer tree.

An action raises :class:`Reject` to fail the whole request; per-item failures of batch
actions are :class:`ItemFailure` leaves in the answer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._catalog import ServiceSpec
from ._orders import CANCELED, COMPLETED, PARTIAL, FakeOrder, FakeRefill, delivery_seconds
from ._wire import ErrorKind, ItemFailure, MoneyText, NumText, StatusWord, round_money

if TYPE_CHECKING:
    from ._state import PanelState

MAX_IDS = 100
SUBSCRIPTION_DELAYS = frozenset(
    (0, 5, 10, 15, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540, 600)
)

Action = Callable[["PanelState", Mapping[str, str]], Any]


class Reject(Exception):
    """The whole request fails with ``{"error": message}``."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


# -- fields ---------------------------------------------------------------------------


def _is_id(token: str) -> bool:
    return token.isascii() and token.isdigit()


def _item_id(token: str) -> int | str:
    # Batch answers echo the ids back as ints, as in the seed; anything else as sent.
    return int(token) if _is_id(token) else token


def _int_field(params: Mapping[str, str], name: str, message: str) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not _is_id(raw):
        raise Reject(ErrorKind.INVALID, message)
    return int(raw)


def _ids(text: str, empty_message: str) -> list[str]:
    tokens = [token.strip() for token in text.split(",")]
    tokens = [token for token in tokens if token]
    if not tokens:
        raise Reject(ErrorKind.NOT_FOUND, empty_message)
    if len(tokens) > MAX_IDS:
        raise Reject(ErrorKind.INVALID, f"Too many IDs, the maximum is {MAX_IDS}")
    return tokens


def _order(panel: PanelState, token: str) -> FakeOrder | None:
    return panel.book.orders.get(int(token)) if _is_id(token) else None


def _refill_for(panel: PanelState, token: str) -> FakeRefill | None:
    return panel.book.refills.get(int(token)) if _is_id(token) else None


# -- services and balance -------------------------------------------------------------


def services(panel: PanelState, params: Mapping[str, str]) -> list[dict[str, Any]]:
    """The catalog, with rate, min and max as the seed types them."""
    answer = []
    for spec in panel.catalog.values():
        entry = copy.deepcopy(dict(spec.wire))
        entry["rate"] = NumText(spec.rate_text)
        entry["min"] = NumText(str(spec.min))
        entry["max"] = NumText(str(spec.max))
        answer.append(entry)
    return answer


def balance(panel: PanelState, params: Mapping[str, str]) -> dict[str, Any]:
    """The balance and its currency."""
    return {"balance": MoneyText(panel.balance), "currency": panel.currency}


# -- add ------------------------------------------------------------------------------


def add(panel: PanelState, params: Mapping[str, str]) -> dict[str, Any]:
    """Place an order, checking fields in the order a real panel does, and charge it."""
    spec = _service(panel, params)
    link = _link(spec, params)
    for name in spec.rule.required:
        if not params.get(name, "").strip():
            raise Reject(ErrorKind.INVALID, f"Incorrect {name.replace('_', ' ')}")
    runs, interval = _dripfeed(spec, params)
    quantity = _quantity(spec, params)
    if "answer_number" in spec.rule.required and not (
        _int_field(params, "answer_number", "Incorrect answer number") or 0
    ):
        raise Reject(ErrorKind.INVALID, "Incorrect answer number")
    if spec.rule.package:
        charge = round_money(spec.rate)
    else:
        _check_bounds(spec, quantity, quantity)
        charge = round_money(spec.rate * quantity * (runs or 1) / 1000)
    if charge > panel.balance:
        raise Reject(ErrorKind.FUNDS, "Not enough funds on balance")
    order = FakeOrder(
        id=panel.book.next_order_id,
        service=spec.id,
        link=link,
        quantity=quantity,
        charge=charge,
        params={k: v for k, v in params.items() if k not in ("key", "action")},
        runs=runs,
        interval=interval,
        currency=panel.currency,
        created_at=panel.clock.now(),
        delivery_seconds=delivery_seconds(runs, interval),
    )
    order.remains = order.total
    panel.place(order)
    return {"order": order.id}


def _service(panel: PanelState, params: Mapping[str, str]) -> ServiceSpec:
    raw_service = params.get("service", "").strip()
    spec = panel.catalog.get(int(raw_service)) if _is_id(raw_service) else None
    if spec is None:
        raise Reject(ErrorKind.INVALID, "Incorrect service ID")
    return spec


def _link(spec: ServiceSpec, params: Mapping[str, str]) -> str | None:
    if not spec.rule.link:
        return None
    link = params.get("link", "").strip()
    if not link or any(ch.isspace() for ch in link):
        raise Reject(ErrorKind.INVALID, "Incorrect link")
    return link


def _quantity(spec: ServiceSpec, params: Mapping[str, str]) -> int:
    rule = spec.rule
    if spec.type.strip().lower() == "subscriptions":
        return _subscription_quantity(spec, params)
    if rule.lines is not None:
        lines = [line for line in params.get(rule.lines, "").splitlines() if line.strip()]
        if not lines:
            raise Reject(ErrorKind.INVALID, f"Incorrect {rule.lines}")
        return len(lines)
    if rule.package:
        return 1
    return _int_field(params, "quantity", "Incorrect quantity") or 0


def _check_bounds(spec: ServiceSpec, low: int, high: int) -> None:
    if low < spec.min:
        raise Reject(ErrorKind.INVALID, f"Quantity less than minimal {spec.min}")
    if high > spec.max:
        raise Reject(ErrorKind.INVALID, f"Quantity more than maximal {spec.max}")


def _dripfeed(spec: ServiceSpec, params: Mapping[str, str]) -> tuple[int | None, int | None]:
    if not params.get("runs", "").strip() and not params.get("interval", "").strip():
        return None, None
    if not spec.dripfeed:
        raise Reject(ErrorKind.INVALID, "Drip-feed is disabled for this service")
    runs = _int_field(params, "runs", "Incorrect runs")
    interval = _int_field(params, "interval", "Incorrect interval")
    if not runs:
        raise Reject(ErrorKind.INVALID, "Incorrect runs")
    if not interval:
        raise Reject(ErrorKind.INVALID, "Incorrect interval")
    return runs, interval


def _subscription_quantity(spec: ServiceSpec, params: Mapping[str, str]) -> int:
    low = _int_field(params, "min", "Incorrect min")
    high = _int_field(params, "max", "Incorrect max")
    if low is None:
        raise Reject(ErrorKind.INVALID, "Incorrect min")
    if high is None:
        raise Reject(ErrorKind.INVALID, "Incorrect max")
    _check_bounds(spec, low, high)
    if low > high:
        raise Reject(ErrorKind.INVALID, "Min quantity is greater than max quantity")
    delay = _int_field(params, "delay", "Incorrect delay")
    if delay is not None and delay not in SUBSCRIPTION_DELAYS:  # absent: no delay
        raise Reject(ErrorKind.INVALID, "Incorrect delay")
    posts = _int_field(params, "posts", "Incorrect posts")
    if posts == 0:
        raise Reject(ErrorKind.INVALID, "Incorrect posts")
    _int_field(params, "old_posts", "Incorrect old posts")
    expiry = params.get("expiry", "").strip()
    if expiry:
        try:
            datetime.strptime(expiry, "%d/%m/%Y")
        except ValueError:
            raise Reject(ErrorKind.INVALID, "Incorrect expiry date") from None
    # Charged up front for `posts` posts (one when not given) of `max` each.
    return high * (posts or 1)


# -- status ---------------------------------------------------------------------------


def status(panel: PanelState, params: Mapping[str, str]) -> Any:
    """One order's status, or a batch of them by id."""
    if "orders" in params:
        return {
            token: _status_tree(order)
            if (order := _order(panel, token))
            else ItemFailure("Incorrect order ID")
            for token in _ids(params["orders"], "Incorrect order ID")
        }
    order = _order(panel, params.get("order", "").strip())
    if order is None:
        raise Reject(ErrorKind.NOT_FOUND, "Incorrect order ID")
    return _status_tree(order)


def _status_tree(order: FakeOrder) -> dict[str, Any]:
    return {
        "charge": MoneyText(order.charge),
        "start_count": NumText(str(order.start_count)),
        "status": StatusWord(order.status),
        "remains": NumText(str(order.remains)),
        "currency": order.currency,
    }


# -- refills --------------------------------------------------------------------------


def refill(panel: PanelState, params: Mapping[str, str]) -> Any:
    """Refill one order, or a batch of them."""
    if "orders" in params:
        answer = []
        for token in _ids(params["orders"], "Incorrect order ID"):
            try:
                created: int | ItemFailure = _create_refill(panel, token)
            except Reject as reject:
                created = ItemFailure(reject.message)
            answer.append({"order": _item_id(token), "refill": created})
        return answer
    return {"refill": NumText(str(_create_refill(panel, params.get("order", "").strip())))}


def _create_refill(panel: PanelState, token: str) -> int:
    order = _order(panel, token)
    if order is None:
        raise Reject(ErrorKind.NOT_FOUND, "Incorrect order ID")
    if not panel.catalog[order.service].refill:
        raise Reject(ErrorKind.REQUEST, "Refill is disabled for this service")
    if order.status not in (COMPLETED, PARTIAL):
        raise Reject(ErrorKind.REQUEST, "Order is not completed")
    if panel.book.refilling(order.id):
        raise Reject(ErrorKind.REQUEST, "Refill is already in progress for this order")
    return panel.book.open_refill(order, panel.clock.now()).id


def refill_status(panel: PanelState, params: Mapping[str, str]) -> Any:
    """One refill's status, or a batch of them by id."""
    if "refills" in params:
        return [
            {
                "refill": _item_id(token),
                "status": StatusWord(found.status)
                if (found := _refill_for(panel, token))
                else ItemFailure("Refill not found"),
            }
            for token in _ids(params["refills"], "Refill not found")
        ]
    found = _refill_for(panel, params.get("refill", "").strip())
    if found is None:
        raise Reject(ErrorKind.NOT_FOUND, "Refill not found")
    return {"status": StatusWord(found.status)}


# -- cancel ---------------------------------------------------------------------------


def cancel(panel: PanelState, params: Mapping[str, str]) -> Any:
    """Cancel a batch of orders, refunding what each has not delivered."""
    answer = []
    for token in _ids(params.get("orders", ""), "Incorrect order ID"):
        outcome: int | ItemFailure = 1
        order = _order(panel, token)
        if order is None:
            outcome = ItemFailure("Incorrect order ID")
        elif not panel.catalog[order.service].cancel:
            outcome = ItemFailure("Cancel is disabled for this service")
        elif not order.active:
            outcome = ItemFailure("Order cannot be canceled")
        else:
            panel.finish(order, CANCELED, order.remains, "cancel")
        answer.append({"order": _item_id(token), "cancel": outcome})
    return answer


ACTIONS: dict[str, Action] = {
    "services": services,
    "balance": balance,
    "add": add,
    "status": status,
    "refill": refill,
    "refill_status": refill_status,
    "cancel": cancel,
}
