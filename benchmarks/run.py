"""Measure smmpanel's speed and memory against baselines taken in the same run.

    python benchmarks/run.py           # full sizes; exits 1 if a figure misses its target
    python benchmarks/run.py --quick   # tiny sizes, to check the benchmarks still run

Each line is one figure: a ratio against its baseline, and the target it must meet.
Ratios, not seconds, so the figures mean the same on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import requests

from smmpanel import Client, OrderStatus, ServiceList
from smmpanel.testing import FakePanel, Fault


@dataclass
class Sizes:
    calls: int
    bulk_ids: int
    services: int
    sequential: int
    imports: int


FULL = Sizes(calls=2000, bulk_ids=10_000, services=10_000, sequential=1000, imports=21)
QUICK = Sizes(calls=50, bulk_ids=500, services=300, sequential=50, imports=3)


@dataclass
class Figure:
    name: str
    value: float
    target: float
    higher_is_better: bool = False
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def line(self, quick: bool = False) -> str:
        sign = ">=" if self.higher_is_better else "<="
        verdict = "ok" if self.ok else "MISSED"
        if quick:
            verdict = "smoke"  # tiny sizes: the run proves the benchmark works, not the figure
        return (
            f"{self.name:<44} ratio {self.value:7.2f}   target {sign} {self.target:<5}"
            f" {verdict:<6} {self.detail}"
        )


def median_seconds(call: Callable[[], object], times: int) -> float:
    """The median time of `times` calls of `call`."""
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def per_call_overhead(sizes: Sizes) -> Figure:
    """`client.status(id)` against a naive ``requests.Session().post(url, data=...).json()``
    of the same form: the client must be faster, since it reads the environment once."""
    with FakePanel() as panel, Client(panel.url, panel.api_key) as client:
        order = client.add(panel.services[0]["service"], "https://example.com/a", 1000).order
        session = requests.Session()
        form = {"key": panel.api_key, "action": "status", "order": str(order)}
        bare: list[float] = []
        ours: list[float] = []
        for _ in range(3):  # warm both paths, then interleave blocks so drift hits both
            session.post(panel.url, data=form).json()
            client.status(order)
        block = max(10, sizes.calls // 20)
        for _ in range(sizes.calls // block):
            bare.append(median_seconds(lambda: session.post(panel.url, data=form).json(), block))
            ours.append(median_seconds(lambda: client.status(order), block))
        session.close()
    ratio = statistics.median(ours) / statistics.median(bare)
    detail = (
        f"{statistics.median(ours) * 1e6:.0f} us vs {statistics.median(bare) * 1e6:.0f} us"
        f" per call, {sizes.calls} calls each"
    )
    name = "per call: status() / naive requests post().json()"
    return Figure(name, ratio, 0.70, detail=detail)


def bulk_status(sizes: Sizes) -> list[Figure]:
    """`statuses()` over many ids: the request count, and what max_workers=8 gains."""
    with FakePanel(latency=0.02) as panel, Client(panel.url, panel.api_key) as client:
        service = panel.services[0]["service"]
        placed = [client.add(service, "https://example.com/a", 1000).order for _ in range(3)]
        ids: list[int | str] = [*placed, *range(1, sizes.bulk_ids - len(placed) + 1)]
        expected_requests = -(-len(ids) // 100)
        before = len(panel.ledger.requests)
        started = time.perf_counter()
        sequential = client.statuses(ids)
        one_worker = time.perf_counter() - started
        sent = len(panel.ledger.requests) - before

        started = time.perf_counter()
        parallel = client.statuses(ids, max_workers=8)
        eight_workers = time.perf_counter() - started

        panel.inject(Fault.RATE_LIMIT, action="status", times=6, retry_after=0)
        throttled = client.statuses(ids, max_workers=8)
    kept = sum(
        1
        for order in ids
        if type(throttled[order]) is type(sequential[order]) is type(parallel[order])
    )
    real_ones = all(isinstance(throttled[order], OrderStatus) for order in placed)
    return [
        Figure(
            f"bulk: requests for {len(ids)} ids / {expected_requests}",
            sent / expected_requests,
            1.0,
            detail=f"{sent} requests",
        ),
        Figure(
            "bulk: max_workers=1 time / max_workers=8 time",
            one_worker / eight_workers,
            5.0,
            higher_is_better=True,
            detail=f"{one_worker:.2f} s vs {eight_workers:.2f} s at 20 ms a request",
        ),
        Figure(
            "bulk: answers kept through 429s / ids",
            kept / len(ids) if real_ones else 0.0,
            1.0,
            higher_is_better=True,
            detail="6 requests answered 429, none lost",
        ),
    ]


def catalog_body(count: int) -> bytes:
    """A catalog answer of `count` services, shaped like a real panel's."""
    categories = ["Instagram Followers", "Instagram Likes", "TikTok Views", "YouTube Views"]
    return json.dumps(
        [
            {
                "service": number,
                "name": f"{categories[number % 4]} [Refill 30 days] #{number}",
                "type": "Default",
                "category": categories[number % 4],
                "rate": str(Decimal(number % 997) / 100 + Decimal("0.35")),
                "min": "50",
                "max": "100000",
                "refill": number % 2 == 0,
                "cancel": number % 3 == 0,
            }
            for number in range(1, count + 1)
        ]
    ).encode()


def catalog_speed(sizes: Sizes) -> Figure:
    """Building the catalog's models from the bytes, against `json.loads` of them."""
    body = catalog_body(sizes.services)
    times = 9
    loads = min(median_seconds(lambda: json.loads(body), 1) for _ in range(times))
    ours = min(median_seconds(lambda: ServiceList.from_json(body), 1) for _ in range(times))
    detail = f"{len(body) / 1e6:.2f} MB: {ours * 1e3:.1f} ms vs {loads * 1e3:.1f} ms"
    return Figure("catalog: models from bytes / json.loads", ours / loads, 2.5, detail=detail)


_MEMORY_PROBE = textwrap.dedent(
    """
    import sys
    from smmpanel import ServiceList

    def status(field):
        with open("/proc/self/status") as lines:
            for line in lines:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise LookupError(field)

    body = open(sys.argv[1], "rb").read()
    ServiceList.from_json(b"[]")
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # restart the peak (VmHWM) from the current size
    before = status("VmRSS")
    services = ServiceList.from_json(body)
    print(len(body), status("VmRSS") - before, status("VmHWM") - before, len(services))
    """
)


def catalog_memory(sizes: Sizes) -> Figure:
    """Peak memory while reading the catalog, beyond what the models keep, per body byte."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as file:
        file.write(catalog_body(sizes.services))
    try:
        output = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, file.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(file.name)
    body_size, kept, peak, _ = (int(part) for part in output.split())
    transient = max(0, peak - kept)
    detail = (
        f"peak {peak / 1e6:.1f} MB = models {kept / 1e6:.1f} MB + {transient / 1e6:.1f} MB"
        f" for a {body_size / 1e6:.1f} MB body"
    )
    name = "catalog: peak memory beyond models / body"
    return Figure(name, transient / body_size, 3.0, detail=detail)


def fake_panel_throughput(sizes: Sizes) -> Figure:
    """Sequential keep-alive calls per second that FakePanel answers, through requests."""
    with FakePanel() as panel, requests.Session() as session:
        form = {"key": panel.api_key, "action": "balance"}
        session.post(panel.url, data=form).json()
        started = time.perf_counter()
        for _ in range(sizes.sequential):
            session.post(panel.url, data=form).json()
        rate = sizes.sequential / (time.perf_counter() - started)
    return Figure(
        "FakePanel: sequential calls per second / 1000",
        rate / 1000,
        1.0,
        higher_is_better=True,
        detail=f"{rate:.0f} calls/s",
    )


def import_time(sizes: Sizes) -> Figure:
    """`import smmpanel` against importing requests and pydantic, each in a new process."""

    # As after a normal install: compiled bytecode cached on disk for both sides.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}

    def run(code: str) -> float:
        command = [sys.executable, "-c", code]
        return median_seconds(lambda: subprocess.run(command, check=True, env=env), 1)

    ours_code, theirs_code = "import smmpanel", "import requests; from pydantic import BaseModel"
    run(ours_code), run(theirs_code)  # warm the bytecode and file caches
    ours, theirs = [], []
    for _ in range(sizes.imports):
        ours.append(run(ours_code))
        theirs.append(run(theirs_code))
    ratio = statistics.median(ours) / statistics.median(theirs)
    detail = f"{statistics.median(ours) * 1e3:.0f} ms vs {statistics.median(theirs) * 1e3:.0f} ms"
    return Figure("import smmpanel / import requests+pydantic", ratio, 1.25, detail=detail)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes; targets not enforced")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    print(f"smmpanel benchmarks ({'quick' if args.quick else 'full'}) in {Path.cwd()}")
    figures: list[Figure] = []
    for measure in (
        per_call_overhead,
        bulk_status,
        catalog_speed,
        catalog_memory,
        fake_panel_throughput,
        import_time,
    ):
        result = measure(sizes)
        for figure in result if isinstance(result, list) else [result]:
            print(figure.line(quick=args.quick), flush=True)
            figures.append(figure)
    missed = [figure.name for figure in figures if not figure.ok]
    if missed and not args.quick:
        print(f"missed targets: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
