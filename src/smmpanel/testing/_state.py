"""The panel's logic: balance, orders, refills, the clock and the ledger. No HTTP here.

:meth:`PanelState.handle` takes the form fields of one request and returns an
:class:`Answer` (a canonical answer tree whose leaves say how each value is typed, so a
dialect can re-type it) or a :class:`Failure` (the ``{"error": ...}`` message and its
kind, which some dialects turn into an HTTP status).
"""

from __future__ import annotations

import copy
import hmac
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import Any

from ._catalog import ServiceSpec, load_catalog

MONEY_STEP = Decimal("0.00001")
PENDING_SECONDS = 5.0
DELIVERY_SECONDS = 60.0
REFILL_PENDING_SECONDS = 5.0
REFILL_SECONDS = 30.0
FIRST_ORDER_ID = 23501
FIRST_REFILL_ID = 1
MAX_IDS = 100
SUBSCRIPTION_DELAYS = frozenset(
    (0, 5, 10, 15, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540, 600)
)

PENDING = "Pending"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
PARTIAL = "Partial"
CANCELED = "Canceled"
REJECTED = "Rejected"

ORDER_STATUSES = (PENDING, IN_PROGRESS, COMPLETED, PARTIAL, CANCELED)
REFILL_STATUSES = (PENDING, IN_PROGRESS, COMPLETED, REJECTED)


def to_money(value: Decimal | str | int | float) -> Decimal:
    """Parse an amount of money (floats go through ``str`` so 0.1 stays 0.1)."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount of money: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount of money: {value!r}")
    return amount


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(MONEY_STEP, rounding=ROUND_HALF_UP)


class Clock:
    """Panel time in seconds: moved by :meth:`advance`, and also by real time if realtime."""

    def __init__(self, *, realtime: bool = False, speed: float = 1.0) -> None:
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.realtime = realtime
        self.speed = float(speed)
        self._origin = time.monotonic()
        self._offset = 0.0

    def now(self) -> float:
        """Seconds of panel time since the panel was created."""
        if self.realtime:
            return self._offset + (time.monotonic() - self._origin) * self.speed
        return self._offset

    def advance(self, seconds: float) -> None:
        """Move panel time forward."""
        if not seconds >= 0:
            raise ValueError("seconds must be >= 0")
        self._offset += seconds


# Leaves of an answer tree. The canonical dialect renders them exactly as the seed does;
# other dialects change their JSON type, precision or spelling.


@dataclass(frozen=True)
class NumText:
    """A number the seed sends as a JSON string ("50", "3572", "0.90", refill "1")."""

    text: str


@dataclass(frozen=True)
class Money:
    """An amount of money (a string with five decimals in the seed)."""

    amount: Decimal


@dataclass(frozen=True)
class StatusWord:
    """An order or refill status word, in canonical spelling."""

    word: str


@dataclass(frozen=True)
class ItemFailure:
    """A per-item error inside a batch answer (``{"error": message}`` in the seed)."""

    message: str


class ErrorKind(Enum):
    """Why a whole request failed; dialects with HTTP error statuses map these to codes."""

    AUTH = "auth"
    FUNDS = "funds"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    REQUEST = "request"


@dataclass(frozen=True)
class Answer:
    """A successful answer: a JSON-like tree with typed leaves."""

    body: Any


@dataclass(frozen=True)
class Failure:
    """A failed request, answered as ``{"error": message}``."""

    kind: ErrorKind
    message: str


Outcome = Answer | Failure


class _Reject(Exception):
    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class FakeOrder:
    """An order held by the panel. The panel hands out copies: editing one changes nothing.

    ``quantity`` is the quantity per run as ordered (for custom comments: the number of
    comment lines; for packages: 1; for subscriptions: ``max`` times ``posts``); ``total``
    is what is delivered over all drip-feed runs. ``charge`` is the current charge, after
    any refund; ``refunded`` is what went back to the balance.
    """

    id: int
    service: int
    link: str | None
    quantity: int
    charge: Decimal
    status: str = PENDING
    start_count: int = 0
    remains: int = 0
    params: dict[str, str] = field(default_factory=dict)
    runs: int | None = None
    interval: int | None = None
    currency: str = "USD"
    refunded: Decimal = Decimal(0)
    created_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None
    delivery_seconds: float = DELIVERY_SECONDS

    @property
    def total(self) -> int:
        """Quantity delivered over all runs."""
        return self.quantity * (self.runs or 1)

    @property
    def active(self) -> bool:
        """True while the order is Pending or In progress."""
        return self.status in (PENDING, IN_PROGRESS)


@dataclass
class FakeRefill:
    """A refill request held by the panel (handed out as a copy)."""

    id: int
    order: int
    status: str = PENDING
    created_at: float = 0.0
    finished_at: float | None = None


@dataclass(frozen=True)
class BalanceMovement:
    """One change of the balance: negative for a charge, positive for a refund.

    ``reason`` is ``"order"``, ``"refund"`` (a Partial order's unused part), ``"cancel"``
    or ``"adjustment"`` (:meth:`FakePanel.set_balance`). ``balance`` is the balance after it.
    """

    amount: Decimal
    reason: str
    order: int | None
    balance: Decimal
    at: float


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request as the panel saw it. The API key is never stored.

    ``params`` are the form fields without ``key``; ``query`` the URL query fields without
    ``key`` (``key_in_query`` tells whether one was there, which a client must never do).
    ``acted``: the panel processed the request (changing state if it was a valid order,
    refill or cancel). ``status_code``: the HTTP status answered, None when no answer was
    sent. ``fault``: the injected fault's value. ``connection``: a serial number of the TCP
    connection, to see keep-alive reuse.
    """

    method: str
    path: str
    action: str | None
    params: dict[str, str]
    key_ok: bool
    acted: bool
    status_code: int | None
    fault: str | None = None
    connection: int = 0
    query: dict[str, str] = field(default_factory=dict)
    key_in_query: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class Ledger:
    """What the panel saw and did, for assertions. Every read returns a fresh copy."""

    def __init__(self, state: PanelState) -> None:
        self._state = state
        self._requests: list[RecordedRequest] = []
        self._movements: list[BalanceMovement] = []
        self._order_ids: list[int] = []

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, oldest first."""
        with self._state.lock:
            return list(self._requests)

    @property
    def orders(self) -> list[FakeOrder]:
        """Every order placed, oldest first, as it is now."""
        with self._state.lock:
            return [self._state.order_copy(i) for i in self._order_ids]

    @property
    def movements(self) -> list[BalanceMovement]:
        """Every balance movement, oldest first."""
        with self._state.lock:
            return list(self._movements)

    def actions(self) -> list[str | None]:
        """The action of every request received, oldest first."""
        with self._state.lock:
            return [r.action for r in self._requests]

    def record(self, request: RecordedRequest) -> None:
        """Append a request (done by the HTTP server)."""
        with self._state.lock:
            self._requests.append(request)

    def clear(self) -> None:
        """Forget requests, orders placed and movements (the panel's state stays)."""
        with self._state.lock:
            self._requests.clear()
            self._movements.clear()
            self._order_ids.clear()


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
        raise _Reject(ErrorKind.INVALID, message)
    return int(raw)


class PanelState:
    """The whole panel behind the HTTP server; every method takes :attr:`lock`."""

    def __init__(
        self,
        *,
        api_key: str,
        balance: Decimal | str | int,
        currency: str,
        services: Sequence[Mapping[str, Any]] | None,
        clock: Clock,
    ) -> None:
        self.lock = threading.RLock()
        self.api_key = api_key
        self.currency = currency
        self.clock = clock
        self.catalog: dict[int, ServiceSpec] = load_catalog(services)
        self._balance = to_money(balance)
        self._orders: dict[int, FakeOrder] = {}
        self._refills: dict[int, FakeRefill] = {}
        self._active_orders: dict[int, FakeOrder] = {}
        self._active_refills: dict[int, FakeRefill] = {}
        self._next_order = FIRST_ORDER_ID
        self._next_refill = FIRST_REFILL_ID
        self._synced_at = -1.0
        self.ledger = Ledger(self)
        self._actions: dict[str, Callable[[Mapping[str, str]], Any]] = {
            "services": self._services,
            "balance": self._balance_answer,
            "add": self._add,
            "status": self._status,
            "refill": self._refill,
            "refill_status": self._refill_status,
            "cancel": self._cancel,
        }

    # -- requests ---------------------------------------------------------------------

    def key_ok(self, params: Mapping[str, str]) -> bool:
        """Whether the request carries the right API key."""
        key = params.get("key")
        if key is None:
            return False
        return hmac.compare_digest(key.encode("utf-8"), self.api_key.encode("utf-8"))

    def handle(self, params: Mapping[str, str]) -> Outcome:
        """Process one API request given its form fields."""
        with self.lock:
            if not self.key_ok(params):
                return Failure(ErrorKind.AUTH, "Invalid API key")
            action = self._actions.get(params.get("action", ""))
            if action is None:
                return Failure(ErrorKind.REQUEST, "Incorrect request")
            self._sync()
            try:
                return Answer(action(params))
            except _Reject as reject:
                return Failure(reject.kind, reject.message)

    def _services(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        answer = []
        for spec in self.catalog.values():
            entry = copy.deepcopy(dict(spec.wire))
            entry["rate"] = NumText(spec.rate_text)
            entry["min"] = NumText(str(spec.min))
            entry["max"] = NumText(str(spec.max))
            answer.append(entry)
        return answer

    def _balance_answer(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {"balance": Money(self._balance), "currency": self.currency}

    def _add(self, params: Mapping[str, str]) -> dict[str, Any]:
        raw_service = params.get("service", "").strip()
        spec = self.catalog.get(int(raw_service)) if _is_id(raw_service) else None
        if spec is None:
            raise _Reject(ErrorKind.INVALID, "Incorrect service ID")
        rule = spec.rule
        link: str | None = None
        if rule.link:
            link = params.get("link", "").strip()
            if not link or any(ch.isspace() for ch in link):
                raise _Reject(ErrorKind.INVALID, "Incorrect link")
        for name in rule.required:
            if not params.get(name, "").strip():
                raise _Reject(ErrorKind.INVALID, f"Incorrect {name.replace('_', ' ')}")
        runs, interval = self._dripfeed(spec, params)

        if spec.type.strip().lower() == "subscriptions":
            quantity = self._subscription_quantity(spec, params)
        elif rule.lines is not None:
            lines = [line for line in params.get(rule.lines, "").splitlines() if line.strip()]
            if not lines:
                raise _Reject(ErrorKind.INVALID, f"Incorrect {rule.lines}")
            quantity = len(lines)
        elif rule.package:
            quantity = 1
        else:
            quantity = _int_field(params, "quantity", "Incorrect quantity") or 0
        if "answer_number" in rule.required and not (
            _int_field(params, "answer_number", "Incorrect answer number") or 0
        ):
            raise _Reject(ErrorKind.INVALID, "Incorrect answer number")
        if not rule.package:
            self._check_bounds(spec, quantity, quantity)

        if rule.package:
            charge = _money(spec.rate)
        else:
            charge = _money(spec.rate * quantity * (runs or 1) / 1000)
        if charge > self._balance:
            raise _Reject(ErrorKind.FUNDS, "Not enough funds on balance")

        now = self.clock.now()
        delivery = DELIVERY_SECONDS
        if runs is not None and interval is not None:
            delivery += (runs - 1) * interval * 60.0
        order = FakeOrder(
            id=self._next_order,
            service=spec.id,
            link=link,
            quantity=quantity,
            charge=charge,
            params={k: v for k, v in params.items() if k not in ("key", "action")},
            runs=runs,
            interval=interval,
            currency=self.currency,
            created_at=now,
            delivery_seconds=delivery,
        )
        order.remains = order.total
        self._next_order += 1
        self._orders[order.id] = order
        self._active_orders[order.id] = order
        self.ledger._order_ids.append(order.id)
        self._move(-charge, "order", order.id)
        return {"order": order.id}

    @staticmethod
    def _check_bounds(spec: ServiceSpec, low: int, high: int) -> None:
        if low < spec.min:
            raise _Reject(ErrorKind.INVALID, f"Quantity less than minimal {spec.min}")
        if high > spec.max:
            raise _Reject(ErrorKind.INVALID, f"Quantity more than maximal {spec.max}")

    @staticmethod
    def _dripfeed(spec: ServiceSpec, params: Mapping[str, str]) -> tuple[int | None, int | None]:
        if not params.get("runs", "").strip() and not params.get("interval", "").strip():
            return None, None
        if not spec.dripfeed:
            raise _Reject(ErrorKind.INVALID, "Drip-feed is disabled for this service")
        runs = _int_field(params, "runs", "Incorrect runs")
        interval = _int_field(params, "interval", "Incorrect interval")
        if not runs:
            raise _Reject(ErrorKind.INVALID, "Incorrect runs")
        if not interval:
            raise _Reject(ErrorKind.INVALID, "Incorrect interval")
        return runs, interval

    def _subscription_quantity(self, spec: ServiceSpec, params: Mapping[str, str]) -> int:
        low = _int_field(params, "min", "Incorrect min")
        high = _int_field(params, "max", "Incorrect max")
        if low is None:
            raise _Reject(ErrorKind.INVALID, "Incorrect min")
        if high is None:
            raise _Reject(ErrorKind.INVALID, "Incorrect max")
        self._check_bounds(spec, low, high)
        if low > high:
            raise _Reject(ErrorKind.INVALID, "Min quantity is greater than max quantity")
        delay = _int_field(params, "delay", "Incorrect delay")
        if delay is not None and delay not in SUBSCRIPTION_DELAYS:  # absent: no delay
            raise _Reject(ErrorKind.INVALID, "Incorrect delay")
        posts = _int_field(params, "posts", "Incorrect posts")
        if posts == 0:
            raise _Reject(ErrorKind.INVALID, "Incorrect posts")
        _int_field(params, "old_posts", "Incorrect old posts")
        expiry = params.get("expiry", "").strip()
        if expiry:
            try:
                datetime.strptime(expiry, "%d/%m/%Y")
            except ValueError:
                raise _Reject(ErrorKind.INVALID, "Incorrect expiry date") from None
        # Charged up front for `posts` posts (one when not given) of `max` each.
        return high * (posts or 1)

    def _status(self, params: Mapping[str, str]) -> Any:
        if "orders" in params:
            return {
                token: self._status_tree(order)
                if (order := self._order(token))
                else ItemFailure("Incorrect order ID")
                for token in self._ids(params["orders"], "Incorrect order ID")
            }
        order = self._order(params.get("order", "").strip())
        if order is None:
            raise _Reject(ErrorKind.NOT_FOUND, "Incorrect order ID")
        return self._status_tree(order)

    @staticmethod
    def _status_tree(order: FakeOrder) -> dict[str, Any]:
        return {
            "charge": Money(order.charge),
            "start_count": NumText(str(order.start_count)),
            "status": StatusWord(order.status),
            "remains": NumText(str(order.remains)),
            "currency": order.currency,
        }

    def _refill(self, params: Mapping[str, str]) -> Any:
        if "orders" in params:
            answer = []
            for token in self._ids(params["orders"], "Incorrect order ID"):
                try:
                    refill: int | ItemFailure = self._create_refill(token)
                except _Reject as reject:
                    refill = ItemFailure(reject.message)
                answer.append({"order": _item_id(token), "refill": refill})
            return answer
        return {"refill": NumText(str(self._create_refill(params.get("order", "").strip())))}

    def _create_refill(self, token: str) -> int:
        order = self._order(token)
        if order is None:
            raise _Reject(ErrorKind.NOT_FOUND, "Incorrect order ID")
        if not self.catalog[order.service].refill:
            raise _Reject(ErrorKind.REQUEST, "Refill is disabled for this service")
        if order.status not in (COMPLETED, PARTIAL):
            raise _Reject(ErrorKind.REQUEST, "Order is not completed")
        if any(r.order == order.id for r in self._active_refills.values()):
            raise _Reject(ErrorKind.REQUEST, "Refill is already in progress for this order")
        refill = FakeRefill(id=self._next_refill, order=order.id, created_at=self.clock.now())
        self._next_refill += 1
        self._refills[refill.id] = refill
        self._active_refills[refill.id] = refill
        return refill.id

    def _refill_status(self, params: Mapping[str, str]) -> Any:
        if "refills" in params:
            return [
                {
                    "refill": _item_id(token),
                    "status": StatusWord(refill.status)
                    if (refill := self._refill_for(token))
                    else ItemFailure("Refill not found"),
                }
                for token in self._ids(params["refills"], "Refill not found")
            ]
        refill = self._refill_for(params.get("refill", "").strip())
        if refill is None:
            raise _Reject(ErrorKind.NOT_FOUND, "Refill not found")
        return {"status": StatusWord(refill.status)}

    def _cancel(self, params: Mapping[str, str]) -> Any:
        answer = []
        for token in self._ids(params.get("orders", ""), "Incorrect order ID"):
            outcome: int | ItemFailure = 1
            order = self._order(token)
            if order is None:
                outcome = ItemFailure("Incorrect order ID")
            elif not self.catalog[order.service].cancel:
                outcome = ItemFailure("Cancel is disabled for this service")
            elif not order.active:
                outcome = ItemFailure("Order cannot be canceled")
            else:
                self._finish(order, CANCELED, order.remains, "cancel")
            answer.append({"order": _item_id(token), "cancel": outcome})
        return answer

    @staticmethod
    def _ids(text: str, empty_message: str) -> list[str]:
        tokens = [token.strip() for token in text.split(",")]
        tokens = [token for token in tokens if token]
        if not tokens:
            raise _Reject(ErrorKind.NOT_FOUND, empty_message)
        if len(tokens) > MAX_IDS:
            raise _Reject(ErrorKind.INVALID, f"Too many IDs, the maximum is {MAX_IDS}")
        return tokens

    def _order(self, token: str) -> FakeOrder | None:
        return self._orders.get(int(token)) if _is_id(token) else None

    def _refill_for(self, token: str) -> FakeRefill | None:
        return self._refills.get(int(token)) if _is_id(token) else None

    # -- time -------------------------------------------------------------------------

    def _sync(self) -> None:
        now = self.clock.now()
        if now == self._synced_at:
            return
        self._synced_at = now
        for order in list(self._active_orders.values()):
            self._progress(order, now)
        for refill in list(self._active_refills.values()):
            if refill.status == PENDING and now >= refill.created_at + REFILL_PENDING_SECONDS:
                refill.status = IN_PROGRESS
            if refill.status == IN_PROGRESS and now >= (
                refill.created_at + REFILL_PENDING_SECONDS + REFILL_SECONDS
            ):
                refill.status = COMPLETED
                refill.finished_at = now
                del self._active_refills[refill.id]

    def _progress(self, order: FakeOrder, now: float) -> None:
        if order.status == PENDING and now >= order.created_at + PENDING_SECONDS:
            self._start(order, order.created_at + PENDING_SECONDS)
        if order.status == IN_PROGRESS and order.started_at is not None:
            elapsed = now - order.started_at
            if elapsed >= order.delivery_seconds:
                order.remains = 0
                order.status = COMPLETED
                order.finished_at = order.started_at + order.delivery_seconds
                del self._active_orders[order.id]
            else:
                delivered = int(order.total * elapsed / order.delivery_seconds)
                order.remains = order.total - delivered

    @staticmethod
    def _start(order: FakeOrder, at: float) -> None:
        order.status = IN_PROGRESS
        order.started_at = at
        # Deterministic, realistic-looking counter of what the link had before.
        order.start_count = 100 + (order.id * 7919) % 9900

    def _finish(self, order: FakeOrder, status: str, remains: int, reason: str) -> None:
        if order.status == PENDING and status != CANCELED:
            self._start(order, self.clock.now())
        order.status = status
        order.remains = remains
        order.finished_at = self.clock.now()
        self._active_orders.pop(order.id, None)
        refund = _money(order.charge * remains / order.total) if order.total else Decimal(0)
        if refund > 0:
            order.charge -= refund
            order.refunded += refund
            self._move(refund, reason, order.id)

    def _move(self, amount: Decimal, reason: str, order: int | None) -> None:
        self._balance += amount
        self.ledger._movements.append(
            BalanceMovement(amount, reason, order, self._balance, self.clock.now())
        )

    # -- control (the test's side) ----------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move panel time forward and let orders and refills progress."""
        with self.lock:
            self.clock.advance(seconds)
            self._sync()

    @property
    def balance(self) -> Decimal:
        """The current balance."""
        with self.lock:
            return self._balance

    def set_balance(self, amount: Decimal | str | int) -> None:
        """Set the balance, recorded as an ``"adjustment"`` movement."""
        with self.lock:
            self._move(to_money(amount) - self._balance, "adjustment", None)

    def services(self) -> list[dict[str, Any]]:
        """The catalog as the canonical dialect sends it."""
        return [copy.deepcopy(dict(spec.wire)) for spec in self.catalog.values()]

    def order_copy(self, order_id: int) -> FakeOrder:
        """A copy of one order, brought up to the current time."""
        with self.lock:
            self._sync()
            order = self._orders[order_id]
            return replace(order, params=dict(order.params))

    def orders(self) -> dict[int, FakeOrder]:
        """Copies of every order, by id."""
        with self.lock:
            self._sync()
            return {i: replace(o, params=dict(o.params)) for i, o in self._orders.items()}

    def refills(self) -> dict[int, FakeRefill]:
        """Copies of every refill, by id."""
        with self.lock:
            self._sync()
            return {i: replace(r) for i, r in self._refills.items()}

    def complete(self, order_id: int, remains: int = 0) -> FakeOrder:
        """Finish an order now: Completed, or Partial refunding ``remains`` if > 0.

        Completing an order that is already Completed changes nothing.
        """
        with self.lock:
            self._sync()
            order = self._orders.get(order_id)
            if order is None:
                raise KeyError(f"no order {order_id}")
            if order.status == COMPLETED and remains == 0:
                return replace(order, params=dict(order.params))
            if not order.active:
                raise ValueError(f"order {order_id} is already {order.status}")
            if not 0 <= remains <= order.total:
                raise ValueError(f"remains must be between 0 and {order.total}")
            self._finish(order, PARTIAL if remains else COMPLETED, remains, "refund")
            return replace(order, params=dict(order.params))

    def set_order_status(self, order_id: int, status: str) -> FakeOrder:
        """Force an order's status word (e.g. "Processing"); it stops moving, no money moves."""
        with self.lock:
            self._sync()
            order = self._orders.get(order_id)
            if order is None:
                raise KeyError(f"no order {order_id}")
            order.status = status
            self._active_orders.pop(order_id, None)
            return replace(order, params=dict(order.params))

    def set_refill_status(self, refill_id: int, status: str) -> FakeRefill:
        """Force a refill's status, e.g. "Rejected"; it stops moving on the clock."""
        with self.lock:
            self._sync()
            refill = self._refills.get(refill_id)
            if refill is None:
                raise KeyError(f"no refill {refill_id}")
            refill.status = status
            self._active_refills.pop(refill_id, None)
            if status in (COMPLETED, REJECTED):
                refill.finished_at = self.clock.now()
            return replace(refill)
