"""A guided tour of the SDK: the whole life of an order, with no account needed.

With no ``SMMPANEL_API_URL`` set, it starts a `FakePanel` on this machine and walks
through every action. With the url and key set, it runs the read-only part against that
panel, and places one order only when asked with ``--place-order``.

Run it as ``smmpanel demo`` or ``python examples/quickstart.py``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._client import Client
from ._errors import APIError
from ._models import Id, ItemError, ServiceList

if TYPE_CHECKING:
    from .testing import FakePanel


def main(argv: Sequence[str] | None = None) -> int:
    """Run the tour; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="smmpanel demo", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--place-order",
        nargs=3,
        metavar=("SERVICE", "LINK", "QUANTITY"),
        help="on a real panel, also place this one order (it spends money)",
    )
    args = parser.parse_args(argv)
    if args.place_order and not args.place_order[2].isdigit():
        parser.error(f"QUANTITY must be a whole number, not {args.place_order[2]!r}")
    if os.environ.get("SMMPANEL_API_URL"):
        return tour_of_real_panel(args.place_order)
    from .testing import FakePanel

    with FakePanel() as panel:
        tour_of_fake_panel(panel)
    return 0


def tour_of_real_panel(order: Sequence[str] | None) -> int:
    """The read-only part of the tour against the panel in the environment variables."""
    with Client() as client:
        print(f"Panel: {client.api_url}")
        show_balance(client)
        show_catalog(client.services())
        if order is None:
            print("\nNo order placed: pass --place-order SERVICE LINK QUANTITY to place one.")
            return 0
        service, link, quantity = order
        created = client.add(service, link, int(quantity))
        print(f"\nPlaced order {created.order}; its status: {client.status(created.order).status}")
    return 0


def tour_of_fake_panel(panel: FakePanel) -> None:
    """Every action against a simulated panel, moving its clock to show orders progress."""
    print(f"A simulated panel is running at {panel.url} (no account, no money spent).\n")
    with Client(panel.url, panel.api_key) as client:
        show_balance(client)
        services = client.services()
        show_catalog(services)
        orders = place_orders(client, services)
        follow_orders(panel, client, services, orders)


def place_orders(client: Client, services: ServiceList) -> list[Id]:
    """Place a default, a drip-feed and a custom-comments order; their ids."""
    step("A default order, for a service that offers refills")
    followers = next(s for s in services if s.type == "Default" and s.refill)
    first = client.add(followers.service, "https://instagram.com/example", 1000)
    print(f"Order {first.order}: 1000 x {followers.name}")

    step("A drip-feed order: 5 runs of 200, one every 30 minutes")
    drip = next(s for s in services if s.dripfeed)
    dripped = client.add(drip.service, "https://instagram.com/p/abc", 200, runs=5, interval=30)
    print(f"Order {dripped.order}: {drip.name}")

    step("Custom comments: one comment per line, the quantity follows from them")
    commented = next(s for s in services if s.type == "Custom Comments")
    comments = [
        "Love this!", "Great shot", "Where was this taken?", "Amazing colours",
        "So good", "Wow", "Beautiful", "Need to go there", "Perfect light", "Saved it",
    ][: max(commented.min, 1)]  # fmt: skip
    talk = client.add(commented.service, "https://instagram.com/p/abc", comments=comments)
    print(f"Order {talk.order}: {len(comments)} comments")

    step("All three in one request (an unknown id is an error item, not an exception)")
    orders = [first.order, dripped.order, talk.order]
    show_statuses(client, [*orders, 999_999_999])
    return orders


def follow_orders(
    panel: FakePanel, client: Client, services: ServiceList, orders: list[Id]
) -> None:
    """Move the panel's clock, then refill, cancel, and show an error."""
    first, dripped = orders[0], orders[1]
    followers = next(s for s in services if s.type == "Default" and s.refill)
    step("Two hours later: one order done, one delivered only in part (and refunded)")
    panel.advance(7200)
    panel.complete(int(first))
    panel.complete(int(dripped), remains=120)
    show_statuses(client, orders)

    step("Refill the completed order, and follow the refill")
    refill = client.refill(first)
    status = client.refill_status(refill.refill).status
    print(f"Refill {refill.refill} requested; status: {status}")
    panel.advance(3600)
    for result in client.refill_statuses([refill.refill]):
        print(f"Refill {result.refill}: {result.status}")

    step("Place an order, then change your mind")
    cancellable = next(s for s in services if s.cancel and s.type == "Default")
    spare = client.add(cancellable.service, "https://instagram.com/example", cancellable.min)
    for canceled in client.cancel([spare.order]):
        verdict = canceled.cancel if canceled.ok else f"refused: {canceled.cancel}"
        print(f"Order {canceled.order}: cancel request {verdict}")
    print(f"Order {spare.order} is now {client.status(spare.order).status}")

    step("Errors are exceptions with the panel's own message")
    try:
        client.add(followers.service, "https://instagram.com/example", 1)
    except APIError as error:
        print(f"{type(error).__name__}: {error}")
    show_balance(client)


def step(title: str) -> None:
    """Print the heading of one step of the tour."""
    print(f"\n== {title}")


def show_balance(client: Client) -> None:
    """Print the account's balance."""
    balance = client.balance()
    print(f"Balance: {balance.balance} {balance.currency or ''}")


def show_catalog(services: ServiceList, per_category: int = 3) -> None:
    """Print a few services of each category."""
    print(f"\nCatalog: {len(services)} services in {len(services.categories())} categories")
    for category in services.categories():
        print(f"  {category}")
        for service in services.in_category(category)[:per_category]:
            extras = ", ".join(word for word in ("refill", "cancel") if getattr(service, word))
            print(
                f"    #{service.service:<4} {service.name:<40} {service.rate:>8}/1000"
                f"  min {service.min}, max {service.max}{'  (' + extras + ')' if extras else ''}"
            )


def show_statuses(client: Client, orders: Sequence[int | str]) -> None:
    """Print the statuses of orders, fetched in one batch."""
    for order, status in client.statuses(orders).items():
        if isinstance(status, ItemError):
            print(f"  order {order}: error: {status}")
        else:
            print(
                f"  order {order}: {status.status:<12} charge {status.charge}"
                f"  start count {status.start_count}  remains {status.remains}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
