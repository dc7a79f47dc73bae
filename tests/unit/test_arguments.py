"""Bad arguments are refused with a ValueError before anything is sent, and the message
names the bad value but never the key."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from unit_support import KEY, URL, form_of

from smmpanel import Client, InvalidArgumentError, SMMPanelError

BAD_IDS = [0, -1, -100, True, False, 1.5, 2.0, None, "", "1,2", "1 2", "a\tb", " 7", "7\n", b"7"]


def assert_refused(rsps: Any, call: Callable[[], Any], *shown: str) -> InvalidArgumentError:
    with pytest.raises(InvalidArgumentError) as caught:
        call()
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, SMMPanelError)
    assert len(rsps.calls) == 0
    assert KEY not in str(error)
    assert KEY not in repr(error)
    for text in shown:
        assert text in str(error), f"{text!r} not named in {str(error)!r}"
    return error


# --- ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
@pytest.mark.parametrize("method", ["status", "refill", "refill_status"])
def test_single_id_methods_refuse_bad_ids(rsps, client: Client, method: str, bad: Any) -> None:
    assert_refused(rsps, lambda: getattr(client, method)(bad), repr(bad))


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
@pytest.mark.parametrize("method", ["statuses", "refills", "refill_statuses", "cancel"])
def test_multi_id_methods_refuse_a_bad_id_among_good_ones(
    rsps, client: Client, method: str, bad: Any
) -> None:
    assert_refused(rsps, lambda: getattr(client, method)([1, 2, bad, 3]), repr(bad))


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_add_refuses_a_bad_service_id(rsps, client: Client, bad: Any) -> None:
    assert_refused(rsps, lambda: client.add(bad, "https://x.example/p", 10), repr(bad))


@pytest.mark.parametrize("method", ["statuses", "refills", "refill_statuses", "cancel"])
@pytest.mark.parametrize("empty", [[], (), iter([]), {}], ids=repr)
def test_an_empty_id_list_costs_nothing(rsps, client: Client, method: str, empty: Any) -> None:
    # A backend loop over "my pending orders" must not crash when there are none.
    result = getattr(client, method)(empty)
    assert result == ({} if method == "statuses" else [])
    assert len(rsps.calls) == 0


@pytest.mark.parametrize("method", ["statuses", "refills", "refill_statuses", "cancel"])
@pytest.mark.parametrize("not_a_list", ["1,2,3", "123", b"12", 5, None], ids=repr)
def test_multi_id_methods_refuse_something_that_is_not_a_collection_of_ids(
    rsps, client: Client, method: str, not_a_list: Any
) -> None:
    assert_refused(rsps, lambda: getattr(client, method)(not_a_list), repr(not_a_list))


@pytest.mark.parametrize("method", ["statuses", "refills", "refill_statuses", "cancel"])
@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"], ids=repr)
def test_multi_id_methods_refuse_bad_max_workers(
    rsps, client: Client, method: str, workers: Any
) -> None:
    assert_refused(rsps, lambda: getattr(client, method)([1, 2], max_workers=workers))


# --- add ----------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -5, True, False, "10", 10.0, 1.5], ids=repr)
def test_add_refuses_a_bad_quantity(rsps, client: Client, quantity: Any) -> None:
    assert_refused(
        rsps, lambda: client.add(1, "https://x.example/p", quantity), "quantity", repr(quantity)
    )


@pytest.mark.parametrize("name", ["runs", "interval", "posts", "min", "max"])
@pytest.mark.parametrize("value", [0, -1, True, "3", 2.5], ids=repr)
def test_add_refuses_non_positive_counts(rsps, client: Client, name: str, value: Any) -> None:
    assert_refused(
        rsps,
        lambda: client.add(1, "https://x.example/p", 10, **{name: value}),
        name,
        repr(value),
    )


@pytest.mark.parametrize("name", ["old_posts", "delay"])
@pytest.mark.parametrize("value", [-1, True, "3", 2.5], ids=repr)
def test_add_refuses_negative_or_non_whole_zero_allowed_counts(
    rsps, client: Client, name: str, value: Any
) -> None:
    assert_refused(
        rsps,
        lambda: client.add(1, "https://x.example/p", 10, **{name: value}),
        name,
        repr(value),
    )


@pytest.mark.parametrize(("low", "high"), [(20, 10), (2, 1), (1000, 999)])
def test_add_refuses_min_above_max(rsps, client: Client, low: int, high: int) -> None:
    assert_refused(
        rsps,
        lambda: client.add(1, "https://x.example/p", min=low, max=high),
        str(low),
        str(high),
    )


@pytest.mark.parametrize(
    "override", [{"key": "other-key"}, {"action": "balance"}, {"key": KEY, "action": "add"}]
)
def test_add_refuses_to_override_key_or_action(
    rsps, client: Client, override: dict[str, str]
) -> None:
    error = assert_refused(rsps, lambda: client.add(1, "https://x.example/p", 10, **override))
    assert any(name in str(error) for name in override)
    assert "other-key" not in str(error)


@pytest.mark.parametrize(
    ("name", "items"),
    [
        ("comments", ["fine", "two\nlines"]),
        ("comments", ["fine", "carriage\rreturn"]),
        ("usernames", ["alice", ""]),
        ("usernames", ["alice", "   "]),
        ("hashtags", ("#a", "#b\n#c")),
        ("keywords", ["ok", None]),
        ("groups", ["ok", 1.5]),
        ("comments", ["ok", True]),
    ],
)
def test_add_refuses_list_items_that_are_not_one_line(
    rsps, client: Client, name: str, items: Any
) -> None:
    assert_refused(rsps, lambda: client.add(1, "https://x.example/p", 10, **{name: items}), name)


@pytest.mark.parametrize("link", ["", "   ", "\n"])
def test_add_refuses_an_empty_link(rsps, client: Client, link: str) -> None:
    assert_refused(rsps, lambda: client.add(1, link, 10), "link")


@pytest.mark.parametrize(
    ("name", "value"),
    [("country", ""), ("username", "  "), ("custom", ""), ("custom", {"a": 1}), ("x", object())],
)
def test_add_refuses_empty_or_unsendable_values(
    rsps, client: Client, name: str, value: Any
) -> None:
    assert_refused(rsps, lambda: client.add(1, "https://x.example/p", 10, **{name: value}), name)


def test_bad_argument_messages_never_contain_the_key(rsps, client: Client) -> None:
    for call in (
        lambda: client.status(-1),
        lambda: client.add(1, "https://x.example/p", 0),
        lambda: client.add(1, "https://x.example/p", 10, key="x"),
        lambda: client.cancel("1,2"),
    ):
        error = assert_refused(rsps, call)
        assert KEY not in str(error.args)


class _SneakyInt(int):
    def __str__(self) -> str:
        return "1,2,3"


class _SneakyStr(str):
    def __str__(self) -> str:
        return "1,2,3"


def test_an_id_is_sent_as_its_value_not_as_its_subclass_prints(rsps, client: Client) -> None:
    rsps.post(URL, json=[{"order": 4, "cancel": 1}])
    rsps.post(URL, json={"refill": "9"})
    client.cancel([_SneakyInt(4)])
    client.refill(_SneakyStr("4"))
    assert [
        form_of(call)["orders" if n == 0 else "order"] for n, call in enumerate(rsps.calls)
    ] == [
        "4",
        "4",
    ]


def test_spellings_of_one_numeric_id_are_sent_once(rsps, client: Client) -> None:
    # A PHP panel reads "05", "+5" and "5.0" as order 5: a paid refill must not repeat.
    rsps.post(URL, json=[{"order": 5, "refill": 1}])
    results = client.refills([5, "05", "+5", "5.0", 6])
    assert form_of(rsps.calls[0])["orders"] == "5,6"
    assert [result.order for result in results] == [5, 6]


@pytest.mark.parametrize(
    "extra",
    [
        {"foo": float("nan")},
        {"foo": float("inf")},
        {"foo": Decimal("NaN")},
        {"foo": Decimal("1e999999")},
        {"foo": "a\x00b"},
        {"foo": "line\rbreak"},
    ],
    ids=repr,
)
def test_values_a_panel_cannot_read_are_refused_before_sending(
    rsps, client: Client, extra: dict[str, Any]
) -> None:
    assert_refused(rsps, lambda: client.add(1, "https://x.example/p", 10, **extra), "foo")


@pytest.mark.parametrize("link", ["https://x.example/p\r\nX-Evil: 1", "https://x.example/a b"])
def test_a_link_with_a_line_break_or_space_is_refused(rsps, client: Client, link: str) -> None:
    assert_refused(rsps, lambda: client.add(1, link, 10), "link")
