"""Quickstart: the whole life of an order, with no account needed.

    pip install . && python examples/quickstart.py

With no SMMPANEL_API_URL set, this starts a simulated panel on your machine and walks
through every action: balance, services, a default order, a drip-feed order, custom
comments, batch status, refill, refill status and cancel. With SMMPANEL_API_URL and
SMMPANEL_API_KEY set, it reads your real panel and places an order only when you pass
--place-order SERVICE LINK QUANTITY.

The tour itself is `smmpanel.demo`, also available as the `smmpanel demo` command.
"""

from smmpanel.demo import main

if __name__ == "__main__":
    raise SystemExit(main())
