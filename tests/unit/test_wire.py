"""What goes on the wire: one form-encoded POST per call, to the url exactly, with the key
only in the body, and every documented `add` parameter under its wire name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from actions_support import METHODS, SAMPLES, SEED_BALANCE, SEED_STATUS, call, wire_name
from unit_support import KEY, URL, form_of, reply

from smmpanel import Client


@pytest.mark.parametrize("method", METHODS)
def test_every_call_is_one_form_post_to_the_url(rsps, client: Client, method: str) -> None:
    reply(rsps, SAMPLES[method].answer)
    call(client, method)
    assert len(rsps.calls) == 1
    request = rsps.calls[0].request
    assert request.method == "POST"
    assert request.url == URL
    assert urlsplit(request.url).query == ""
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    fields = {"action": wire_name(method), **SAMPLES[method].form}
    assert form_of(rsps.calls[0]) == {"key": KEY, **fields}


@pytest.mark.parametrize("method", METHODS)
def test_the_key_travels_only_in_the_body(rsps, client: Client, method: str) -> None:
    reply(rsps, SAMPLES[method].answer)
    call(client, method)
    request = rsps.calls[0].request
    assert KEY not in request.url
    assert all(KEY not in str(value) for value in request.headers.values())


def test_the_url_is_used_exactly_as_given(rsps) -> None:
    url = "https://panel.example/custom/path/api/v2/"
    rsps.post(url, json=SEED_BALANCE)
    Client(url, KEY).balance()
    assert rsps.calls[0].request.url == url


@pytest.mark.parametrize(
    ("call", "answer", "field", "sent"),
    [
        (lambda c: c.status("ord_A1b2"), SEED_STATUS, "order", "ord_A1b2"),
        (lambda c: c.refill("R-77"), {"refill": "1"}, "order", "R-77"),
        (lambda c: c.refill_status("abc"), {"status": "Pending"}, "refill", "abc"),
        (lambda c: c.statuses(["x1", "y2"]), {"x1": SEED_STATUS}, "orders", "x1,y2"),
        (lambda c: c.cancel(["x1", 5]), [], "orders", "x1,5"),
    ],
)
def test_string_ids_are_sent_as_given(  # type: ignore[no-untyped-def]
    rsps, client: Client, call, answer: Any, field: str, sent: str
) -> None:
    reply(rsps, answer)
    call(client)
    assert form_of(rsps.calls[0])[field] == sent


# --- add ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "wire"),
    [
        ({"runs": 5, "interval": 30}, {"runs": "5", "interval": "30"}),
        ({"comments": "nice\ngreat"}, {"comments": "nice\ngreat"}),
        ({"comments": ["nice", "great", "wow"]}, {"comments": "nice\ngreat\nwow"}),
        ({"comments": ("nice", "great")}, {"comments": "nice\ngreat"}),
        ({"usernames": ["alice", "bob"]}, {"usernames": "alice\nbob"}),
        ({"usernames": "alice"}, {"usernames": "alice"}),
        ({"hashtags": ["#a", "#b"]}, {"hashtags": "#a\n#b"}),
        ({"hashtag": "#sale"}, {"hashtag": "#sale"}),
        ({"username": "carol"}, {"username": "carol"}),
        ({"media": "https://instagram.com/p/xyz"}, {"media": "https://instagram.com/p/xyz"}),
        ({"keywords": ["shoes", "red shoes"]}, {"keywords": "shoes\nred shoes"}),
        ({"groups": ("g1", "g2")}, {"groups": "g1\ng2"}),
        ({"answer_number": 3}, {"answer_number": "3"}),
        ({"answer_number": "7"}, {"answer_number": "7"}),
        ({"min": 10, "max": 20}, {"min": "10", "max": "20"}),
        ({"min": 15, "max": 15}, {"min": "15", "max": "15"}),
        ({"posts": 4}, {"posts": "4"}),
        ({"old_posts": 0}, {"old_posts": "0"}),
        ({"old_posts": 2}, {"old_posts": "2"}),
        ({"delay": 0}, {"delay": "0"}),
        ({"delay": 30}, {"delay": "30"}),
        ({"expiry": dt.date(2026, 3, 7)}, {"expiry": "07/03/2026"}),
        ({"expiry": dt.date(2027, 12, 31)}, {"expiry": "31/12/2027"}),
        ({"expiry": "01/02/2026"}, {"expiry": "01/02/2026"}),
        ({"country": "US"}, {"country": "US"}),
        ({"device": 1}, {"device": "1"}),
        ({"device": "Desktop"}, {"device": "Desktop"}),
        ({"type_of_traffic": 2}, {"type_of_traffic": "2"}),
        ({"google_keyword": "buy followers"}, {"google_keyword": "buy followers"}),
        (
            {"referring_url": "https://ref.example/?a=1&b=2"},
            {"referring_url": "https://ref.example/?a=1&b=2"},
        ),
    ],
)
def test_add_sends_documented_parameters_under_their_wire_names(
    rsps, client: Client, kwargs: dict[str, Any], wire: dict[str, str]
) -> None:
    reply(rsps, {"order": 1})
    client.add(3, "https://instagram.com/p/abc", 100, **kwargs)
    assert form_of(rsps.calls[0]) == {
        "key": KEY,
        "action": "add",
        "service": "3",
        "link": "https://instagram.com/p/abc",
        "quantity": "100",
        **wire,
    }


def test_add_sends_every_documented_parameter_at_once(rsps, client: Client) -> None:
    reply(rsps, {"order": 1})
    client.add(
        1,
        "https://example.com/x",
        1000,
        runs=2,
        interval=15,
        comments=["a", "b"],
        usernames=["u1", "u2"],
        hashtags=["#h1", "#h2"],
        hashtag="#h",
        username="u",
        media="https://example.com/m",
        keywords=["k1", "k2"],
        groups=["g1", "g2"],
        answer_number=1,
        min=100,
        max=200,
        posts=3,
        old_posts=1,
        delay=60,
        expiry=dt.date(2026, 1, 2),
        country="DE",
        device=2,
        type_of_traffic=1,
        google_keyword="gk",
        referring_url="https://r.example",
    )
    sent = form_of(rsps.calls[0])
    assert sent == {
        "key": KEY,
        "action": "add",
        "service": "1",
        "link": "https://example.com/x",
        "quantity": "1000",
        "runs": "2",
        "interval": "15",
        "comments": "a\nb",
        "usernames": "u1\nu2",
        "hashtags": "#h1\n#h2",
        "hashtag": "#h",
        "username": "u",
        "media": "https://example.com/m",
        "keywords": "k1\nk2",
        "groups": "g1\ng2",
        "answer_number": "1",
        "min": "100",
        "max": "200",
        "posts": "3",
        "old_posts": "1",
        "delay": "60",
        "expiry": "02/01/2026",
        "country": "DE",
        "device": "2",
        "type_of_traffic": "1",
        "google_keyword": "gk",
        "referring_url": "https://r.example",
    }


def test_add_leaves_out_what_is_none(rsps, client: Client) -> None:
    reply(rsps, {"order": 1})
    client.add(1, None, None, runs=None, interval=None, comments=None, country=None, extra=None)
    assert form_of(rsps.calls[0]) == {"key": KEY, "action": "add", "service": "1"}


def test_add_with_only_a_service_and_link(rsps, client: Client) -> None:
    reply(rsps, {"order": 1})
    client.add(1, "https://x.example/p")
    assert form_of(rsps.calls[0]) == {
        "key": KEY,
        "action": "add",
        "service": "1",
        "link": "https://x.example/p",
    }


@pytest.mark.parametrize(
    ("extras", "wire"),
    [
        ({"custom_field": "abc"}, {"custom_field": "abc"}),
        ({"speed": 5}, {"speed": "5"}),
        ({"price": Decimal("1.50")}, {"price": "1.50"}),
        ({"answers": ["yes", "no"]}, {"answers": "yes\nno"}),
        ({"starts": dt.date(2026, 5, 4)}, {"starts": "04/05/2026"}),
        ({"a": "1", "b": "2"}, {"a": "1", "b": "2"}),
    ],
)
def test_add_sends_panel_specific_extras(
    rsps, client: Client, extras: dict[str, Any], wire: dict[str, str]
) -> None:
    reply(rsps, {"order": 1})
    client.add(1, "https://x.example/p", 10, **extras)
    sent = form_of(rsps.calls[0])
    for name, value in wire.items():
        assert sent[name] == value
    assert sent["key"] == KEY
    assert sent["action"] == "add"


def test_add_with_a_string_service_id(rsps, client: Client) -> None:
    reply(rsps, {"order": 1})
    client.add("svc-9", "https://x.example/p", 10)
    assert form_of(rsps.calls[0])["service"] == "svc-9"


def test_list_items_with_spaces_and_unicode_survive_the_form_encoding(rsps, client: Client) -> None:
    reply(rsps, {"order": 1})
    comments = ["Great post! 😍", "a & b = c", "50% off + more"]
    client.add(2, "https://x.example/p", 3, comments=comments)
    assert form_of(rsps.calls[0])["comments"].split("\n") == comments
