"""Place a batch of orders and follow them until every one has finished.

    python examples/track_orders.py [ORDER_ID ...]

With no SMMPANEL_API_URL set, this starts a simulated panel, places five orders and
tracks them on the panel's own clock, so minutes of delivery pass in a moment. With
SMMPANEL_API_URL and SMMPANEL_API_KEY set, it places nothing: it tracks the order ids
you pass, polling every 30 seconds.
"""

from __future__ import annotations

import os
import sys

from smmpanel import Client, ItemError, OrderTracker

LINK = "https://instagram.com/p/abc"


def follow(tracker: OrderTracker) -> None:
    """Print every status change until the orders are final."""
    for change in tracker:
        if isinstance(change.after, ItemError):
            print(f"order {change.order}: the panel says {change.after}")
        else:
            print(f"{change}  (remains {change.after.remains})")
    finished = [status for status in tracker.seen.values() if not isinstance(status, ItemError)]
    print(f"All {len(finished)} orders finished.")


def main(orders: list[str]) -> int:
    """Track `orders` on the panel in the environment, or a batch on a simulated one."""
    if os.environ.get("SMMPANEL_API_URL"):
        with Client() as client:
            follow(client.track(orders, poll=30))
        return 0
    from smmpanel.testing import FakePanel

    with FakePanel() as panel, Client(panel.url, panel.api_key) as client:
        placed = [client.add(1, LINK, 100 * n) for n in range(1, 4)]
        placed.append(client.add(9, LINK, 1000, runs=3, interval=2))  # drip-feed: 3 runs
        placed.append(client.add(3, LINK, 500))
        panel.set_order_status(int(placed[-1].order), "Canceled")
        print(f"Placed {len(placed)} orders: {', '.join(str(item.order) for item in placed)}")
        # The panel's clock instead of the wall clock: each wait moves the panel's time.
        follow(client.track(placed, poll=30, clock=lambda: panel.now, sleep=panel.advance))
        print(f"That took {panel.now:.0f} s of panel time.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
