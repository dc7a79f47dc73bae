"""Containers for the answers of the batch calls.

They are thin `dict` and `list` subclasses: equal to plain ones, pickled like them, with
a notebook table (`_repr_html_`) and `to_dataframe()` on top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from ._models import CancelResult, Id, ItemError, OrderStatus, RefillResult, RefillStatusResult

__all__ = [
    "CancelResults",
    "RefillResults",
    "RefillStatusResults",
    "Result",
    "ResultList",
    "StatusMap",
]

if TYPE_CHECKING:
    import pandas

Result = TypeVar("Result", RefillResult, RefillStatusResult, CancelResult)


class StatusMap(dict[Id, OrderStatus | ItemError]):
    """The answer of `statuses()`: each order's `OrderStatus`, or the `ItemError` the panel
    gave for it, keyed by the ids as they were passed."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"

    def _repr_html_(self) -> str:
        from . import _display  # only when shown: it imports html

        return _display.statuses_html(self)

    def to_dataframe(self) -> pandas.DataFrame:
        """A data frame with one row per order: ``order``, ``status`` (categorical),
        ``charge`` (float64), ``start_count`` and ``remains`` (Int64), ``currency``,
        ``error`` (the message for a refused order), then any extra fields."""
        from . import _display  # only when shown: it imports html

        return _display.statuses_frame(self)

    @property
    def failed(self) -> dict[Id, ItemError]:
        """The orders the panel refused, with its message for each."""
        return {key: value for key, value in self.items() if isinstance(value, ItemError)}


class ResultList(list[Result], Generic[Result]):
    """Base of the list answers of batch calls: one result per id, in the order given."""

    _columns: ClassVar[tuple[str, ...]]
    _word: ClassVar[str]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list.__repr__(self)})"

    def _repr_html_(self) -> str:
        from . import _display  # only when shown: it imports html

        return _display.results_html(self, self._columns, self._word)

    def to_dataframe(self) -> pandas.DataFrame:
        """A data frame with one row per result, an ``ok`` column, and an ``error`` column
        holding the panel's message for a refused item (which keeps its id)."""
        from . import _display  # only when shown: it imports html

        return _display.results_frame(self, self._columns)

    @property
    def failed(self) -> list[Result]:
        """The results the panel refused or did not accept."""
        return [item for item in self if not item.ok]


class RefillResults(ResultList[RefillResult]):
    """The answer of `refills()`: a `RefillResult` per order."""

    _columns = ("order", "refill", "ok")
    _word = "order"


class RefillStatusResults(ResultList[RefillStatusResult]):
    """The answer of `refill_statuses()`: a `RefillStatusResult` per refill."""

    _columns = ("refill", "status", "ok")
    _word = "refill"


class CancelResults(ResultList[CancelResult]):
    """The answer of `cancel()`: a `CancelResult` per order; ``ok`` says whether the panel
    accepted the request, not that the order is already canceled."""

    _columns = ("order", "cancel", "ok")
    _word = "order"
