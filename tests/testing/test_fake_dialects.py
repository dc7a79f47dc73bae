"""Each dialect preset drifts from the seed the way some real panels do."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest
import requests
from _fakeapi import Api

from smmpanel.testing import DIALECTS, Dialect, FakePanel


def raw(api: Api, action: str, **params: Any) -> requests.Response:
    return api.post(action, **params)


def test_presets_are_named_and_complete() -> None:
    presets = Dialect.presets()
    assert tuple(presets) == DIALECTS
    assert presets["canonical"] == Dialect()
    assert all(preset.name == name for name, preset in presets.items())
    drifting = presets["drifting"]
    for name in DIALECTS[1:-1]:
        for field in dataclasses.fields(Dialect):
            value = getattr(presets[name], field.name)
            if field.name != "name" and value != field.default:
                assert getattr(drifting, field.name) == value
    with pytest.raises(ValueError, match="unknown dialect"):
        Dialect.named("klingon")
    with pytest.raises(TypeError):
        Dialect.coerce(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", DIALECTS)
def test_every_dialect_answers_every_action(name: str, session: requests.Session) -> None:
    with FakePanel(dialect=name) as panel:
        assert panel.dialect.name == name
        api = Api(panel, session)
        order = api.order()
        panel.complete(order)
        calls: list[tuple[str, dict[str, Any]]] = [
            ("services", {}),
            ("balance", {}),
            ("status", {"order": order}),
            ("status", {"orders": f"{order},1"}),
            ("refill", {"order": order}),
            ("refill", {"orders": f"{order},1"}),
            ("refill_status", {"refill": 1}),
            ("refill_status", {"refills": "1,2"}),
            ("cancel", {"orders": f"{order},1"}),
            ("status", {"order": 1}),
        ]
        for action, params in calls:
            response = api.post(action, **params)
            assert response.headers["Content-Type"] == panel.dialect.content_type
            json.loads(response.text)  # always JSON, whatever the label says


def test_numbers(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.dialect = "numbers"
    order = api.order(service=1, quantity=309)
    services = api.post("services").json(parse_float=Decimal)
    assert services[0]["rate"] == Decimal("0.90")
    assert (services[0]["min"], services[0]["max"]) == (50, 10000)
    assert raw(api, "balance").text == '{"balance":99.721900,"currency":"USD"}'
    start_count = fake_panel.complete(order, remains=157).start_count
    assert raw(api, "status", order=order).text == (
        f'{{"charge":0.136800,"start_count":{start_count},"status":"Partial",'
        '"remains":157,"currency":"USD"}'
    )
    assert raw(api, "refill", order=order).json() == {"refill": 1}
    assert api("refill_status", refills="1") == [{"refill": 1, "status": "Pending"}]


def test_spelling(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.dialect = "spelling"
    first, second = api.order(), api.order()
    assert api("status", order=first)["status"] == "pending"
    fake_panel.advance(5)
    assert api("status", order=first)["status"] == "in progress"
    api("cancel", orders=first)
    fake_panel.complete(second)
    answer = api("status", orders=f"{first},{second}")
    assert [answer[str(first)]["status"], answer[str(second)]["status"]] == [
        "cancelled",
        "completed",
    ]
    fake_panel.dialect = Dialect(cancelled_spelling=True)
    assert api("status", order=first)["status"] == "Cancelled"


@pytest.mark.parametrize(
    ("action", "params", "status", "message"),
    [
        ("add", {"service": 1, "link": "https://x.y/z", "quantity": 999999}, 422, None),
        ("add", {"service": 999, "link": "https://x.y/z", "quantity": 100}, 422, None),
        ("status", {"order": 5}, 404, "Incorrect order ID"),
        ("refill_status", {"refill": 5}, 404, "Refill not found"),
        ("teleport", {}, 400, "Incorrect request"),
        ("status", {"orders": ",".join(["1"] * 101)}, 422, None),
    ],
)
def test_error_status(
    api: Api,
    fake_panel: FakePanel,
    action: str,
    params: dict[str, Any],
    status: int,
    message: str | None,
) -> None:
    fake_panel.dialect = "error_status"
    response = raw(api, action, **params)
    assert response.status_code == status
    assert set(response.json()) == {"error"}
    if message:
        assert response.json()["error"] == message


def test_error_status_for_key_and_funds(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.dialect = "error_status"
    fake_panel.set_balance(0)
    response = raw(api, "add", service=1, link="https://x.y/z", quantity=100)
    assert (response.status_code, response.json()) == (
        402,
        {"error": "Not enough funds on balance"},
    )
    response = api.session.post(fake_panel.url, data={"key": "bad", "action": "balance"})
    assert (response.status_code, response.json()) == (401, {"error": "Invalid API key"})
    assert api("balance")["balance"] == "0.00000"  # successes stay 200


def test_bare_item_errors(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.dialect = "bare_item_errors"
    order = api.order(service=3, quantity=100)
    assert api("status", orders=f"{order},7")["7"] == "Incorrect order ID"
    assert api("refill", orders="7") == [{"order": 7, "refill": "Incorrect order ID"}]
    assert api("refill_status", refills="7") == [{"refill": 7, "status": "Refill not found"}]
    assert api("cancel", orders=str(order)) == [
        {"order": order, "cancel": "Cancel is disabled for this service"}
    ]
    assert api("status", order=7) == {"error": "Incorrect order ID"}  # whole-request errors


def test_envelope(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.dialect = "envelope"
    assert api("balance") == {
        "status": "success",
        "data": {"balance": "100.00000", "currency": "USD"},
    }
    assert api("add", service=1, link="https://x.y/z", quantity=100) == {
        "status": "success",
        "data": {"order": 23501},
    }
    assert api("status", order=23501)["data"]["status"] == "Pending"
    assert api("status", order=1) == {"error": "Incorrect order ID"}  # errors are not wrapped


def test_text_html(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.dialect = "text_html"
    response = raw(api, "balance")
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert response.json() == {"balance": "100.00000", "currency": "USD"}


def test_drifting_does_everything_at_once(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.dialect = "drifting"
    response = raw(api, "status", orders="7")
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text == '{"status":"success","data":{"7":"Incorrect order ID"}}'
    assert raw(api, "status", order=7).status_code == 404
    answer = raw(api, "add", service=1, link="https://x.y/z", quantity=100).json()
    order = answer["data"]["order"]
    api("cancel", orders=order)
    assert raw(api, "status", order=order).text == (
        '{"status":"success","data":{"charge":0.000000,"start_count":0,'
        '"status":"cancelled","remains":100,"currency":"USD"}}'
    )


def test_dialect_in_constructor_and_custom_flags(session: requests.Session) -> None:
    custom = Dialect(numbers=True, money_places=2)
    with FakePanel(dialect=custom, balance="12.345") as panel:
        assert panel.dialect is custom
        response = session.post(panel.url, data={"key": panel.api_key, "action": "balance"})
        assert response.text == '{"balance":12.35,"currency":"USD"}'
