"""Constants and helpers shared by the unit tests (fixtures live in conftest.py)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import requests
import responses
import urllib3

from smmpanel import Client, RetryPolicy

URL = "https://panel.example/api/v2"
KEY = "k3y-SECRET-5f4dcc3b5aa765d61d8327deb882cf99"


def make_client(slept: list[float] | None = None, **kwargs: Any) -> Client:
    """A client for `URL` whose retries record their waits instead of sleeping."""
    sink: list[float] = [] if slept is None else slept
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=sink.append))
    return Client(URL, KEY, **kwargs)


def form_of(call: Any) -> dict[str, str]:
    """The form fields of a recorded call; each field must appear exactly once."""
    body = call.request.body
    if isinstance(body, bytes):
        body = body.decode()
    parsed = parse_qs(body or "", keep_blank_values=True)
    for name, values in parsed.items():
        assert len(values) == 1, f"{name} sent {len(values)} times"
    return {name: values[0] for name, values in parsed.items()}


def ids_sent(call: Any, field_name: str) -> list[str]:
    return form_of(call)[field_name].split(",")


def reply(
    rsps: responses.RequestsMock,
    payload: Any = None,
    *,
    status: int = 200,
    body: str | bytes | Exception | None = None,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> None:
    """Queue one answer of the panel; answers are served in the order queued, the last
    one again and again."""
    if body is None:
        body = json.dumps(payload)
    rsps.post(URL, body=body, status=status, headers=headers, content_type=content_type)


def reply_by_ids(
    rsps: responses.RequestsMock,
    field_name: str,
    make: Callable[[list[str]], tuple[int, Any]],
) -> None:
    """Answer every request with what `make` returns for the ids sent in `field_name`."""

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        body = request.body if isinstance(request.body, str) else (request.body or b"").decode()
        fields = parse_qs(body)
        status, payload = make(fields[field_name][0].split(","))
        text = payload if isinstance(payload, str) else json.dumps(payload)
        return status, {}, text

    rsps.add_callback(responses.POST, URL, callback=callback, content_type="application/json")


@dataclass
class FakeResponse:
    status_code: int = 200
    content: bytes = b'{"balance": "1.00", "currency": "USD"}'
    headers: dict[str, str] = field(default_factory=dict)

    def to_response(self) -> requests.Response:
        """A `requests.Response` with this status, headers and (unread) body."""
        response = requests.Response()
        response.status_code = self.status_code
        response.headers = requests.structures.CaseInsensitiveDict(self.headers)
        response.raw = urllib3.HTTPResponse(
            io.BytesIO(self.content), status=self.status_code, preload_content=False
        )
        return response


class FakeSession(requests.Session):
    """A ``requests.Session`` that sends nothing: records every request it is asked to
    send (url, form fields as ``data``, headers and the keyword arguments)."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[FakeResponse] = []
        self.calls: list[dict[str, Any]] = []
        self.closed = False

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        data = {name: values[0] for name, values in parse_qs(body or "").items()}
        self.calls.append({"url": request.url, "data": data, "headers": request.headers, **kwargs})
        answer = self.answers.pop(0) if self.answers else FakeResponse()
        return answer.to_response()

    def close(self) -> None:
        self.closed = True
