"""Comparing two catalogs: what a provider added, removed or changed since last time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ._models import Service

__all__ = ["COMPARED_FIELDS", "CatalogDiff", "PriceChange", "ServiceChange", "diff"]

COMPARED_FIELDS: Final = (
    "rate",
    "min",
    "max",
    "refill",
    "cancel",
    "dripfeed",
    "name",
    "category",
    "type",
)
"""The fields whose change makes a service count as changed, in this order."""


@dataclass(frozen=True)
class ServiceChange:
    """One service present in both catalogs whose `fields` differ."""

    before: Service
    after: Service
    fields: tuple[str, ...]

    @property
    def service(self) -> str | int:
        """The service's id."""
        return self.after.service


@dataclass(frozen=True)
class PriceChange:
    """A service whose rate moved: the rates before and after, and the change in percent
    (rounded to 0.01; None when the old rate was 0)."""

    before: Service
    after: Service

    @property
    def service(self) -> str | int:
        """The service's id."""
        return self.after.service

    @property
    def old_rate(self) -> Decimal:
        """The rate per 1000 before."""
        return self.before.rate

    @property
    def new_rate(self) -> Decimal:
        """The rate per 1000 now."""
        return self.after.rate

    @property
    def percent(self) -> Decimal | None:
        """The change as a percentage of the old rate: 0.90 to 0.99 is ``Decimal("10.00")``."""
        if self.old_rate == 0:
            return None
        change = (self.new_rate - self.old_rate) / self.old_rate * 100
        return change.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)

    def __str__(self) -> str:
        shown = "new price" if self.percent is None else f"{self.percent:+}%"
        return f"{self.service}: {self.old_rate} -> {self.new_rate} ({shown})"


@dataclass(frozen=True)
class CatalogDiff:
    """What changed between two catalogs, services matched by id. It is falsy when
    nothing did."""

    added: list[Service] = field(default_factory=list)
    removed: list[Service] = field(default_factory=list)
    changed: list[ServiceChange] = field(default_factory=list)

    @property
    def price_changes(self) -> list[PriceChange]:
        """The changed services whose rate moved."""
        return [
            PriceChange(item.before, item.after) for item in self.changed if "rate" in item.fields
        ]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def __str__(self) -> str:
        if not self:
            return "no changes"
        lines = [f"+ {item.service} {item.name} ({item.rate} per 1000)" for item in self.added]
        lines += [f"- {item.service} {item.name}" for item in self.removed]
        for change in self.changed:
            shown = ", ".join(
                f"{name} {getattr(change.before, name)!s} -> {getattr(change.after, name)!s}"
                for name in change.fields
            )
            lines.append(f"~ {change.service} {change.after.name}: {shown}")
        return "\n".join(lines)


def diff(older: Iterable[Service], newer: Iterable[Service]) -> CatalogDiff:
    """Compare two catalogs; ids ``5`` and ``"5"`` are the same service."""
    before = {str(item.service): item for item in older}
    after = {str(item.service): item for item in newer}
    changed = []
    for key, now in after.items():
        then = before.get(key)
        if then is None:
            continue
        fields = tuple(
            name for name in COMPARED_FIELDS if getattr(then, name) != getattr(now, name)
        )
        if fields:
            changed.append(ServiceChange(then, now, fields))
    return CatalogDiff(
        added=[item for key, item in after.items() if key not in before],
        removed=[item for key, item in before.items() if key not in after],
        changed=changed,
    )
