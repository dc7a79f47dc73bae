"""Hostile and odd panels: deep nesting, echoed keys, weak keys, smuggled parameters,
huge numbers, and the exact shapes three real panel servers answered with."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
import responses
from actions_support import SEED_SERVICES
from unit_support import KEY, URL, form_of, reply

from smmpanel import (
    APIError,
    AuthenticationError,
    Client,
    InvalidArgumentError,
    OutcomeUnknownError,
    RateLimitError,
    ResponseError,
    Service,
    SMMPanelError,
)

LINK = "https://x.example/p"
CALLS: dict[str, Callable[[Client], Any]] = {
    "services": lambda c: c.services(),
    "balance": lambda c: c.balance(),
    "add": lambda c: c.add(1, LINK, 100),
    "status": lambda c: c.status(1),
    "statuses": lambda c: c.statuses([1, 2]),
    "refill": lambda c: c.refill(1),
    "refills": lambda c: c.refills([1, 2]),
    "refill_status": lambda c: c.refill_status(1),
    "refill_statuses": lambda c: c.refill_statuses([1, 2]),
    "cancel": lambda c: c.cancel([1, 2]),
}
WRITES = ("add", "refill", "refills", "cancel")


def outcome(call: Callable[[], Any]) -> SMMPanelError | None:
    """The `SMMPanelError` `call` raised, or None; any other exception fails the test."""
    try:
        call()
    except SMMPanelError as error:
        return error
    return None


def deeper(frames: int, call: Callable[[], Any]) -> Any:
    """`call` made `frames` frames further down the stack than here."""
    return call() if frames <= 0 else deeper(frames - 1, call)


# --- 10: deep nesting ------------------------------------------------------------------------


def nested(depth: int, shape: str) -> str:
    inner = "[" * depth + "]" * depth
    return shape.replace("X", inner)


SHAPES = [
    "X",
    '{"error": X}',
    '{"status": X}',
    '{"1": X, "2": {"status": "Pending"}}',
    '[{"order": 1, "refill": X, "cancel": X, "status": X}]',
    '{"status": "success", "data": X}',
    f'{{"note": "{KEY}", "data": X}}',  # an echoed key: the answer's texts are walked
]


@pytest.mark.parametrize("depth", [400, 900, 3000])
@pytest.mark.parametrize("name", list(CALLS))
def test_deep_nesting_raises_only_smmpanel_errors(depth: int, name: str) -> None:
    for shape in SHAPES:
        for frames in (0, 150):  # the stack depth the call is made at matters too
            with responses.RequestsMock() as rsps, Client(URL, KEY, max_retries=0) as client:
                rsps.post(URL, body=nested(depth, shape))
                call = CALLS[name]
                error = outcome(partial(deeper, frames, partial(call, client)))
                assert not isinstance(error, InvalidArgumentError)
                assert KEY not in str(error)


@pytest.mark.parametrize("name", WRITES)
def test_a_write_answered_with_unreadable_depth_has_an_unknown_outcome(name: str) -> None:
    # 100 levels every Python's json reads; 3000 some read and some refuse; 100,000 none.
    for depth in (100, 3000, 100_000):
        body = nested(depth, '{"order": X, "refill": X}')
        with responses.RequestsMock() as rsps, Client(URL, KEY, max_retries=0) as client:
            rsps.post(URL, body=body)
            with pytest.raises(OutcomeUnknownError):
                CALLS[name](client)


def test_an_answer_nested_past_any_real_one_is_unreadable_on_every_python(
    rsps, client: Client
) -> None:
    reply(rsps, body=nested(100, '{"1": X}'))
    with pytest.raises(ResponseError, match="nested too deeply"):
        client.statuses([1])


def test_a_deeply_nested_error_message_is_an_api_error(rsps, client: Client) -> None:
    reply(rsps, body=nested(950, '{"error": X}'), status=400)
    with pytest.raises((APIError, ResponseError)) as caught:
        client.balance()
    assert len(str(caught.value)) < 1000


# --- 11: numbers too long to print -------------------------------------------------------------

HUGE = 10**5000


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.status(HUGE),
        lambda c: c.refill(HUGE),
        lambda c: c.refill_status(HUGE),
        lambda c: c.statuses([1, HUGE]),
        lambda c: c.cancel([HUGE]),
        lambda c: c.refills([HUGE]),
        lambda c: c.add(HUGE, LINK, 100),
        lambda c: c.add(1, LINK, HUGE),
        lambda c: c.add(1, LINK, 100, runs=HUGE, interval=5),
        lambda c: c.add(1, LINK, 100, answer_number=HUGE),
        lambda c: c.add(1, LINK, 100, extra=HUGE),
        lambda c: c.add(1, LINK, 100, extra=[1, HUGE]),
    ],
)
def test_numbers_too_long_to_print_are_invalid_arguments(rsps, client: Client, call) -> None:
    with pytest.raises(InvalidArgumentError, match="at most 100 digits"):
        call(client)
    assert not rsps.calls


def test_a_hundred_digit_id_is_still_sent(rsps, client: Client) -> None:
    reply(rsps, {"status": "Pending"})
    client.status(10**99)
    assert form_of(rsps.calls[0])["order"] == "1" + "0" * 99


# --- 12: scrubbing after decoding, never changing an answer ---------------------------------


def test_a_key_echoed_as_json_unicode_escapes_is_scrubbed(rsps, client: Client) -> None:
    escaped = "".join(f"\\u{ord(char):04x}" for char in KEY)
    reply(rsps, body=f'{{"error": "Invalid API key {escaped}"}}')
    with pytest.raises(AuthenticationError) as caught:
        client.balance()
    assert KEY not in str(caught.value)
    assert "[api key removed]" in caught.value.message


def test_a_key_echoed_in_a_model_as_unicode_escapes_is_scrubbed(rsps, client: Client) -> None:
    escaped = "".join(f"\\u{ord(char):04x}" for char in KEY)
    body = json.dumps([{**SEED_SERVICES[0], "name": "x"}]).replace('"x"', f'"{escaped}"')
    reply(rsps, body=body)
    services = client.services()
    assert KEY not in repr(services)


def test_a_location_holding_the_key_in_another_case_is_scrubbed(rsps, client: Client) -> None:
    location = f"https://{KEY.upper()}.evil.example/api/v2"
    reply(rsps, body="", status=301, headers={"Location": location})
    with pytest.raises(ResponseError) as caught:
        client.balance()
    assert KEY.lower() not in str(caught.value).lower()
    assert "evil.example" in str(caught.value)


def test_a_weak_key_never_changes_an_answer(rsps) -> None:
    with Client(URL, "12345678") as client:
        reply(rsps, body='{"order": 1123456789}')
        assert client.add(1, LINK, 100).order == 1123456789
        reply(rsps, body='{"order": "12345678"}')
        assert client.add(1, LINK, 100).order == "12345678"
        reply(rsps, body='{"1": {"status": "Pending", "charge": "0.12345678"}}')
        assert str(client.statuses([1])[1].charge) == "0.12345678"


def test_a_weak_key_is_still_scrubbed_from_messages(rsps) -> None:
    reply(rsps, body='{"error": "Invalid API key 12345678"}')
    with Client(URL, "12345678") as client, pytest.raises(AuthenticationError) as caught:
        client.balance()
    assert "12345678" not in str(caught.value)


def test_the_preview_a_response_error_keeps_is_scrubbed_across_its_cut(rsps, client) -> None:
    reply(rsps, body="x" * 490 + KEY.upper() + "y" * 100, status=502)
    with pytest.raises(ResponseError) as caught:
        client.balance()
    assert KEY[:10].lower() not in caught.value.body.lower()
    assert len(caught.value.body) <= 500


# --- 14: extra parameters cannot smuggle another action --------------------------------------


@pytest.mark.parametrize(
    "name", [" action", "action[]", "ACTION", "Key", "key ", "a.b", "1st", "é", "", "a-b", "x\n"]
)
def test_extra_parameter_names_must_be_plain(rsps, client: Client, name: str) -> None:
    with pytest.raises(InvalidArgumentError):
        client.add(1, LINK, 100, **{name: "cancel", "orders": "5"})
    assert not rsps.calls


def test_plain_extra_parameters_are_sent(rsps, client: Client) -> None:
    reply(rsps, {"order": 9})
    client.add(1, LINK, 100, _ref="a", Promo_2="b")
    form = form_of(rsps.calls[0])
    assert (form["_ref"], form["Promo_2"], form["action"]) == ("a", "b", "add")


# --- 15 to 21: what real panel servers taught us ---------------------------------------------


def test_an_answered_5xx_on_a_write_quotes_the_panel(rsps, client: Client) -> None:
    reply(rsps, {"error": "Provider not available"}, status=503)
    with pytest.raises(OutcomeUnknownError) as caught:
        client.add(1, LINK, 100)
    message = str(caught.value)
    assert "the panel answered HTTP 503: Provider not available" in message
    assert "it may or may not have acted" in message
    assert "lost" not in message
    assert caught.value.answered is True
    assert len(rsps.calls) == 1


def test_a_lost_answer_still_says_it_was_lost(rsps, client: Client) -> None:
    reply(rsps, body="<html>", status=200)
    with pytest.raises(OutcomeUnknownError, match="answer was lost") as caught:
        client.add(1, LINK, 100)
    assert caught.value.answered is False


def test_a_write_answered_429_is_a_rate_limit_error(rsps, client: Client) -> None:
    reply(rsps, {"error": "Rate limit exceeded."}, status=429, headers={"Retry-After": "60"})
    with pytest.raises(RateLimitError) as caught:
        client.add(1, LINK, 100)
    assert caught.value.retry_after == 60
    assert len(rsps.calls) == 1


def test_a_single_refill_status_error_under_status_is_an_api_error(rsps, client) -> None:
    reply(rsps, {"status": {"error": "Refill not found"}})
    with pytest.raises(APIError, match="refill_status: Refill not found") as caught:
        client.refill_status(5)
    assert caught.value.message == "Refill not found"


def test_the_panel_scripts_bad_key_answer_is_an_authentication_error(rsps, client) -> None:
    message = "API is Disable for this user or User Not Found! Contact the Support"
    reply(rsps, {"error": message})
    with pytest.raises(AuthenticationError) as caught:
        client.balance()
    assert caught.value.message == message


@pytest.mark.parametrize("data", ["Empty Data", "No data", "", []])
def test_an_empty_catalog_in_an_envelope_is_an_empty_list(rsps, client, data) -> None:
    reply(rsps, {"status": "success", "data": data})
    services = client.services()
    assert list(services) == []
    assert services.invalid == []


def test_an_api_error_names_the_call_without_the_key(rsps, client: Client) -> None:
    reply(rsps, {"error": "Incorrect service ID"})
    with pytest.raises(APIError) as caught:
        client.add(7, LINK, 100, runs=2, interval=5)
    error = caught.value
    assert str(error) == "add: Incorrect service ID"
    assert error.action == "add"
    assert error.params == {
        "service": "7",
        "link": LINK,
        "quantity": "100",
        "runs": "2",
        "interval": "5",
    }
    assert KEY not in repr(vars(error))


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"dripfeed": "1"}, True),
        ({"dripfeed": "0"}, False),
        ({"drip_feed": True}, True),
        ({"drip_feed": "yes"}, True),
        ({"dripfeed": 1}, True),
        ({"dripfeed": "false"}, False),
        ({}, False),
    ],
)
def test_dripfeed_is_a_typed_flag_in_any_spelling(rsps, client, entry, expected) -> None:
    reply(rsps, [{**SEED_SERVICES[0], **entry}])
    service = client.services()[0]
    assert service.dripfeed is expected
    assert Service.model_fields["dripfeed"].annotation is bool


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_an_answer_in_utf16_or_utf32_cannot_carry_the_key_out(
    rsps, client: Client, encoding: str
) -> None:
    # json.loads reads these encodings too: the key must be looked for in what it reads.
    reply(rsps, body=json.dumps({"error": f"bad key {KEY}"}).encode(encoding), status=200)
    with pytest.raises(APIError) as caught:
        client.balance()
    assert KEY not in str(caught.value)
    assert "[api key removed]" in caught.value.message
    reply(rsps, body=f"<html>{KEY}</html>".encode(encoding), status=403)
    with pytest.raises(ResponseError) as unreadable:
        client.balance()
    assert KEY not in unreadable.value.body.replace("\x00", "")


def test_a_partly_percent_encoded_key_is_scrubbed(rsps, client: Client) -> None:
    spelled = "%" + format(ord(KEY[0]), "02x") + KEY[1:]
    reply(rsps, {"error": f"no such key {spelled}"}, status=200)
    with pytest.raises(APIError) as caught:
        client.balance()
    assert KEY[1:] not in str(caught.value)
