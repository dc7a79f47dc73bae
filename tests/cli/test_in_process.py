"""Order parameters and the demo, run through `main` in this process (no start-up cost)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smmpanel.cli import EXIT_ERROR, EXIT_USAGE, main
from smmpanel.testing import FakePanel

pytestmark = pytest.mark.e2e


@pytest.fixture
def env_panel(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePanel]:
    with FakePanel() as panel:
        monkeypatch.setenv("SMMPANEL_API_URL", panel.url)
        monkeypatch.setenv("SMMPANEL_API_KEY", panel.api_key)
        yield panel


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_with_extra_parameters(
    env_panel: FakePanel, capsys: pytest.CaptureFixture[str]
) -> None:
    comments = next(s for s in env_panel.services if s["type"] == "Custom Comments")
    lines = "\\n".join(f"comment {n}" for n in range(int(comments["min"])))
    code, _, err = run(
        capsys, "add", str(comments["service"]), "https://instagram.com/p/1", "--param",
        f"comments={lines}",
    )  # fmt: skip
    assert code == 0, err
    assert env_panel.ledger.orders[-1].quantity == int(comments["min"])


def test_add_a_subscription_with_counts_as_params(
    env_panel: FakePanel, capsys: pytest.CaptureFixture[str]
) -> None:
    subscription = next(s for s in env_panel.services if s["type"] == "Subscriptions")
    low, high = int(subscription["min"]), int(subscription["min"]) * 2
    code, _, err = run(
        capsys, "add", str(subscription["service"]), "--param", "username=someone",
        "--param", f"min={low}", "--param", f"max={high}", "--param", "posts=3",
        "--param", "delay=0",
    )  # fmt: skip
    assert code == 0, err
    assert env_panel.ledger.orders[-1].params["min"] == str(low)


@pytest.mark.parametrize("name", ["quantity", "link", "runs", "key"])
def test_params_that_have_their_own_argument_are_refused(
    env_panel: FakePanel, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, _, err = run(capsys, "add", "1", "https://instagram.com/x", "100", "--param", f"{name}=5")
    assert code == EXIT_USAGE
    assert name in err
    assert env_panel.ledger.orders == []


def test_an_odd_id_is_an_error_not_a_crash(
    env_panel: FakePanel, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "status", "\u00b2")
    assert code == EXIT_ERROR
    assert err.startswith("error: ")
    code, _, err = run(capsys, "statuses", "1", "two words")
    assert code == EXIT_USAGE
    assert "two words" in err


def test_a_plain_http_panel_needs_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--url", "http://panel.example/api/v2", "--key", "k", "balance")
    assert code == EXIT_USAGE
    assert "--insecure-http" in err
    assert "allow_insecure_http" not in err


def test_demo_is_read_only_against_a_real_panel(
    env_panel: FakePanel, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "demo")[0] == 0
    assert env_panel.ledger.orders == []
    assert {r.action for r in env_panel.ledger.requests} == {"balance", "services"}

    code, out, _ = run(capsys, "demo", "--place-order", "1", "https://instagram.com/x", "100")
    assert code == 0
    assert len(env_panel.ledger.orders) == 1
    assert "Placed order" in out


def test_the_demo_reports_a_missing_key_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SMMPANEL_API_URL", "https://panel.example/api/v2")
    code, _, err = run(capsys, "demo")
    assert code == EXIT_USAGE
    assert "SMMPANEL_API_KEY" in err
