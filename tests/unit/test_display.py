"""Notebook display: escaped HTML tables, data frames with numeric dtypes, and the batch
result containers that stay equal to plain dicts and lists."""

from __future__ import annotations

import pickle
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smmpanel import (
    Balance,
    CancelResult,
    CancelResults,
    ItemError,
    OrderStatus,
    RefillResult,
    RefillResults,
    RefillStatusResult,
    RefillStatusResults,
    Service,
    ServiceList,
    StatusMap,
)

SCRIPT = "<script>alert(1)</script>"


def service(service_id: int | str = 1, name: str = "Followers", rate: str = "0.90") -> Service:
    return Service.from_answer(
        {"service": service_id, "name": name, "category": "Instagram", "type": "Default",
         "rate": rate, "min": "10", "max": "1000", "refill": True, "dripfeed": "1"}
    )  # fmt: skip


def catalog(count: int) -> ServiceList:
    return ServiceList(service(n, f"s{n}", rate=str(Decimal(count - n) / 4)) for n in range(count))


def status(word: str = "In progress", **fields: object) -> OrderStatus:
    return OrderStatus.from_answer(
        {"charge": "0.27819", "start_count": "3572", "status": word, "remains": "157", **fields}
    )


def mixed_statuses() -> StatusMap:
    return StatusMap(
        {
            1: status("Completed", remains="0"),
            "x7": ItemError(error="Incorrect order ID"),
            3: status("cancelled", start_count="", remains=None),
        }
    )


def batch_results() -> list[RefillResults | RefillStatusResults | CancelResults]:
    refused = ItemError(error="Incorrect order ID")
    return [
        RefillResults([RefillResult(order=1, refill=10), RefillResult(order=2, refill=refused)]),
        RefillStatusResults(
            [
                RefillStatusResult.model_validate({"refill": 10, "status": "Completed"}),
                RefillStatusResult(refill=11, status=ItemError(error="Refill not found")),
            ]
        ),
        CancelResults([CancelResult(order=1, cancel=1), CancelResult(order=2, cancel=refused)]),
    ]


# --- HTML ---------------------------------------------------------------------------------


def test_panel_text_is_escaped_everywhere() -> None:
    outputs = [
        ServiceList([service(name=SCRIPT)])._repr_html_(),
        service(name=SCRIPT)._repr_html_(),
        StatusMap({1: ItemError(error=SCRIPT)})._repr_html_(),
        RefillResults([RefillResult(order=1, refill=ItemError(error=SCRIPT))])._repr_html_(),
    ]
    for output in outputs:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in output
        assert "<script" not in output


@given(st.text())
def test_no_panel_text_adds_markup(name: str) -> None:
    plain = ServiceList([service(name="x")])._repr_html_()
    shown = ServiceList([service(name=name)])._repr_html_()
    assert shown.count("<") == plain.count("<")
    assert shown.count(">") == plain.count(">")


@pytest.mark.parametrize(("count", "rows", "more"), [(0, 0, None), (50, 50, None), (53, 50, 3)])
def test_long_tables_are_cut_with_and_n_more(count: int, rows: int, more: int | None) -> None:
    output = catalog(count)._repr_html_()
    service_rows = output.count("<tr><td>")
    assert service_rows == rows
    assert (f"and {more} more" in output) == (more is not None)


def test_catalog_table_columns_and_caption() -> None:
    services = ServiceList([service()], invalid=[ItemError(error="unreadable service: {}")])
    output = services._repr_html_()
    names = ["service", "name", "category", "type", "rate", "min", "max"]
    names += ["refill", "cancel", "dripfeed"]
    headers = "".join(f"<th>{name}</th>" for name in names)
    assert headers in output
    assert "<td>0.90</td><td>10</td><td>1000</td><td>yes</td><td>no</td><td>yes</td>" in output
    assert "ServiceList: 1 service (1 more could not be read, see .invalid)" in output


def test_refused_items_are_rows_with_the_message() -> None:
    output = mixed_statuses()._repr_html_()
    assert "StatusMap: 3 orders, 1 failed" in output
    assert '<td>x7</td><td colspan="5"' in output
    assert "error: Incorrect order ID</td>" in output
    for results in batch_results():
        shown = results._repr_html_()
        assert "1 failed" in shown
        assert '<td>2</td><td colspan="2"' in shown or '<td>11</td><td colspan="2"' in shown


def test_single_answer_is_a_key_value_table() -> None:
    output = Balance.model_validate({"balance": "100.84", "currency": "USD"})._repr_html_()
    assert "<caption>Balance</caption>" in output
    assert "<tr><td>balance</td><td>100.84</td></tr>" in output
    assert "<tr><td>currency</td><td>USD</td></tr>" in output


# --- data frames -------------------------------------------------------------------------


def test_catalog_frame_has_numeric_columns() -> None:
    df = catalog(8).to_dataframe()
    assert list(df.columns[:10]) == [
        "service", "name", "category", "type", "rate", "min", "max", "refill", "cancel", "dripfeed",
    ]  # fmt: skip
    assert df["rate"].dtype == "float64"
    assert df["min"].dtype == "Int64"
    assert df["max"].dtype == "Int64"
    assert df["dripfeed"].dtype == bool
    assert df["dripfeed"].all()
    assert list(df.nsmallest(3, "rate")["service"]) == [7, 6, 5]
    assert df.describe().loc["max", "rate"] == 2.0


def test_catalog_frame_keeps_string_ids_and_extra_fields() -> None:
    extra = Service.model_validate({**service("a-1").model_dump(), "desc": "Real followers"})
    df = ServiceList([extra, service("b2")]).to_dataframe()
    assert list(df["service"]) == ["a-1", "b2"]
    assert list(df["desc"].fillna("")) == ["Real followers", ""]


def test_status_frame_dtypes_and_failed_items() -> None:
    df = mixed_statuses().to_dataframe()
    assert list(df["order"]) == [1, "x7", 3]
    assert df["status"].dtype == "category"
    assert list(df["status"].cat.categories) == ["Completed", "Canceled"]
    assert (df["status"] == "Canceled").tolist() == [False, False, True]
    assert df["charge"].dtype == "float64"
    assert df["start_count"].dtype == "Int64"
    assert df["remains"].dtype == "Int64"
    assert df["start_count"].isna().tolist() == [False, True, True]
    assert df["error"].tolist()[1] == "Incorrect order ID"
    assert df["error"].isna().tolist() == [True, False, True]
    assert df.loc[1, "charge"] != df.loc[1, "charge"]  # NaN for the refused order


def test_int_ids_are_nullable_ints() -> None:
    df = StatusMap({5: status(), 6: ItemError(error="Incorrect order ID")}).to_dataframe()
    assert df["order"].dtype == "Int64"
    assert df["order"].tolist() == [5, 6]
    assert df["charge"].sum() == pytest.approx(0.27819)


def test_batch_frames_keep_ids_with_an_error_column() -> None:
    refills, refill_statuses, cancels = (results.to_dataframe() for results in batch_results())
    assert refills[["order", "refill", "ok"]].astype(object).values.tolist() == [
        [1, 10, True],
        [2, pd.NA, False],
    ]
    assert refill_statuses["status"].dtype == "category"
    assert refill_statuses["refill"].tolist() == [10, 11]
    assert cancels["cancel"].tolist() == [1, None]
    for df, message in [(refills, "Incorrect order ID"), (refill_statuses, "Refill not found")]:
        assert df["error"].isna().tolist() == [True, False]
        assert df["error"].iloc[1] == message


def test_empty_results_give_empty_frames_with_the_columns() -> None:
    df = StatusMap().to_dataframe()
    assert len(df) == 0
    assert list(df.columns) == [
        "order", "status", "charge", "start_count", "remains", "currency", "error",
    ]  # fmt: skip
    assert df["charge"].dtype == "float64"
    assert ServiceList().to_dataframe()["rate"].dtype == "float64"


def test_missing_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    for container in [ServiceList([service()]), mixed_statuses(), *batch_results()]:
        with pytest.raises(ImportError, match=r'pip install "smmpanel\[pandas\]"'):
            container.to_dataframe()


def test_importing_the_package_loads_neither_pandas_nor_tqdm() -> None:
    script = "import sys, smmpanel; print('pandas' in sys.modules, 'tqdm' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stdout.split() == ["False", "False"]


# --- the containers ------------------------------------------------------------------------


def test_containers_equal_plain_ones_pickle_and_read_well() -> None:
    statuses = mixed_statuses()
    assert statuses == dict(statuses)
    assert StatusMap({1: status()}) == {1: status()}
    assert pickle.loads(pickle.dumps(statuses)) == statuses
    assert type(pickle.loads(pickle.dumps(statuses))) is StatusMap
    assert repr(StatusMap()) == "StatusMap({})"
    assert statuses.failed == {"x7": ItemError(error="Incorrect order ID")}
    for results in batch_results():
        assert results == list(results)
        copy = pickle.loads(pickle.dumps(results))
        assert copy == results
        assert type(copy) is type(results)
        assert repr(results).startswith(f"{type(results).__name__}([")
        assert len(results.failed) == 1


def test_catalog_pickles_with_its_unreadable_entries() -> None:
    services = ServiceList([service()], invalid=[ItemError(error="unreadable service: {}")])
    copy = pickle.loads(pickle.dumps(services))
    assert copy == services
    assert copy.invalid == services.invalid
