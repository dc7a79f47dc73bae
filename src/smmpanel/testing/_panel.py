"""FakePanel: a stateful SMM panel API v2 served over real HTTP, for tests and demos."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any

from ._dialect import Dialect
from ._faults import Fault, FaultRule
from ._ledger import Ledger
from ._orders import Clock, FakeOrder, FakeRefill
from ._server import PanelServer
from ._state import PanelState

__all__ = ["FakePanel"]


class FakePanel:
    """An in-memory SMM panel speaking the API v2 over HTTP on a local port.

    Orders move on a clock that only :meth:`advance` moves (or real time, scaled by
    ``speed``, when ``realtime`` is true): Pending for 5 s, then In progress with a
    start count, delivering over 60 s (drip-feed: plus the runs' intervals), then
    Completed. An order never ends Partial by itself: :meth:`complete` with ``remains``
    does that, refunding the unused part. Refills go Pending (5 s), In progress (30 s),
    Completed. Nothing happens over the network until :meth:`start` (or ``with``).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = "/api/v2",
        balance: Decimal | str | int = "100.00",
        currency: str = "USD",
        services: Sequence[Mapping[str, Any]] | None = None,
        dialect: Dialect | str = "canonical",
        realtime: bool = False,
        speed: float = 1.0,
        latency: float = 0.0,
        idle_timeout: float | None = None,
    ) -> None:
        if api_key is None:
            api_key = secrets.token_hex(16)
        if not isinstance(api_key, str) or not api_key:
            raise ValueError("api_key must be a non-empty string")
        if not path.startswith("/"):
            raise ValueError("path must start with '/'")
        if idle_timeout is not None and not idle_timeout > 0:
            raise ValueError("idle_timeout must be positive or None")
        self._state = PanelState(
            api_key=api_key,
            balance=balance,
            currency=currency,
            services=services,
            clock=Clock(realtime=realtime, speed=speed),
        )
        self._server = PanelServer(
            self._state,
            host=host,
            port=port,
            path=path,
            dialect=Dialect.coerce(dialect),
            latency=_latency(latency),
            idle_timeout=idle_timeout,
        )

    # -- life -------------------------------------------------------------------------

    def start(self) -> FakePanel:
        """Start serving on a daemon thread; returns the panel. Idempotent."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving, close connections and join threads. Idempotent."""
        self._server.stop()

    def __enter__(self) -> FakePanel:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self._server.running else "not running"
        return f"<FakePanel {self._server.url} dialect={self.dialect.name!r} {state}>"

    # -- where ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The API URL, e.g. ``http://127.0.0.1:54321/api/v2`` (after :meth:`start`)."""
        if self._server.port == 0:
            raise RuntimeError("the FakePanel has no port yet: call start() first")
        return self._server.url

    @property
    def host(self) -> str:
        """The host the server binds to."""
        return self._server.host

    @property
    def port(self) -> int:
        """The TCP port (0 until started when asked for a free one)."""
        return self._server.port

    @property
    def api_key(self) -> str:
        """The key the panel accepts."""
        return self._state.api_key

    @property
    def running(self) -> bool:
        """Whether the server is accepting connections."""
        return self._server.running

    # -- how it answers ---------------------------------------------------------------

    @property
    def dialect(self) -> Dialect:
        """How answers are written; assign a :class:`Dialect` or a preset name."""
        return self._server.dialect

    @dialect.setter
    def dialect(self, value: Dialect | str) -> None:
        dialect = Dialect.coerce(value)
        with self._state.lock:
            self._server.dialect = dialect

    @property
    def latency(self) -> float:
        """Seconds slept before answering each request."""
        return self._server.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._server.latency = _latency(seconds)

    @property
    def idle_timeout(self) -> float | None:
        """Seconds after which an idle keep-alive connection is closed (None: never)."""
        return self._server.idle_timeout

    def inject(
        self,
        fault: Fault | str,
        *,
        action: str | None = None,
        times: int | None = 1,
        **options: Any,
    ) -> FaultRule:
        """Make the next ``times`` requests for ``action`` (None: any) fail with ``fault``.

        Rules apply first-in, first-out; ``times=None`` keeps one until
        :meth:`clear_faults`. Options by fault: ``seconds`` and ``act`` (STALL),
        ``status`` (SERVER_ERROR, HTML, REDIRECT), ``retry_after`` (RATE_LIMIT),
        ``location`` (REDIRECT), ``incomplete`` (TRUNCATED).
        """
        rule = FaultRule.build(fault, action, times, options)
        with self._state.lock:
            self._server.faults.add(rule)
        return rule

    def clear_faults(self) -> None:
        """Drop every injected fault not yet used."""
        with self._state.lock:
            self._server.faults.clear()

    @property
    def faults(self) -> list[FaultRule]:
        """The injected faults still waiting, oldest first."""
        with self._state.lock:
            return self._server.faults.pending()

    # -- what it holds ----------------------------------------------------------------

    @property
    def balance(self) -> Decimal:
        """The current balance."""
        return self._state.balance

    def set_balance(self, amount: Decimal | str | int) -> None:
        """Set the balance (recorded in the ledger as an ``"adjustment"``)."""
        self._state.set_balance(amount)

    @property
    def currency(self) -> str:
        """The account currency."""
        return self._state.currency

    @property
    def services(self) -> list[dict[str, Any]]:
        """The catalog as the canonical dialect sends it (a fresh copy)."""
        return self._state.services()

    @property
    def orders(self) -> dict[int, FakeOrder]:
        """Copies of every order, by id, as of now."""
        return self._state.orders()

    @property
    def refills(self) -> dict[int, FakeRefill]:
        """Copies of every refill, by id, as of now."""
        return self._state.refills()

    @property
    def ledger(self) -> Ledger:
        """Requests received, orders placed and balance movements."""
        return self._state.ledger

    # -- time and admin ---------------------------------------------------------------

    @property
    def now(self) -> float:
        """Panel time in seconds since the panel was created."""
        with self._state.lock:
            return self._state.clock.now()

    def advance(self, seconds: float) -> None:
        """Move panel time forward; orders and refills progress accordingly."""
        self._state.advance(seconds)

    def complete(self, order_id: int, remains: int = 0) -> FakeOrder:
        """Finish an order now: Completed, or Partial with a refund if remains > 0.

        An order already Completed is left as is (``remains`` 0); finishing an order that
        is Partial or Canceled, or asking ``remains`` on a Completed one, is a ValueError.
        """
        return self._state.complete(order_id, remains)

    def set_order_status(self, order_id: int, status: str) -> FakeOrder:
        """Force an order's status word (e.g. "Processing"); it stops moving on the clock."""
        return self._state.set_order_status(order_id, status)

    def set_refill_status(self, refill_id: int, status: str) -> FakeRefill:
        """Force a refill's status (e.g. "Rejected"); it stops moving on the clock."""
        return self._state.set_refill_status(refill_id, status)


def _latency(seconds: float) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ValueError("latency must be a number of seconds >= 0")
    return float(seconds)
