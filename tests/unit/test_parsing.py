"""Reading answers: every seed example to exactly the values shown, and the dialects real
panels speak (FIELD-NOTES) to the same typed values."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from actions_support import SEED_BALANCE, SEED_SERVICES, SEED_STATUS
from unit_support import reply

from smmpanel import (
    Balance,
    CancelResult,
    Client,
    ItemError,
    OrderCreated,
    OrderStatus,
    RefillCreated,
    RefillResult,
    RefillStatus,
    RefillStatusResult,
    Service,
    Status,
)

# --- the seed's examples ------------------------------------------------------------------


def test_seed_services(rsps, client: Client) -> None:
    reply(rsps, SEED_SERVICES)
    services = client.services()
    assert isinstance(services, list)
    assert len(services) == 2
    first, second = services
    assert isinstance(first, Service)
    assert first.service == 1
    assert first.name == "Followers"
    assert first.type == "Default"
    assert first.category == "First Category"
    assert first.rate == Decimal("0.90")
    assert isinstance(first.rate, Decimal)
    assert first.min == 50
    assert first.max == 10000
    assert type(first.min) is int
    assert type(first.max) is int
    assert first.refill is True
    assert first.cancel is True
    assert second.service == 2
    assert second.name == "Comments"
    assert second.type == "Custom Comments"
    assert second.category == "Second Category"
    assert second.rate == Decimal("8")
    assert (second.min, second.max) == (10, 1500)
    assert second.refill is False
    assert second.cancel is True
    assert services.invalid == []


def test_seed_add(rsps, client: Client) -> None:
    reply(rsps, {"order": 23501})
    created = client.add(1, "https://x.example/p", 100)
    assert isinstance(created, OrderCreated)
    assert created.order == 23501
    assert type(created.order) is int


def test_seed_status(rsps, client: Client) -> None:
    reply(rsps, SEED_STATUS)
    status = client.status(1)
    assert isinstance(status, OrderStatus)
    assert status.charge == Decimal("0.27819")
    assert isinstance(status.charge, Decimal)
    assert status.start_count == 3572
    assert type(status.start_count) is int
    assert status.status == "Partial"
    assert isinstance(status.status, Status)
    assert status.remains == 157
    assert type(status.remains) is int
    assert status.currency == "USD"


def test_seed_multiple_statuses(rsps, client: Client) -> None:
    reply(
        rsps,
        {
            "1": SEED_STATUS,
            "10": {"error": "Incorrect order ID"},
            "100": {
                "charge": "1.44219",
                "start_count": "234",
                "status": "In progress",
                "remains": "10",
                "currency": "USD",
            },
        },
    )
    found = client.statuses([1, 10, 100])
    assert list(found) == [1, 10, 100]
    one, ten, hundred = found[1], found[10], found[100]
    assert isinstance(one, OrderStatus)
    assert (one.charge, one.start_count, one.status, one.remains, one.currency) == (
        Decimal("0.27819"),
        3572,
        "Partial",
        157,
        "USD",
    )
    assert isinstance(ten, ItemError)
    assert ten.error == "Incorrect order ID"
    assert str(ten) == "Incorrect order ID"
    assert isinstance(hundred, OrderStatus)
    assert hundred.charge == Decimal("1.44219")
    assert hundred.start_count == 234
    assert hundred.status == "In progress"
    assert hundred.remains == 10


def test_seed_refill(rsps, client: Client) -> None:
    reply(rsps, {"refill": "1"})
    created = client.refill(1)
    assert isinstance(created, RefillCreated)
    assert created.refill == "1"


def test_seed_multiple_refill(rsps, client: Client) -> None:
    reply(
        rsps,
        [
            {"order": 1, "refill": 1},
            {"order": 2, "refill": 2},
            {"order": 3, "refill": {"error": "Incorrect order ID"}},
        ],
    )
    results = client.refills([1, 2, 3])
    assert all(isinstance(result, RefillResult) for result in results)
    assert [result.order for result in results] == [1, 2, 3]
    assert results[0].refill == 1
    assert results[1].refill == 2
    assert isinstance(results[2].refill, ItemError)
    assert str(results[2].refill) == "Incorrect order ID"
    assert [result.ok for result in results] == [True, True, False]


def test_seed_refill_status(rsps, client: Client) -> None:
    reply(rsps, {"status": "Completed"})
    status = client.refill_status(1)
    assert isinstance(status, RefillStatus)
    assert status.status == "Completed"


def test_seed_multiple_refill_status(rsps, client: Client) -> None:
    reply(
        rsps,
        [
            {"refill": 1, "status": "Completed"},
            {"refill": 2, "status": "Rejected"},
            {"refill": 3, "status": {"error": "Refill not found"}},
        ],
    )
    results = client.refill_statuses([1, 2, 3])
    assert all(isinstance(result, RefillStatusResult) for result in results)
    assert [result.refill for result in results] == [1, 2, 3]
    assert results[0].status == "Completed"
    assert results[1].status == "Rejected"
    assert isinstance(results[2].status, ItemError)
    assert str(results[2].status) == "Refill not found"
    assert [result.ok for result in results] == [True, True, False]


def test_seed_cancel(rsps, client: Client) -> None:
    reply(
        rsps, [{"order": 9, "cancel": {"error": "Incorrect order ID"}}, {"order": 2, "cancel": 1}]
    )
    results = client.cancel([9, 2])
    assert all(isinstance(result, CancelResult) for result in results)
    assert [result.order for result in results] == [9, 2]
    assert isinstance(results[0].cancel, ItemError)
    assert str(results[0].cancel) == "Incorrect order ID"
    assert results[1].cancel == 1
    assert [result.ok for result in results] == [False, True]


def test_seed_balance(rsps, client: Client) -> None:
    reply(rsps, SEED_BALANCE)
    balance = client.balance()
    assert isinstance(balance, Balance)
    assert balance.balance == Decimal("100.84292")
    assert isinstance(balance.balance, Decimal)
    assert balance.currency == "USD"


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        {"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157"},
        {"charge": 0.27819, "start_count": 3572, "status": "Partial", "remains": 157},
        {"charge": 0.27819, "start_count": "3572", "status": "Partial", "remains": 157},
        {"charge": "0.27819", "start_count": 3572, "status": "Partial", "remains": "157"},
        {"charge": "0.27819", "start_count": "3,572", "status": "Partial", "remains": "157.0"},
        {"charge": " 0.27819 ", "start_count": " 3572", "status": " Partial ", "remains": 157.0},
    ],
)
def test_numbers_as_strings_or_json_numbers(rsps, client: Client, answer: dict[str, Any]) -> None:
    reply(rsps, {**answer, "currency": "USD"})
    status = client.status(1)
    assert status.charge == Decimal("0.27819")
    assert isinstance(status.charge, Decimal)
    assert status.start_count == 3572
    assert status.remains == 157
    assert type(status.start_count) is int
    assert type(status.remains) is int
    assert status.status == "Partial"


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ('"100.84292"', Decimal("100.84292")),
        ("100.84292", Decimal("100.84292")),
        ("0.1", Decimal("0.1")),
        ("100", Decimal("100")),
        ('"0.123456789012345678901234567890"', Decimal("0.123456789012345678901234567890")),
        ('"1,234.50"', Decimal("1234.50")),
        ('"1,234,567.891"', Decimal("1234567.891")),
        ('"$12.50"', Decimal("12.50")),
        ('"12.50 USD"', Decimal("12.50")),
        ('"USD 12.50"', Decimal("12.50")),
        ('"-3.25"', Decimal("-3.25")),
        ('"0"', Decimal("0")),
        ("1e-05", Decimal("0.00001")),
    ],
)
def test_money_is_an_exact_decimal(rsps, client: Client, sent: str, expected: Decimal) -> None:
    reply(rsps, body='{"balance": ' + sent + ', "currency": "USD"}')
    balance = client.balance()
    assert isinstance(balance.balance, Decimal)
    assert balance.balance == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ('"0.90"', Decimal("0.90")),
        ("0.9", Decimal("0.9")),
        ("8", Decimal("8")),
        ('"0.00012345"', Decimal("0.00012345")),
        ('"1,234.50"', Decimal("1234.50")),
        ('"$12.50"', Decimal("12.50")),
    ],
)
def test_service_rate_is_an_exact_decimal(
    rsps, client: Client, rate: str, expected: Decimal
) -> None:
    body = (
        '[{"service": 1, "name": "F", "type": "Default", "category": "C", "rate": '
        + rate
        + ', "min": "50", "max": 100}]'
    )
    reply(rsps, body=body)
    (service,) = client.services()
    assert isinstance(service.rate, Decimal)
    assert service.rate == expected


def test_services_with_numbers_mixed_between_entries(rsps, client: Client) -> None:
    reply(
        rsps,
        [
            {"service": 1, "name": "A", "category": "C", "rate": 0.5, "min": 10, "max": "100"},
            {"service": "2", "name": "B", "category": "C", "rate": "0.75", "min": "5", "max": 50},
        ],
    )
    first, second = client.services()
    assert (first.rate, first.min, first.max) == (Decimal("0.5"), 10, 100)
    assert (second.rate, second.min, second.max) == (Decimal("0.75"), 5, 50)


# --- ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"),
    [("23501", 23501), ('"23501"', "23501"), ('"ORD-9f3a"', "ORD-9f3a")],
)
def test_order_ids_are_kept_as_the_panel_sent_them(
    rsps, client: Client, sent: str, expected: int | str
) -> None:
    reply(rsps, body='{"order": ' + sent + "}")
    created = client.add(1, "https://x.example/p", 100)
    assert created.order == expected
    assert type(created.order) is type(expected)


@pytest.mark.parametrize(("sent", "expected"), [("1", 1), ('"1"', "1"), ('"rf_abc"', "rf_abc")])
def test_refill_ids_are_kept_as_the_panel_sent_them(
    rsps, client: Client, sent: str, expected: int | str
) -> None:
    reply(rsps, body='{"refill": ' + sent + "}")
    created = client.refill(1)
    assert created.refill == expected
    assert type(created.refill) is type(expected)


@pytest.mark.parametrize(
    ("sent", "expected"), [("7", 7), ('"7"', "7"), ('"svc-seven"', "svc-seven")]
)
def test_service_ids_are_kept_as_the_panel_sent_them(
    rsps, client: Client, sent: str, expected: int | str
) -> None:
    reply(rsps, body='[{"service": ' + sent + ', "name": "x", "rate": "1", "min": 1, "max": 2}]')
    (service,) = client.services()
    assert service.service == expected
    assert type(service.service) is type(expected)


# --- status words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "canonical"),
    [
        ("Pending", "Pending"),
        ("pending", "Pending"),
        ("PENDING", "Pending"),
        ("In progress", "In progress"),
        ("in progress", "In progress"),
        ("In Progress", "In progress"),
        ("IN PROGRESS", "In progress"),
        ("inprogress", "In progress"),
        ("in_progress", "In progress"),
        ("Processing", "Processing"),
        ("processing", "Processing"),
        ("Partial", "Partial"),
        ("partial", "Partial"),
        ("Completed", "Completed"),
        ("COMPLETED", "Completed"),
        ("completed", "Completed"),
        ("Canceled", "Canceled"),
        ("Cancelled", "Canceled"),
        ("canceled", "Canceled"),
        ("cancelled", "Canceled"),
        ("CANCELLED", "Canceled"),
        ("Refunded", "Refunded"),
        ("refunded", "Refunded"),
        ("  Completed \n", "Completed"),
    ],
)
def test_status_words_compare_equal_to_the_canonical_word(
    rsps, client: Client, word: str, canonical: str
) -> None:
    reply(rsps, {**SEED_STATUS, "status": word})
    status = client.status(1).status
    assert status == canonical
    assert canonical == status
    assert not (status != canonical)  # noqa: SIM202 - testing __ne__ itself
    assert str(status) == canonical


@pytest.mark.parametrize("word", ["Awaiting", "on hold", "Fail", "Queued", "ERROR 5"])
def test_unknown_status_words_are_kept_as_sent(rsps, client: Client, word: str) -> None:
    reply(rsps, {**SEED_STATUS, "status": word})
    status = client.status(1).status
    assert str(status) == word
    assert status == word
    assert status != "Completed"


@pytest.mark.parametrize(
    ("word", "canonical"), [("completed", "Completed"), ("REJECTED", "Rejected")]
)
def test_refill_status_words_are_normalised(
    rsps, client: Client, word: str, canonical: str
) -> None:
    reply(rsps, {"status": word})
    assert client.refill_status(1).status == canonical


# --- optional counts ----------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "Unknown", "unknown", None, " ", "N/A", "-"])
def test_blank_optional_counts_are_none(rsps, client: Client, blank: Any) -> None:
    reply(
        rsps,
        {"charge": blank, "start_count": blank, "status": "Pending", "remains": blank},
    )
    status = client.status(1)
    assert status.charge is None
    assert status.start_count is None
    assert status.remains is None
    assert status.status == "Pending"


def test_optional_fields_may_be_absent(rsps, client: Client) -> None:
    reply(rsps, {"status": "Pending"})
    status = client.status(1)
    assert (status.charge, status.start_count, status.remains, status.currency) == (
        None,
        None,
        None,
        None,
    )


def test_zero_counts_stay_zero(rsps, client: Client) -> None:
    reply(rsps, {"charge": "0", "start_count": 0, "status": "Completed", "remains": "0"})
    status = client.status(1)
    assert status.charge == Decimal(0)
    assert status.start_count == 0
    assert status.remains == 0


# --- services dialects --------------------------------------------------------------------


def test_services_without_refill_or_cancel_and_with_extra_fields(rsps, client: Client) -> None:
    reply(
        rsps,
        [
            {
                "service": 1,
                "name": "Followers",
                "type": "default",
                "category": "Instagram",
                "rate": "0.90",
                "min": "50",
                "max": "10000",
                "desc": "Real followers",
                "dripfeed": True,
                "average_time": "2 hours",
            }
        ],
    )
    (service,) = client.services()
    assert service.refill is False
    assert service.cancel is False
    assert service.type == "default"
    assert service.dripfeed is True
    assert service.model_extra == {"desc": "Real followers", "average_time": "2 hours"}
    assert service.desc == "Real followers"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("flag", "expected"),
    [(True, True), (False, False), (1, True), (0, False), ("1", True), ("0", False)],
)
def test_service_flags_in_several_spellings(
    rsps, client: Client, flag: Any, expected: bool
) -> None:
    reply(
        rsps,
        [{"service": 1, "name": "x", "rate": "1", "min": 1, "max": 2, "refill": flag}],
    )
    (service,) = client.services()
    assert service.refill is expected


# --- envelopes and labels -----------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "success", "data": SEED_BALANCE},
        {"status": "success", **SEED_BALANCE},
        {"status": "ok", **SEED_BALANCE},
        {"status": True, "data": SEED_BALANCE},
        {"status": "Success", "result": SEED_BALANCE},
    ],
)
def test_success_envelopes_are_unwrapped(rsps, client: Client, answer: Any) -> None:
    reply(rsps, answer)
    balance = client.balance()
    assert balance.balance == Decimal("100.84292")
    assert balance.currency == "USD"


def test_services_in_a_success_envelope(rsps, client: Client) -> None:
    reply(rsps, {"status": "success", "data": SEED_SERVICES})
    services = client.services()
    assert [service.service for service in services] == [1, 2]
    assert services[0].rate == Decimal("0.90")


def test_merged_success_envelope_for_add(rsps, client: Client) -> None:
    reply(rsps, {"status": "success", "order": 1})
    assert client.add(1, "https://x.example/p", 10).order == 1


def test_order_status_is_not_mistaken_for_an_envelope(rsps, client: Client) -> None:
    reply(rsps, SEED_STATUS)
    assert client.status(1).status == "Partial"


@pytest.mark.parametrize(
    "content_type", ["text/html", "text/html; charset=UTF-8", "text/plain", "application/json"]
)
def test_json_is_read_whatever_its_content_type(rsps, client: Client, content_type: str) -> None:
    reply(rsps, SEED_BALANCE, content_type=content_type)
    assert client.balance().balance == Decimal("100.84292")


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=UTF-8"])
def test_services_labelled_html_are_read(rsps, client: Client, content_type: str) -> None:
    reply(rsps, SEED_SERVICES, content_type=content_type)
    assert len(client.services()) == 2


def test_json_padded_with_whitespace(rsps, client: Client) -> None:
    reply(rsps, body=b"\n\n  " + json.dumps(SEED_BALANCE).encode() + b"  \r\n")
    assert client.balance().balance == Decimal("100.84292")


@pytest.mark.parametrize(
    ("call", "answer"),
    [
        (lambda c: c.balance().balance, SEED_BALANCE),
        (lambda c: c.services()[0].rate, SEED_SERVICES),
    ],
)
def test_json_after_a_utf8_byte_order_mark(rsps, client: Client, call, answer) -> None:  # type: ignore[no-untyped-def]
    reply(rsps, body=b"\xef\xbb\xbf" + json.dumps(answer).encode())
    assert call(client) in (Decimal("100.84292"), Decimal("0.90"))


def test_unknown_fields_are_kept_on_every_model(rsps, client: Client) -> None:
    reply(rsps, {**SEED_BALANCE, "bonus": "5.00", "spent": 12})
    balance = client.balance()
    assert balance.model_extra == {"bonus": "5.00", "spent": 12}
