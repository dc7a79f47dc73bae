"""ServiceList.diff and the catalog's JSON round trip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from smmpanel import CatalogDiff, Service, ServiceList


def entry(ident: int | str, **fields: Any) -> dict[str, Any]:
    return {"service": ident, "name": f"S{ident}", "type": "Default", "category": "C",
            "rate": "1.00", "min": "10", "max": "100", "refill": False, "cancel": False,
            **fields}  # fmt: skip


def catalog(*entries: dict[str, Any]) -> ServiceList:
    return ServiceList.from_items(entries)


def test_diff_finds_added_removed_and_changed_fields() -> None:
    old = catalog(entry(1), entry(2), entry(3, rate="0.90"), entry(4))
    new = catalog(
        entry(5),
        entry("3", rate="0.99", max="200"),  # "3" is service 3
        entry(4, dripfeed=True, name="Renamed"),
        entry(1),
    )
    changes = old.diff(new)
    assert [item.service for item in changes.added] == [5]
    assert [item.service for item in changes.removed] == [2]
    assert [(change.service, change.fields) for change in changes.changed] == [
        ("3", ("rate", "max")),
        (4, ("dripfeed", "name")),
    ]
    assert changes.changed[0].before.rate == Decimal("0.90")
    (price,) = changes.price_changes
    assert (price.old_rate, price.new_rate, price.percent) == (
        Decimal("0.90"), Decimal("0.99"), Decimal("10.00"),
    )  # fmt: skip
    assert str(price) == "3: 0.90 -> 0.99 (+10.00%)"


def test_every_compared_field_counts_and_nothing_else() -> None:
    changed = {"rate": "2", "min": "1", "max": "99", "refill": True, "cancel": True,
               "dripfeed": True, "name": "x", "category": "y", "type": "Package"}  # fmt: skip
    for name, value in changed.items():
        (change,) = catalog(entry(1)).diff(catalog(entry(1, **{name: value}))).changed
        assert change.fields == (name,)
    assert not catalog(entry(1)).diff(catalog(entry(1, desc="new text", rate="1.0")))


def test_a_price_from_zero_has_no_percentage() -> None:
    (price,) = catalog(entry(1, rate="0")).diff(catalog(entry(1, rate="1"))).price_changes
    assert price.percent is None
    assert "new price" in str(price)


def test_an_empty_diff_is_falsy_and_says_so() -> None:
    same = catalog(entry(1), entry(2))
    changes = same.diff(catalog(entry(2), entry(1)))
    assert changes == CatalogDiff()
    assert not changes
    assert str(changes) == "no changes"


service_entries = st.builds(
    entry,
    ident=st.integers(1, 10**6) | st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True),
    rate=st.decimals(min_value=0, max_value=10**4, places=4).map(str),
    dripfeed=st.sampled_from([True, False, "1", "0"]),
    desc=st.text(max_size=20),
    name=st.text(max_size=30),
)


@given(st.lists(service_entries, max_size=8))
def test_a_catalog_reads_back_equal_from_its_json(entries: list[dict[str, Any]]) -> None:
    services = catalog(*entries)
    back = ServiceList.from_json(services.to_json())
    assert back == services
    assert [type(item.service) for item in back] == [type(item.service) for item in services]
    assert not services.diff(back)


def test_save_and_load(tmp_path: Path) -> None:
    services = catalog(entry(1, drip_feed="1", average_time="2 hours"), entry(2, rate="0.90"))
    path = tmp_path / "catalog.json"
    services.save(path)
    loaded = ServiceList.load(path)
    assert loaded == services
    assert loaded[0].dripfeed is True
    assert str(loaded[1].rate) == "0.90"
    assert loaded[0].model_extra == {"average_time": "2 hours"}


def test_load_reads_a_raw_answer_with_an_odd_entry(tmp_path: Path) -> None:
    path = tmp_path / "raw.json"
    path.write_text('[{"service": 1, "rate": "1,5", "min": "1", "max": "9"}, {"oops": 1}]')
    loaded = ServiceList.load(path)
    assert [item.rate for item in loaded] == [Decimal("1.5")]
    assert len(loaded.invalid) == 1


def test_service_list_diff_accepts_a_plain_list() -> None:
    new = [Service.model_validate(entry(1, rate="2"))]
    assert catalog(entry(1)).diff(new).changed[0].fields == ("rate",)
