"""Price an order and check it before any money moves.

    python examples/price_and_check.py

With no SMMPANEL_API_URL set, this starts a simulated panel on your machine, prices a few
orders, shows what a check refuses, and places the one order that passes. With
SMMPANEL_API_URL and SMMPANEL_API_KEY set, it reads your real panel's catalog and prices
and checks the same kind of order there, placing nothing.
"""

from __future__ import annotations

import os

from smmpanel import Client, InvalidArgumentError, Service, ServiceList

LINK = "https://instagram.com/p/abc"


def price_and_check(catalog: ServiceList) -> Service | None:
    """Price and check orders on the first Default service, which it returns."""
    service = next((item for item in catalog if item.type.lower() == "default"), None)
    if service is None:
        print("No Default service in this catalog.")
        return None
    print(f"Service {service.service}: {service.name} at {service.rate} per 1000")
    for quantity in (service.min, 1000, service.max):
        print(f"  {quantity:>8} cost {service.cost(quantity)}")
    if service.dripfeed:
        print(f"  1000 x 5 runs cost {service.cost(1000, runs=5)}")
    for quantity in (service.min - 1, service.max + 1):
        try:
            service.check_order(quantity, link=LINK)
        except InvalidArgumentError as refused:
            print(f"Refused before sending: {refused}")
    try:
        service.check_order(service.min, link=LINK, usernames=["someone"])
    except InvalidArgumentError as refused:
        print(f"Refused before sending: {refused}")
    service.check_order(service.min, link=LINK)
    print(f"Order of {service.min} checks out: it would cost {service.cost(service.min)}")
    return service


def main() -> int:
    """Run against the panel in the environment, or a simulated one."""
    if os.environ.get("SMMPANEL_API_URL"):
        with Client() as client:
            price_and_check(client.services())
        return 0
    from smmpanel.testing import FakePanel

    with FakePanel() as panel, Client(panel.url, panel.api_key) as client:
        service = price_and_check(client.services())
        if service is not None:
            created = client.add(service, LINK, service.min)  # checked again, then sent
            print(f"Placed order {created.order}; balance now {client.balance().balance}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
