"""Multi-id calls: any iterable, de-duplication, chunks of 100, merging, the caller's ids
and order, and per-item errors that never lose the rest of the batch."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from actions_support import BATCHES, SAMPLES, SEED_STATUS, wire_name
from unit_support import URL, form_of, ids_sent, reply, reply_by_ids

from smmpanel import (
    AuthenticationError,
    CancelResult,
    Client,
    InsufficientFundsError,
    ItemError,
    OrderStatus,
    OutcomeUnknownError,
    RefillResult,
    RefillStatusResult,
)
from smmpanel._actions import ACTIONS


def well_behaved(method: str) -> tuple[str, Callable[[list[str]], tuple[int, Any]]]:
    """The id field of a multi-id `method`, and a well-behaved panel's answer for any ids;
    each answer carries its id so a test can tell every result landed on the right id."""
    by_ids = SAMPLES[method].by_ids
    assert by_ids is not None
    field = ACTIONS[method].id_field
    assert field is not None
    return field, lambda ids: (200, by_ids(ids))


VALUE_FIELDS = {"refills": "refill", "refill_statuses": "status", "cancel": "cancel"}


def ids_of(result: Any) -> list[Any]:
    """The ids a multi-id result reports, in its order."""
    if isinstance(result, dict):
        return list(result)
    return [item.refill if isinstance(item, RefillStatusResult) else item.order for item in result]


def check_result(method: str, item_id: Any, value: Any) -> None:
    """`value` is the well-behaved answer for `item_id`."""
    number = int(item_id)
    if method == "statuses":
        assert isinstance(value, OrderStatus)
        assert value.remains == number
    elif method == "refills":
        assert isinstance(value, RefillResult)
        assert value.refill == 1000 + number
    elif method == "refill_statuses":
        assert isinstance(value, RefillStatusResult)
        assert value.status == "Completed"
    else:
        assert isinstance(value, CancelResult)
        assert value.cancel == 1


def pairs(method: str, result: Any) -> list[tuple[Any, Any]]:
    if isinstance(result, dict):
        return list(result.items())
    return list(zip(ids_of(result), result, strict=True))


# --- iterables and duplicates -------------------------------------------------------------


@pytest.mark.parametrize("method", BATCHES)
@pytest.mark.parametrize(
    "make_ids",
    [
        lambda: [3, 1, 2],
        lambda: (3, 1, 2),
        lambda: (i for i in (3, 1, 2)),
        lambda: iter([3, 1, 2]),
        lambda: {3: "a", 1: "b", 2: "c"},
        lambda: dict.fromkeys([3, 1, 2]).keys(),
    ],
    ids=["list", "tuple", "generator", "iterator", "dict", "keys"],
)
def test_any_ordered_iterable_of_ids(rsps, client: Client, method: str, make_ids) -> None:  # type: ignore[no-untyped-def]
    field, answer = well_behaved(method)
    reply_by_ids(rsps, field, answer)
    result = getattr(client, method)(make_ids())
    assert len(rsps.calls) == 1
    assert ids_sent(rsps.calls[0], field) == ["3", "1", "2"]
    assert ids_of(result) == [3, 1, 2]
    for item_id, value in pairs(method, result):
        check_result(method, item_id, value)


@pytest.mark.parametrize("method", BATCHES)
def test_a_set_of_ids(rsps, client: Client, method: str) -> None:
    field, answer = well_behaved(method)
    reply_by_ids(rsps, field, answer)
    result = getattr(client, method)({5, 6, 7})
    assert sorted(ids_sent(rsps.calls[0], field)) == ["5", "6", "7"]
    assert sorted(ids_of(result)) == [5, 6, 7]
    for item_id, value in pairs(method, result):
        check_result(method, item_id, value)


@pytest.mark.parametrize("method", BATCHES)
def test_duplicates_are_sent_once(rsps, client: Client, method: str) -> None:
    field, answer = well_behaved(method)
    reply_by_ids(rsps, field, answer)
    getattr(client, method)([1, 2, 1, "1", 2, "2", 3, 3])
    assert len(rsps.calls) == 1
    assert ids_sent(rsps.calls[0], field) == ["1", "2", "3"]


def test_statuses_answers_every_spelling_of_a_duplicate(rsps, client: Client) -> None:
    reply_by_ids(rsps, "orders", well_behaved("statuses")[1])
    found = client.statuses([1, "1", 2, 1])
    assert ids_sent(rsps.calls[0], "orders") == ["1", "2"]
    assert set(found) == {1, "1", 2}
    assert len(found) == 3
    assert found[1] == found["1"]
    assert found[1].remains == 1  # type: ignore[union-attr]
    assert found[2].remains == 2  # type: ignore[union-attr]


@pytest.mark.parametrize("method", ["refills", "refill_statuses", "cancel"])
def test_listed_results_keep_the_first_spelling_once(rsps, client: Client, method: str) -> None:
    field, answer = well_behaved(method)
    reply_by_ids(rsps, field, answer)
    result = getattr(client, method)(["2", 1, 2, "1"])
    assert ids_of(result) == ["2", 1]


def test_statuses_are_keyed_by_the_ids_as_passed(rsps, client: Client) -> None:
    reply_by_ids(rsps, "orders", well_behaved("statuses")[1])
    found = client.statuses(["5", 6, "7", 8])
    assert list(found) == ["5", 6, "7", 8]
    assert [type(key) for key in found] == [str, int, str, int]
    assert 5 not in found
    assert "6" not in found


def test_statuses_with_non_numeric_ids(rsps, client: Client) -> None:
    reply(rsps, {"ord_a": SEED_STATUS, "ord_b": {"error": "Incorrect order ID"}})
    found = client.statuses(["ord_a", "ord_b"])
    assert isinstance(found["ord_a"], OrderStatus)
    assert found["ord_a"].charge == Decimal("0.27819")
    assert isinstance(found["ord_b"], ItemError)


# --- chunks -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", BATCHES)
def test_250_ids_are_sent_in_three_requests_and_merged(rsps, client: Client, method: str) -> None:
    field, answer = well_behaved(method)
    reply_by_ids(rsps, field, answer)
    ids = list(range(1, 251))
    result = getattr(client, method)(ids)
    assert len(rsps.calls) == 3
    chunks = [ids_sent(call, field) for call in rsps.calls]
    assert [len(chunk) for chunk in chunks] == [100, 100, 50]
    assert [item for chunk in chunks for item in chunk] == [str(i) for i in ids]
    for call in rsps.calls:
        assert form_of(call)["action"] == wire_name(method)
    assert ids_of(result) == ids
    for item_id, value in pairs(method, result):
        check_result(method, item_id, value)


@pytest.mark.parametrize(("count", "sizes"), [(100, [100]), (101, [100, 1]), (200, [100, 100])])
def test_chunk_boundaries(rsps, client: Client, count: int, sizes: list[int]) -> None:
    reply_by_ids(rsps, "orders", well_behaved("statuses")[1])
    found = client.statuses(range(1, count + 1))
    assert [len(ids_sent(call, "orders")) for call in rsps.calls] == sizes
    assert len(found) == count


def test_duplicates_are_dropped_before_chunking(rsps, client: Client) -> None:
    reply_by_ids(rsps, "orders", well_behaved("statuses")[1])
    found = client.statuses([*range(1, 101), *range(1, 101), "50"])
    assert len(rsps.calls) == 1
    assert len(found) == 101


@pytest.mark.parametrize("method", BATCHES)
def test_parallel_workers_give_the_same_results(method: str) -> None:
    import responses

    field, answer = well_behaved(method)
    ids = list(range(1, 451))
    results = []
    for workers in (1, 4):
        with responses.RequestsMock() as rsps:
            reply_by_ids(rsps, field, answer)
            with Client(URL, "k") as client:
                results.append(getattr(client, method)(ids, max_workers=workers))
            assert len(rsps.calls) == 5
    sequential, parallel = results
    if isinstance(sequential, dict):
        assert list(parallel) == list(sequential)
        assert parallel == sequential
    else:
        assert parallel == sequential
    assert ids_of(parallel) == ids


def test_parallel_workers_really_overlap(rsps, client: Client) -> None:
    barrier = threading.Barrier(2, timeout=5)

    def answer(ids: list[str]) -> tuple[int, Any]:
        barrier.wait()  # both chunks must be in flight at once
        return well_behaved("statuses")[1](ids)

    reply_by_ids(rsps, "orders", answer)
    found = client.statuses(range(1, 201), max_workers=2)
    assert len(found) == 200


# --- the caller's ids and order -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "answer", "id_field"),
    [
        ("refills", [{"order": "3", "refill": 30}, {"order": "1", "refill": 10}], "order"),
        (
            "refill_statuses",
            [{"refill": "3", "status": "Completed"}, {"refill": "1", "status": "Pending"}],
            "refill",
        ),
        ("cancel", [{"order": "3", "cancel": 1}, {"order": "1", "cancel": 1}], "order"),
    ],
)
def test_listed_results_follow_the_callers_order_and_ids(
    rsps, client: Client, method: str, answer: Any, id_field: str
) -> None:
    reply(rsps, answer)
    results = getattr(client, method)([1, 3])
    assert [getattr(result, id_field) for result in results] == [1, 3]
    assert all(type(getattr(result, id_field)) is int for result in results)
    assert all(result.ok for result in results)
    if method == "refills":
        assert [result.refill for result in results] == [10, 30]
    if method == "refill_statuses":
        assert [result.status for result in results] == ["Pending", "Completed"]


def test_listed_results_keep_string_ids_the_caller_passed(rsps, client: Client) -> None:
    reply(rsps, [{"order": 7, "cancel": 1}, {"order": 8, "cancel": 1}])
    results = client.cancel(["7", "8"])
    assert [result.order for result in results] == ["7", "8"]


def test_cancel_answered_as_a_map_of_ids(rsps, client: Client) -> None:
    reply(rsps, {"9": {"error": "Incorrect order ID"}, "2": 1})
    results = client.cancel([9, 2])
    assert [result.order for result in results] == [9, 2]
    assert isinstance(results[0].cancel, ItemError)
    assert results[1].cancel == 1


def test_statuses_answered_as_a_list(rsps, client: Client) -> None:
    reply(rsps, [{"order": 2, **SEED_STATUS}, {"order": "1", **SEED_STATUS, "remains": 5}])
    found = client.statuses([1, 2])
    assert found[1].remains == 5  # type: ignore[union-attr]
    assert found[2].remains == 157  # type: ignore[union-attr]


def test_statuses_of_one_order_answered_in_the_single_form(rsps, client: Client) -> None:
    reply(rsps, SEED_STATUS)
    found = client.statuses([42])
    assert isinstance(found[42], OrderStatus)
    assert found[42].remains == 157


# --- missing and bad items ----------------------------------------------------------------


def test_ids_the_panel_leaves_out_of_statuses_are_item_errors(rsps, client: Client) -> None:
    reply(rsps, {"1": SEED_STATUS})
    found = client.statuses([1, 2, 3])
    assert isinstance(found[1], OrderStatus)
    assert isinstance(found[2], ItemError)
    assert isinstance(found[3], ItemError)
    assert str(found[2])


@pytest.mark.parametrize(
    ("method", "answer", "value_field"),
    [
        ("refills", [{"order": 1, "refill": 11}], "refill"),
        ("refill_statuses", [{"refill": 1, "status": "Completed"}], "status"),
        ("cancel", [{"order": 1, "cancel": 1}], "cancel"),
    ],
)
def test_ids_the_panel_leaves_out_of_a_list_are_item_errors(
    rsps, client: Client, method: str, answer: Any, value_field: str
) -> None:
    reply(rsps, answer)
    results = getattr(client, method)([1, 2, 3])
    assert ids_of(results) == [1, 2, 3]
    assert results[0].ok
    for missing in results[1:]:
        assert not missing.ok
        assert isinstance(getattr(missing, value_field), ItemError)


def test_unknown_ids_the_panel_appends_are_ignored(rsps, client: Client) -> None:
    reply(
        rsps,
        [
            {"order": 1, "cancel": 1},
            {"order": 2, "cancel": 1},
            {"order": 999, "cancel": {"error": "Incorrect order ID"}},
        ],
    )
    results = client.cancel([1, 2])
    assert [result.order for result in results] == [1, 2]
    assert [result.ok for result in results] == [True, True]


def test_a_stray_id_never_overwrites_another_orders_result(rsps, client: Client) -> None:
    # The panel dropped order 1 and answered for an order nobody asked about. As many items
    # came back as ids were sent, but every item names its own id: none of them may be
    # matched "by position" to an id it does not name.
    reply(
        rsps,
        [{"order": 2, "cancel": 1}, {"order": 77, "cancel": {"error": "Incorrect order ID"}}],
    )
    first, second = client.cancel([1, 2])
    assert first.order == 1
    assert isinstance(first.cancel, ItemError)
    assert second.order == 2
    assert second.cancel == 1
    assert second.ok


def test_items_without_an_id_are_matched_by_position(rsps, client: Client) -> None:
    reply(rsps, [{"refill": 11}, {"refill": {"error": "Incorrect order ID"}}])
    first, second = client.refills([1, 2])
    assert (first.order, first.refill) == (1, 11)
    assert second.order == 2
    assert isinstance(second.refill, ItemError)


@pytest.mark.parametrize(
    ("method", "answer", "value_field"),
    [
        ("statuses", {"1": SEED_STATUS, "2": "Incorrect order ID"}, None),
        (
            "refills",
            [{"order": 1, "refill": 5}, {"order": 2, "refill": "Incorrect order ID"}],
            "refill",
        ),
        (
            "refill_statuses",
            [{"refill": 1, "status": "Completed"}, {"refill": 2, "status": "Refill not found"}],
            "status",
        ),
        (
            "cancel",
            [{"order": 1, "cancel": 1}, {"order": 2, "cancel": "Incorrect order ID"}],
            "cancel",
        ),
        (
            "cancel",
            [{"order": 1, "cancel": 1}, {"order": 2, "error": "Incorrect order ID"}],
            "cancel",
        ),
    ],
)
def test_a_bare_string_item_error_is_an_item_error(
    rsps, client: Client, method: str, answer: Any, value_field: str | None
) -> None:
    reply(rsps, answer)
    result = getattr(client, method)([1, 2])
    if method == "statuses":
        good, bad = result[1], result[2]
        assert isinstance(good, OrderStatus)
    else:
        good, bad = result
        assert good.ok
        assert not bad.ok
        bad = getattr(bad, value_field)
    assert isinstance(bad, ItemError)
    assert str(bad) in ("Incorrect order ID", "Refill not found")


@pytest.mark.parametrize(
    "bad_item",
    [12345, [], ["x"], {"charge": "x", "status": ""}, {"status": 5}, {"charge": "0.1"}, True, None],
    ids=repr,
)
def test_an_unreadable_status_is_an_item_error_and_the_rest_survive(
    rsps, client: Client, bad_item: Any
) -> None:
    reply(rsps, {"1": SEED_STATUS, "2": bad_item, "3": SEED_STATUS})
    found = client.statuses([1, 2, 3])
    assert isinstance(found[1], OrderStatus)
    assert isinstance(found[2], ItemError)
    assert isinstance(found[3], OrderStatus)
    assert found[3].charge == Decimal("0.27819")


@pytest.mark.parametrize(
    ("method", "bad"),
    [
        ("refills", {"order": 2, "refill": [1, 2]}),
        ("refills", {"order": 2, "refill": None}),
        ("refills", {"order": 2}),
        ("refills", "garbage"),
        ("refill_statuses", {"refill": 2, "status": 7}),
        ("refill_statuses", {"refill": 2, "status": None}),
        ("refill_statuses", {"refill": 2}),
        ("cancel", {"order": 2, "cancel": None}),
        ("cancel", {"order": 2, "cancel": [1]}),
        ("cancel", {"order": 2}),
    ],
    ids=repr,
)
def test_an_unreadable_listed_item_is_an_item_error_and_the_rest_survive(
    rsps, client: Client, method: str, bad: Any
) -> None:
    field = "refill" if method == "refill_statuses" else "order"
    value = {"refills": "refill", "refill_statuses": "status", "cancel": "cancel"}[method]
    good = {field: 1, value: {"refills": 10, "refill_statuses": "Completed", "cancel": 1}[method]}
    good3 = {**good, field: 3}
    reply(rsps, [good, bad, good3])
    results = getattr(client, method)([1, 2, 3])
    assert ids_of(results) == [1, 2, 3]
    assert [result.ok for result in results] == [True, False, True]
    assert isinstance(getattr(results[1], value), ItemError)


def test_a_refill_status_with_a_space_in_it_is_a_status(rsps, client: Client) -> None:
    # "In progress" is a status word, not a bare error message.
    reply(rsps, [{"refill": 1, "status": "In progress"}, {"refill": 2, "status": "Pending"}])
    first, second = client.refill_statuses([1, 2])
    assert first.ok
    assert first.status == "In progress"
    assert not isinstance(first.status, ItemError)
    assert second.status == "Pending"


# --- whole-chunk answers ------------------------------------------------------------------


@pytest.mark.parametrize("method", BATCHES)
@pytest.mark.parametrize("message", ["Incorrect request", "  Incorrect order ID\n"])
def test_a_chunk_the_panel_refuses_whole_becomes_item_errors(
    rsps, client: Client, method: str, message: str
) -> None:
    field, good = well_behaved(method)

    def answer(ids: list[str]) -> tuple[int, Any]:
        if ids[0] == "1":
            return 200, {"error": message}
        return good(ids)

    reply_by_ids(rsps, field, answer)
    result = getattr(client, method)(range(1, 151))
    assert len(rsps.calls) == 2
    items = pairs(method, result)
    assert [item_id for item_id, _ in items] == list(range(1, 151))
    for item_id, value in items[:100]:
        error = value if method == "statuses" else getattr(value, VALUE_FIELDS[method])
        assert isinstance(error, ItemError), item_id
        assert str(error) == message.strip()
    for item_id, value in items[100:]:
        check_result(method, item_id, value)


@pytest.mark.parametrize("method", BATCHES)
@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("Invalid API key", AuthenticationError),
        ("neworder.error.invalid_key", AuthenticationError),
        ("Not enough funds on balance", InsufficientFundsError),
    ],
)
def test_an_authentication_or_funds_error_for_a_chunk_raises(
    rsps, client: Client, method: str, message: str, error: type[Exception]
) -> None:
    field, good = well_behaved(method)

    def answer(ids: list[str]) -> tuple[int, Any]:
        if ids[0] == "101":
            return 200, {"error": message}
        return good(ids)

    reply_by_ids(rsps, field, answer)
    if method in ("refills", "cancel"):
        # The first 100 were acted on: the error that stops a write hands them back.
        with pytest.raises(OutcomeUnknownError) as lost:
            getattr(client, method)(range(1, 151))
        assert isinstance(lost.value.__cause__, error)
        assert len(lost.value.completed) == 100
        assert lost.value.params == {field: ""}  # the panel refused the rest outright
        assert lost.value.unsent == list(range(101, 151))
        return
    with pytest.raises(error) as caught:
        getattr(client, method)(range(1, 151))
    assert caught.value.message == message  # type: ignore[attr-defined]


@pytest.mark.parametrize("method", ["refills", "cancel"])
def test_a_write_batch_that_fails_part_way_reports_what_completed(
    rsps, client: Client, method: str
) -> None:
    field, good = well_behaved(method)

    def answer(ids: list[str]) -> tuple[int, Any]:
        if ids[0] == "101":
            return 502, "<html>Bad gateway</html>"
        return good(ids)

    reply_by_ids(rsps, field, answer)
    with pytest.raises(OutcomeUnknownError) as caught:
        getattr(client, method)(range(1, 251))
    assert len(rsps.calls) == 2  # the third chunk is never sent
    assert caught.value.action == ("refill" if method == "refills" else "cancel")
    assert caught.value.params[field].split(",") == [str(i) for i in range(101, 201)]
    assert [result.order for result in caught.value.completed] == list(range(1, 101))
    assert caught.value.unsent == list(range(201, 251))


@pytest.mark.parametrize("method", ["refills", "cancel"])
def test_a_parallel_write_batch_never_retries_a_lost_chunk(method: str, slept: list[float]) -> None:
    import responses

    field, good = well_behaved(method)

    def answer(ids: list[str]) -> tuple[int, Any]:
        if ids[0] == "101":
            return 500, ""
        return good(ids)

    with responses.RequestsMock() as rsps:
        reply_by_ids(rsps, field, answer)
        with Client(URL, "k") as client, pytest.raises(OutcomeUnknownError) as caught:
            getattr(client, method)(range(1, 301), max_workers=3)
        assert len(rsps.calls) == 3
    assert sorted(result.order for result in caught.value.completed) == [
        *range(1, 101),
        *range(201, 301),
    ]


@pytest.mark.parametrize("method", ["refills", "cancel"])
def test_a_parallel_write_batch_accounts_for_every_id(method: str, slept: list[float]) -> None:
    import responses

    field, good = well_behaved(method)

    def answer(ids: list[str]) -> tuple[int, Any]:
        if ids[0] == "101":
            return 502, "<html>Bad gateway</html>"  # may have been acted on
        if ids[0] == "201":
            return 200, {"error": "Incorrect request"}  # refused outright
        if ids[0] == "301":
            return 429, {"error": "Too many requests"}  # refused: the panel did not act
        return good(ids)

    with responses.RequestsMock() as rsps:
        reply_by_ids(rsps, field, answer)
        with Client(URL, "k" * 32) as client, pytest.raises(OutcomeUnknownError) as caught:
            getattr(client, method)(range(1, 401), max_workers=4)
        assert len(rsps.calls) == 4  # nothing that may have reached the panel is re-sent
    lost = caught.value
    assert sorted(int(i) for i in lost.params[field].split(",")) == list(range(101, 201))
    completed = {result.order for result in lost.completed}
    assert completed == set(range(1, 101)) | set(range(201, 301))  # refused ones are ItemErrors
    assert lost.unsent == list(range(301, 401))
