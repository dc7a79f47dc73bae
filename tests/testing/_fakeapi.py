"""A raw-HTTP caller for the FakePanel tests (no smmpanel client involved)."""

from __future__ import annotations

from typing import Any

import requests

from smmpanel.testing import FakePanel


class Api:
    """Posts form requests to a panel, the way every client of the protocol does."""

    def __init__(self, panel: FakePanel, session: requests.Session) -> None:
        self.panel = panel
        self.session = session

    def post(self, action: str | None, **params: Any) -> requests.Response:
        data = {"key": self.panel.api_key, **params}
        if action is not None:
            data["action"] = action
        return self.session.post(self.panel.url, data=data, timeout=5, allow_redirects=False)

    def __call__(self, action: str | None, **params: Any) -> Any:
        """The decoded JSON answer, checking it came with 200."""
        response = self.post(action, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def order(self, service: int = 1, quantity: int | None = 1000, **params: Any) -> int:
        """Place an order (on any dialect) and return its id."""
        fields = {"service": service, "link": "https://instagram.com/p/abc", "quantity": quantity}
        answer = self("add", **{**fields, **params})
        if answer.get("status") == "success":
            answer = answer["data"]
        assert "order" in answer, answer
        order_id = answer["order"]
        assert isinstance(order_id, int)
        return order_id
