"""``smmpanel add``: find the service, check the order, confirm on a terminal, send."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from .. import Client, InvalidArgumentError, OrderCreated, Service, SMMPanelError
from .._ordercheck import check_order, rule_for
from ._context import Context
from ._exits import Declined
from ._output import ELLIPSIS
from ._values import count, order_params, parse_id


def add_order_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``add``."""
    parser.add_argument("service", metavar="SERVICE", help="the service id")
    parser.add_argument("link", nargs="?", metavar="LINK", help="the page or post to promote")
    parser.add_argument("quantity", nargs="?", type=count, metavar="QUANTITY")
    parser.add_argument("--runs", type=count, help="drip-feed: how many runs")
    parser.add_argument("--interval", type=count, help="drip-feed: minutes between runs")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other order parameter, e.g. comments='first\\nsecond'; repeatable",
    )
    parser.add_argument(
        "-y", "--yes", action="store_true", help="place it without asking (never asked off a tty)"
    )


def add_order(ctx: Context) -> OrderCreated:
    """Place the order described by the arguments, after checking and confirming it."""
    args = ctx.args
    extras = order_params(args.param)
    client = ctx.client()
    service = find_service(client.services(), args.service)
    check(service, args, extras)  # before asking: a question about a bad order is no use
    confirm(ctx, service, extras, client)
    order = {"service": service.service, "link": args.link, "quantity": args.quantity,
             "runs": args.runs, "interval": args.interval, **extras}  # fmt: skip
    with ctx.sending("add", order):
        # Given the Service, the client checks the order again before sending it.
        return client.add(
            service,
            args.link,
            args.quantity,
            runs=args.runs,
            interval=args.interval,
            **extras,
        )


def find_service(catalog: list[Service], wanted: str) -> Service:
    """The catalog's service with id `wanted`; a missing one is refused before sending."""
    key = str(parse_id(wanted))
    for service in catalog:
        if str(service.service) == key:
            return service
    raise InvalidArgumentError(
        f"the panel has no service {wanted!r}: see `smmpanel services` for the ids"
    )


def check(service: Service, args: argparse.Namespace, extras: dict[str, Any]) -> None:
    """Check the order against the service before anything is sent; raises
    `InvalidArgumentError` (a usage error) naming the problem."""
    check_order(
        service,
        args.quantity,
        runs=args.runs,
        interval=args.interval,
        params={"link": args.link, **extras},
        require_link=True,
    )


def estimate(
    service: Service, quantity: int | None, runs: int | None, extras: dict[str, Any]
) -> Decimal | None:
    """The estimated charge of the order, or None when it cannot be priced (a
    subscription, say, is charged per post)."""
    rule = rule_for(service.type)
    if quantity is None and rule is not None and rule.quantity == "lines" and rule.lines:
        text = str(extras.get(rule.lines, ""))
        quantity = sum(1 for line in text.splitlines() if line.strip())
    try:
        return service.cost(quantity, runs)
    except InvalidArgumentError:
        return None


def summary(
    service: Service,
    args: argparse.Namespace,
    extras: dict[str, Any] | None = None,
    currency: str | None = None,
) -> list[str]:
    """What the confirmation shows: the service, the link, the quantity and the charge."""
    lines = [
        f"service:  {service.service}  {service.name}",
        f"          {service.category}, {service.type}, {service.rate} per 1000,"
        f" {service.min}-{service.max}",
        f"link:     {args.link if args.link is not None else '(none)'}",
        f"quantity: {args.quantity if args.quantity is not None else '(none)'}",
    ]
    if args.runs is not None:
        lines.append(f"runs:     {args.runs} every {args.interval or '?'} min")
    for name, value in (extras or {}).items():
        shown = str(value).replace("\n", " | ")
        lines.append(f"{name + ':':<9} {shown if len(shown) <= 60 else shown[:59] + ELLIPSIS}")
    charge = estimate(service, args.quantity, args.runs, extras or {})
    if charge is not None:
        lines.append(f"estimated charge: {charge}{f' {currency}' if currency else ''}")
    return lines


def confirm(
    ctx: Context,
    service: Service,
    extras: dict[str, Any] | None = None,
    client: Client | None = None,
) -> None:
    """Ask before placing the order when stdin is a terminal and ``--yes`` was not given;
    raises `Declined` unless the answer is yes. With `client`, the estimated charge is
    shown in the account's currency."""
    if ctx.args.yes or not ctx.stdin.isatty():
        return
    currency = None if client is None else _currency(client)
    for line in summary(service, ctx.args, extras, currency):
        print(line, file=ctx.stderr)
    print("Place this order? [y/N] ", end="", file=ctx.stderr, flush=True)
    answer = ctx.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise Declined("the order was not placed")


def _currency(client: Client) -> str | None:
    """The account's currency, for the estimate; one cheap read, and none is fine."""
    try:
        return client.balance().currency
    except SMMPanelError:
        return None
