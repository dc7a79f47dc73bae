"""Notice when a provider changes its catalog: compare today's services with a saved copy.

    python examples/catalog_diff.py [SAVED.json]

With SMMPANEL_API_URL and SMMPANEL_API_KEY set, it compares your panel's catalog with the
one saved in SAVED.json (default: catalog.json) and then saves today's there for next
time. With no SMMPANEL_API_URL set, it plays both days on a simulated panel: yesterday's
catalog is saved to a temporary file, and today the provider raised two prices, dropped a
service and added one.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from smmpanel import Client, ServiceList
from smmpanel.testing import FakePanel


def report(yesterday: ServiceList, today: ServiceList) -> None:
    """Print what changed from `yesterday` to `today`."""
    changes = yesterday.diff(today)
    print(f"{len(changes.added)} added, {len(changes.removed)} removed,"
          f" {len(changes.changed)} changed")  # fmt: skip
    print(changes)
    for price in changes.price_changes:
        print(f"Price change: {price}")


def compare_real_panel(saved: Path) -> int:
    """Compare the panel's catalog with `saved`, then save today's catalog there."""
    with Client() as client:
        today = client.services()
    if saved.exists():
        report(ServiceList.load(saved), today)
    else:
        print(f"No saved catalog yet: saving today's {len(today)} services.")
    today.save(saved)
    print(f"Saved today's catalog to {saved}")
    return 0


def simulated_days() -> int:
    """Yesterday on one simulated panel, today on another with a changed catalog."""
    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / "catalog.json"
        with FakePanel() as panel, Client(panel.url, panel.api_key) as client:
            client.services().save(saved)
            yesterday = panel.services
        print(f"Saved yesterday's catalog ({saved.name})")
        today = [entry for entry in yesterday if entry["service"] != 12]
        today[0]["rate"] = "0.99"
        today[2].update(rate="0.15", max="100000")
        today.append({**today[-1], "service": 13, "name": "Twitter Likes", "rate": "0.30"})
        with FakePanel(services=today) as panel, Client(panel.url, panel.api_key) as client:
            report(ServiceList.load(saved), client.services())
    return 0


if __name__ == "__main__":
    if os.environ.get("SMMPANEL_API_URL"):
        raise SystemExit(compare_real_panel(Path(sys.argv[1] if sys.argv[1:] else "catalog.json")))
    raise SystemExit(simulated_days())
