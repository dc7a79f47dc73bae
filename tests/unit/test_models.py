"""Models and helpers: Status, ItemError, ServiceList, and lenient parsing that stays
strict in its types."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest
from actions_support import SEED_SERVICES
from hypothesis import given
from hypothesis import strategies as st
from unit_support import reply

from smmpanel import (
    Balance,
    CancelResult,
    Client,
    ItemError,
    OrderStatus,
    RefillStatusResult,
    Service,
    ServiceList,
    Status,
)

CANONICAL = ["Pending", "In progress", "Processing", "Partial", "Completed", "Canceled", "Refunded"]


# --- Status -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Cancelled", "Canceled"),
        ("canceled", "CANCELED"),
        ("in progress", "In Progress"),
        ("COMPLETED", "completed"),
        ("Refunded", "refunded"),
    ],
)
def test_equal_statuses_hash_equal(a: str, b: str) -> None:
    assert Status(a) == Status(b)
    assert hash(Status(a)) == hash(Status(b))
    assert len({Status(a), Status(b)}) == 1


@pytest.mark.parametrize("word", CANONICAL)
def test_a_status_hashes_like_its_canonical_word(word: str) -> None:
    status = Status(word.upper())
    assert hash(status) == hash(word)
    assert word in {status}
    assert {word: 1}[status] == 1
    assert {status: 1}[word] == 1


def test_status_is_a_str() -> None:
    status = Status("cancelled")
    assert isinstance(status, str)
    assert str(status) == "Canceled"
    assert status.lower() == "canceled"
    assert f"{status}" == "Canceled"
    assert "Canceled" in repr(status)


@pytest.mark.parametrize("other", [None, 1, 1.0, b"Completed", ["Completed"]])
def test_a_status_never_equals_a_non_string(other: object) -> None:
    assert Status("Completed") != other
    assert not (Status("Completed") == other)  # noqa: SIM201 - testing __eq__ itself


@pytest.mark.parametrize(
    ("a", "b"), [("Completed", "Partial"), ("Pending", "Processing"), ("Canceled", "Refunded")]
)
def test_different_statuses_differ(a: str, b: str) -> None:
    assert Status(a) != Status(b)
    assert Status(a) != b


@pytest.mark.parametrize(
    ("word", "final"),
    [
        ("Completed", True),
        ("completed", True),
        ("Partial", True),
        ("Canceled", True),
        ("Cancelled", True),
        ("Refunded", True),
        ("Rejected", True),
        ("Pending", False),
        ("In progress", False),
        ("in progress", False),
        ("Processing", False),
        ("Awaiting", False),
    ],
)
def test_is_final(word: str, final: bool) -> None:
    assert Status(word).is_final is final


@pytest.mark.parametrize(("word", "known"), [("COMPLETED", True), ("Awaiting", False)])
def test_is_known(word: str, known: bool) -> None:
    assert Status(word).is_known is known


@given(st.sampled_from(CANONICAL), st.data())
def test_any_case_of_a_canonical_word_is_that_word(word: str, data: st.DataObject) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    spelled = "".join(
        ch.upper() if flip else ch.lower() for ch, flip in zip(word, flips, strict=True)
    )
    assert Status(spelled) == word
    assert str(Status(spelled)) == word
    assert hash(Status(spelled)) == hash(word)


@given(st.text(min_size=1, max_size=20).filter(lambda text: text.strip()))
def test_any_word_equals_itself_and_is_stable(word: str) -> None:
    status = Status(word)
    assert status == Status(word)
    assert Status(str(status)) == status
    assert hash(Status(str(status))) == hash(status)


# --- ItemError ----------------------------------------------------------------------------


def test_item_error_str_is_its_message() -> None:
    error = ItemError(error="Incorrect order ID")
    assert str(error) == "Incorrect order ID"
    assert f"{error}" == "Incorrect order ID"
    assert error.error == "Incorrect order ID"
    assert "Incorrect order ID" in repr(error)
    assert error == ItemError(error="Incorrect order ID")


# --- ServiceList --------------------------------------------------------------------------


@pytest.fixture
def catalog() -> ServiceList:
    return ServiceList(
        [
            Service.model_validate(entry)
            for entry in [
                *SEED_SERVICES,
                {
                    "service": "3",
                    "name": "Instagram Likes",
                    "category": "First Category",
                    "rate": "0.1",
                    "min": 1,
                    "max": 5,
                },
                {
                    "service": "ab",
                    "name": "YouTube Views",
                    "category": "Video",
                    "rate": "2",
                    "min": 1,
                    "max": 5,
                },
            ]
        ]
    )


@pytest.mark.parametrize(
    ("wanted", "name"),
    [
        (1, "Followers"),
        ("1", "Followers"),
        (3, "Instagram Likes"),
        ("3", "Instagram Likes"),
        ("ab", "YouTube Views"),
    ],
)
def test_service_list_get(catalog: ServiceList, wanted: int | str, name: str) -> None:
    found = catalog.get(wanted)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize("wanted", [99, "99", "AB", 0])
def test_service_list_get_missing(catalog: ServiceList, wanted: int | str) -> None:
    assert catalog.get(wanted) is None


def test_service_list_categories_in_catalog_order_once(catalog: ServiceList) -> None:
    assert catalog.categories() == ["First Category", "Second Category", "Video"]


def test_service_list_in_category(catalog: ServiceList) -> None:
    first = catalog.in_category("First Category")
    assert isinstance(first, ServiceList)
    assert [service.name for service in first] == ["Followers", "Instagram Likes"]
    assert catalog.in_category("Nope") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("follow", ["Followers"]),
        ("FOLLOW", ["Followers"]),
        ("instagram", ["Instagram Likes"]),
        ("second", ["Comments"]),
        ("category", ["Followers", "Comments", "Instagram Likes"]),
        ("tiktok", []),
    ],
)
def test_service_list_search(catalog: ServiceList, text: str, names: list[str]) -> None:
    found = catalog.search(text)
    assert isinstance(found, ServiceList)
    assert [service.name for service in found] == names


def test_service_list_is_a_list(catalog: ServiceList) -> None:
    assert isinstance(catalog, list)
    assert len(catalog) == 4
    assert catalog.invalid == []


@pytest.mark.parametrize(
    "bad",
    [
        {"service": 9, "name": "No rate", "min": 1, "max": 2},
        {"service": 9, "name": "Bad rate", "rate": "free", "min": 1, "max": 2},
        {"service": 9, "name": "Bad min", "rate": "1", "min": "lots", "max": 2},
        {"name": "No id", "rate": "1", "min": 1, "max": 2},
        "not a service",
        None,
        [1, 2],
    ],
    ids=repr,
)
def test_unreadable_catalog_entries_are_kept_aside(rsps, client: Client, bad: object) -> None:
    reply(rsps, [SEED_SERVICES[0], bad, SEED_SERVICES[1]])
    services = client.services()
    assert [service.service for service in services] == [1, 2]
    assert len(services.invalid) == 1
    assert isinstance(services.invalid[0], ItemError)
    assert str(services.invalid[0])
    assert services.get(1) is not None


# --- types stay strict --------------------------------------------------------------------


def test_money_is_never_a_float() -> None:
    balance = Balance.model_validate({"balance": 0.1, "currency": "USD"})
    assert type(balance.balance) is Decimal
    assert balance.balance == Decimal("0.1")
    status = OrderStatus.model_validate({"charge": 1.1, "status": "Pending"})
    assert type(status.charge) is Decimal
    assert status.charge == Decimal("1.1")


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_money_that_is_not_a_finite_number_is_refused(rsps, client: Client, amount: str) -> None:
    from smmpanel import ResponseError

    reply(rsps, {"balance": amount, "currency": "USD"})
    with pytest.raises(ResponseError):
        client.balance()


@pytest.mark.parametrize("count", ["1.5", "2.25", 3.5])
def test_counts_that_are_not_whole_are_refused(count: object) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        OrderStatus.model_validate({"status": "Pending", "remains": count})


def test_a_tiny_answer_cannot_hang_the_client() -> None:
    # "1e9999999" is 9 bytes; turning it into an int has millions of digits to write out.
    # The client must refuse it, and quickly: in a child process, which a hang cannot stop.
    script = textwrap.dedent(
        """
        import pydantic
        from smmpanel import OrderStatus
        try:
            OrderStatus.model_validate({"status": "Pending", "remains": "1e9999999"})
        except pydantic.ValidationError as error:
            print("refused:", error.errors()[0]["loc"])
        """
    )
    try:
        child = subprocess.run(
            [sys.executable, "-c", script], timeout=3, capture_output=True, text=True
        )
    except subprocess.TimeoutExpired:
        pytest.fail('reading "remains": "1e9999999" took more than 3 s')
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "refused: ('remains',)"


@pytest.mark.parametrize("spelling", ["Cancelled", "canceled", "CANCELED", " cancelled "])
def test_a_status_works_as_a_key_like_its_canonical_word(spelling: str) -> None:
    status = Status(spelling)
    assert status == "Canceled"
    assert status in {"Canceled"}
    assert {"Canceled": 1}.get(status) == 1
    assert hash(status) == hash("Canceled")


@pytest.mark.parametrize(
    ("cancel", "ok"),
    [(1, True), ("1", True), (True, True), ("ok", True), (0, False), ("0", False),
     (False, False), ("false", False), (" No ", False)],
)  # fmt: skip
def test_a_cancel_answer_of_zero_or_false_is_not_accepted(cancel: object, ok: bool) -> None:
    assert CancelResult(order=1, cancel=cancel).ok is ok  # type: ignore[arg-type]


def test_a_refused_refill_status_is_written_back_as_an_error_not_as_a_status() -> None:
    refused = RefillStatusResult.model_validate(
        {"refill": 99, "status": ItemError(error="Refill not found")}
    )
    assert refused.model_dump(mode="json") == {
        "refill": 99,
        "status": {"error": "Refill not found"},
    }
    known = RefillStatusResult.model_validate({"refill": 1, "status": "completed"})
    assert known.model_dump(mode="json") == {"refill": 1, "status": "Completed"}
