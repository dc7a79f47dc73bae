"""Notebook display of the SDK's answers: small escaped HTML tables, and pandas data frames.

Every text that came from the panel is escaped with `html.escape`, so a service named
``<script>...</script>`` shows as text and never runs. pandas is imported only when a data
frame is asked for; it is an optional extra (``pip install "smmpanel[pandas]"``).

Money becomes ``float64`` in data frames: pandas has no built-in decimal dtype (its decimal
columns need pyarrow, which is not a dependency), and a float column is what
``nsmallest``, ``describe`` and plotting expect. The models keep exact `Decimal` amounts
for money arithmetic.
"""

from __future__ import annotations

import contextlib
import html
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from ._models import _CANONICAL_STATUSES, ItemError, PanelModel, Service, _parse_flag

__all__ = [
    "PANDAS_MISSING",
    "ROW_LIMIT",
    "SERVICE_COLUMNS",
    "STATUS_COLUMNS",
    "ErrorRow",
    "Row",
    "dripfeed",
    "frame",
    "html_table",
    "import_pandas",
    "model_html",
    "results_frame",
    "results_html",
    "services_frame",
    "services_html",
    "statuses_frame",
    "statuses_html",
    "text",
]

if TYPE_CHECKING:
    import pandas

ROW_LIMIT: Final = 50
"""Rows shown in a notebook table before the rest is summed up as "and N more"."""

PANDAS_MISSING: Final = 'to_dataframe() needs pandas: pip install "smmpanel[pandas]"'

SERVICE_COLUMNS: Final = (
    "service", "name", "category", "type", "rate", "min", "max", "refill", "cancel", "dripfeed",
)  # fmt: skip
STATUS_COLUMNS: Final = ("order", "status", "charge", "start_count", "remains", "currency")

# Column kinds in data frames. An id column keeps the ids: nullable Int64 when every id is
# an int, otherwise objects exactly as given (string ids are never turned into numbers).
_ID, _FLOAT, _INT, _CATEGORY, _BOOL, _AS_IS = "id", "float64", "Int64", "category", "bool", ""
_SERVICE_KINDS: Final = {
    "service": _ID, "rate": _FLOAT, "min": _INT, "max": _INT,
    "refill": _BOOL, "cancel": _BOOL, "dripfeed": _BOOL,
}  # fmt: skip
_STATUS_KINDS: Final = {
    "order": _ID, "status": _CATEGORY, "charge": _FLOAT, "start_count": _INT, "remains": _INT,
}  # fmt: skip
_RESULT_KINDS: Final = {
    "order": _ID, "refill": _ID, "status": _CATEGORY, "cancel": _AS_IS, "ok": _BOOL,
}  # fmt: skip

_TABLE_STYLE: Final = "border-collapse:collapse;text-align:left"
_ERROR_STYLE: Final = "color:#b00020"


class ErrorRow(NamedTuple):
    """A table row for an item the panel refused: its id, then the panel's message."""

    key: object
    error: ItemError


Row = Sequence[object] | ErrorRow


# --- HTML -------------------------------------------------------------------------


def text(value: object) -> str:
    """How one value reads in a table cell (not yet escaped)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, ItemError):
        return f"error: {value.error}"
    return str(value)


def _cell(value: object, tag: str = "td", extra: str = "") -> str:
    return f"<{tag}{extra}>{html.escape(text(value))}</{tag}>"


def _row_html(row: Row, width: int) -> str:
    if isinstance(row, ErrorRow):
        message = _cell(row.error, extra=f' colspan="{width - 1}" style="{_ERROR_STYLE}"')
        return f"<tr>{_cell(row.key)}{message}</tr>"
    return "<tr>" + "".join(_cell(value) for value in row) + "</tr>"


def html_table(
    headers: Sequence[str],
    rows: Iterable[Row],
    count: int,
    caption: str,
    *,
    limit: int = ROW_LIMIT,
) -> str:
    """An escaped HTML table of the first `limit` of `count` rows, the rest summed up in an
    "and N more" row; only the rows shown are read from `rows`."""
    width = max(len(headers), 2)
    parts = [f'<table style="{_TABLE_STYLE}">', _cell(caption, "caption")]
    parts.append("<thead><tr>" + "".join(_cell(name, "th") for name in headers) + "</tr></thead>")
    parts.append("<tbody>")
    parts.extend(_row_html(row, width) for row in itertools.islice(rows, limit))
    if count > limit:
        parts.append(f'<tr><td colspan="{width}">&hellip; and {count - limit} more</td></tr>')
    parts.append("</tbody></table>")
    return "".join(parts)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def model_html(model: PanelModel) -> str:
    """A key/value table of one answer, its extra fields included."""
    names = [*type(model).model_fields, *(model.model_extra or {})]
    rows = [(name, getattr(model, name)) for name in names]
    return html_table(("field", "value"), rows, len(rows), type(model).__name__)


def dripfeed(service: Service) -> bool:
    """Whether the service takes drip-feed orders, read leniently while the flag is still
    an extra field (``"0"``, ``"1"``, ``true``)."""
    flag = getattr(service, "dripfeed", False)
    if isinstance(flag, bool):
        return flag
    with contextlib.suppress(ValueError, TypeError):
        return _parse_flag(flag)
    return False


def _service_row(service: Service) -> tuple[object, ...]:
    return (
        service.service, service.name, service.category, service.type, service.rate,
        service.min, service.max, service.refill, service.cancel, dripfeed(service),
    )  # fmt: skip


def services_html(services: Sequence[Service], invalid: int = 0) -> str:
    """The catalog as a table; `invalid` counts the entries that could not be read."""
    caption = f"{type(services).__name__}: {_plural(len(services), 'service')}"
    if invalid:
        caption += f" ({invalid} more could not be read, see .invalid)"
    rows = (_service_row(service) for service in services)
    return html_table(SERVICE_COLUMNS, rows, len(services), caption)


def _failed_caption(name: str, count: int, word: str, failed: int) -> str:
    caption = f"{name}: {_plural(count, word)}"
    return f"{caption}, {failed} failed" if failed else caption


def statuses_html(statuses: Mapping[Any, PanelModel]) -> str:
    """Order statuses keyed by order id; a refused order is a row with the message."""
    failed = sum(isinstance(value, ItemError) for value in statuses.values())
    caption = _failed_caption(type(statuses).__name__, len(statuses), "order", failed)
    rows = (
        ErrorRow(key, value)
        if isinstance(value, ItemError)
        else (key, *(getattr(value, name, None) for name in STATUS_COLUMNS[1:]))
        for key, value in statuses.items()
    )
    return html_table(STATUS_COLUMNS, rows, len(statuses), caption)


def results_html(results: Sequence[PanelModel], columns: Sequence[str], word: str) -> str:
    """Batch results with one row each: `columns` are attribute names, the first the id;
    an item whose answer is an `ItemError` is a row with the message."""

    def row(item: PanelModel) -> Row:
        values = [getattr(item, name) for name in columns]
        error = next((value for value in values if isinstance(value, ItemError)), None)
        return ErrorRow(values[0], error) if error is not None else values

    failed = sum(isinstance(row(item), ErrorRow) for item in results)
    caption = _failed_caption(type(results).__name__, len(results), word, failed)
    return html_table(columns, (row(item) for item in results), len(results), caption)


# --- data frames -------------------------------------------------------------------


def import_pandas() -> Any:
    """The pandas module, or an `ImportError` that names the extra to install."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(PANDAS_MISSING) from exc
    return pandas


def _column(pd: Any, kind: str, values: list[Any]) -> Any:
    if kind == _FLOAT:
        return pd.Series([None if v is None else float(v) for v in values], dtype="float64")
    if kind == _INT:
        return pd.array(values, dtype="Int64")
    if kind == _BOOL:
        return pd.Series([bool(v) for v in values], dtype="bool")
    if kind == _CATEGORY:
        words = [None if v is None else str(v) for v in values]
        seen = dict.fromkeys(word for word in words if word is not None)
        known = [word for word in _CANONICAL_STATUSES if word in seen]
        return pd.Categorical(words, categories=known + [w for w in seen if w not in known])
    if kind == _ID and all(v is None or (type(v) is int) for v in values):
        return pd.array(values, dtype="Int64")
    return pd.Series(values, dtype=object) if kind in (_ID, _AS_IS) else pd.Series(values)


def frame(
    records: Sequence[Mapping[str, Any]], columns: Sequence[str], kinds: Mapping[str, str]
) -> pandas.DataFrame:
    """A data frame of `records` with `columns` first (then any extra fields), each column
    converted by its kind in `kinds`; a missing value is None."""
    pd = import_pandas()
    extras = dict.fromkeys(key for record in records for key in record if key not in columns)
    names = [*columns, *extras]
    data = {
        name: _column(pd, kinds.get(name, "infer"), [record.get(name) for record in records])
        for name in names
    }
    return pd.DataFrame(data, columns=names)


def _fields(model: PanelModel) -> dict[str, Any]:
    return {
        **(model.model_extra or {}),
        **{name: getattr(model, name) for name in type(model).model_fields},
    }


def services_frame(services: Iterable[Service]) -> pandas.DataFrame:
    """The catalog as a data frame, one row per service, extra fields as extra columns."""
    records = [{**_fields(service), "dripfeed": dripfeed(service)} for service in services]
    return frame(records, SERVICE_COLUMNS, _SERVICE_KINDS)


def statuses_frame(statuses: Mapping[Any, PanelModel]) -> pandas.DataFrame:
    """Order statuses as a data frame with an ``order`` column; a refused order keeps its
    id and has the message in ``error``."""
    records = [
        {"order": key, "error": value.error}
        if isinstance(value, ItemError)
        else {**_fields(value), "order": key, "error": None}
        for key, value in statuses.items()
    ]
    return frame(records, (*STATUS_COLUMNS, "error"), _STATUS_KINDS)


def results_frame(results: Iterable[PanelModel], columns: Sequence[str]) -> pandas.DataFrame:
    """Batch results as a data frame: `columns` are attribute names (``ok`` included), then
    ``error`` with the message of each refused item, whose answer column is empty."""
    records = []
    for item in results:
        record = {**_fields(item), **{name: getattr(item, name) for name in columns}}
        errors = [name for name, value in record.items() if isinstance(value, ItemError)]
        record["error"] = str(record[errors[0]]) if errors else None
        record.update(dict.fromkeys(errors))
        records.append(record)
    return frame(records, (*columns, "error"), _RESULT_KINDS)
