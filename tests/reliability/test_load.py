"""Threads: 16 threads share one Client against one FakePanel for 4000 mixed calls. No
call fails, every order placed is the one asked for and placed once, the connection pool
holds at most 16 connections, and `close()` leaves none open."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_support import client_for, prepare, requests_for

from smmpanel import ItemError, OrderStatus
from smmpanel.testing import FakePanel

pytestmark = pytest.mark.e2e

THREADS = 16
CALLS_PER_THREAD = 250
POOL_SIZE = 16  # docs/reliability.md §7
SLACK = 2
ESTABLISHED, CLOSE_WAIT = "01", "08"


def tcp_sockets() -> list[tuple[int, int, str]]:
    """(local port, remote port, state) of every TCP socket of this network namespace."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state = fields[1], fields[2], fields[3]
            found.append(
                (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16), state)
            )
    return found


def client_connections(port: int) -> int:
    """Open connections from a client to `port`."""
    return sum(1 for _, remote, state in tcp_sockets() if remote == port and state == ESTABLISHED)


def server_connections(port: int) -> int:
    """Connections the server at `port` still holds (open, or closed by the client only)."""
    return sum(
        1
        for local, remote, state in tcp_sockets()
        if local == port and remote != 0 and state in (ESTABLISHED, CLOSE_WAIT)
    )


@pytest.fixture
def rich_panel() -> Iterator[FakePanel]:
    with FakePanel(balance="1000000.00") as started:
        yield started


class Sampler(threading.Thread):
    """Counts the client's connections to the panel every few milliseconds."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.peak = 0
        self.samples = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            self.peak = max(self.peak, client_connections(self.port))
            self.samples += 1


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="counts sockets in /proc (Linux)")
def test_sixteen_threads_share_one_client(rich_panel: FakePanel) -> None:
    panel = rich_panel
    ids = prepare(panel, active=3, completed=0)
    known = ids.active
    errors: list[BaseException] = []
    placed: list[tuple[Any, int, str]] = []  # (order id, quantity, link)
    start = threading.Barrier(THREADS + 1)
    sampler = Sampler(panel.port)

    def work(client: Any, number: int) -> None:
        rng = random.Random(number)
        mine: list[Any] = []
        start.wait()
        # Each thread opens its first connection a little apart, and with a read: the
        # FakePanel's listen backlog (128) holds sixteen connects, but should the kernel
        # still reset one, a read is retried, where an add would rightly end in
        # OutcomeUnknownError and fail the test for the wrong reason.
        time.sleep(number * 0.005)
        for call in range(CALLS_PER_THREAD):
            try:
                pick = rng.random() if call else 0.5
                if pick < 0.25:
                    link = f"https://instagram.com/p/load-{number}-{call}"
                    quantity = 50 + rng.randrange(50)
                    created = client.add(1, link, quantity)
                    mine.append(created.order)
                    placed.append((created.order, quantity, link))
                elif pick < 0.40:
                    assert client.balance().currency == "USD"
                elif pick < 0.55:
                    status = client.status(rng.choice(mine or known))
                    assert status.status == "Pending"
                elif pick < 0.70:
                    asked = [*known[:2], *mine[-3:], 987654]
                    found = client.statuses(asked)
                    assert set(found) == set(asked)
                    assert isinstance(found[987654], ItemError)
                    assert all(isinstance(found[i], OrderStatus) for i in asked[:-1])
                elif pick < 0.80:
                    assert len(client.services()) == len(panel.services)
                elif pick < 0.90:
                    assert client.refill_status(ids.refill).status == "Pending"
                else:
                    (result,) = client.refill_statuses([ids.refill])
                    assert result.ok
            except BaseException as error:  # every failure, whatever it is, is counted
                errors.append(error)

    before = len(panel.ledger.requests)
    client = client_for(panel, timeout=(5.0, 10.0))
    threads = [threading.Thread(target=work, args=(client, n)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    sampler.start()
    started = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.monotonic() - started
    sampler.done.set()
    sampler.join()
    try:
        assert not any(thread.is_alive() for thread in threads), "a thread hung"
        assert errors == [], f"{len(errors)} calls failed, first: {errors[0]!r}"

        # Every order is the one asked for, placed once, one request per add.
        orders = panel.orders
        assert len({str(order) for order, _, _ in placed}) == len(placed)
        for order, quantity, link in placed:
            held = orders[int(order)]
            assert (held.service, held.quantity, held.link) == (1, quantity, link)
        assert len(requests_for(panel, "add", before)) == len(placed)
        load_requests = panel.ledger.requests[before:]
        assert len(load_requests) == THREADS * CALLS_PER_THREAD  # no retries were needed

        # The pool: never more connections than it holds.
        assert sampler.samples > 0
        assert 1 <= sampler.peak <= POOL_SIZE + SLACK, sampler.peak
        used = {request.connection for request in load_requests}
        assert len(used) <= POOL_SIZE + SLACK, f"{len(used)} connections opened"
        assert client_connections(panel.port) >= 1  # kept alive until close()
    finally:
        client.close()

    deadline = time.monotonic() + 2.0
    while (client_connections(panel.port), server_connections(panel.port)) != (0, 0):
        assert time.monotonic() < deadline, (
            f"after close(): {client_connections(panel.port)} client and"
            f" {server_connections(panel.port)} server connections still open"
        )
        time.sleep(0.02)
    assert elapsed < 30, f"{THREADS * CALLS_PER_THREAD} calls took {elapsed:.1f} s"
