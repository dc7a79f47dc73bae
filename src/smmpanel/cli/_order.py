"""``smmpanel add``: find the service, check the order, confirm on a terminal, send."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from .. import InvalidArgumentError, OrderCreated, Service
from ._context import Context
from ._exits import Declined
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
    _check(service, args.quantity, runs=args.runs, interval=args.interval, **extras)
    confirm(ctx, service)
    order = {"service": service.service, "link": args.link, "quantity": args.quantity,
             "runs": args.runs, "interval": args.interval, **extras}  # fmt: skip
    with ctx.sending("add", order):
        # Passing the Service itself once Client.add takes one lets the client check it too.
        return client.add(
            service.service,
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


def _check(
    service: Service,
    quantity: int | None,
    *,
    runs: int | None,
    interval: int | None,
    **params: Any,
) -> None:
    """Check the order against the service before anything is sent.

    Placeholder: becomes ``service.check_order(quantity, runs=runs, interval=interval,
    **params)`` once the order-lifecycle tools land; until then the panel checks it.
    """
    del service, quantity, runs, interval, params


def _estimate(service: Service, quantity: int | None, runs: int | None) -> Decimal | None:
    """The estimated charge of the order, or None when unknown.

    Placeholder: becomes ``service.cost(quantity, runs)`` once the order-lifecycle tools
    land; until then it computes nothing and the summary shows no estimate.
    """
    del service, quantity, runs
    return None


def summary(service: Service, args: argparse.Namespace) -> list[str]:
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
    estimate = _estimate(service, args.quantity, args.runs)
    if estimate is not None:
        lines.append(f"estimated charge: {estimate}")
    return lines


def confirm(ctx: Context, service: Service) -> None:
    """Ask before placing the order when stdin is a terminal and ``--yes`` was not given;
    raises `Declined` unless the answer is yes."""
    if ctx.args.yes or not ctx.stdin.isatty():
        return
    for line in summary(service, ctx.args):
        print(line, file=ctx.stderr)
    print("Place this order? [y/N] ", end="", file=ctx.stderr, flush=True)
    answer = ctx.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise Declined("the order was not placed")
