"""Batch calls hand back the notebook-friendly containers and report their progress."""

from __future__ import annotations

from typing import Any

import pytest
from unit_support import reply_by_ids

from smmpanel import CancelResults, Client, RefillStatusResults, StatusMap


def _pending(ids: list[str]) -> tuple[int, Any]:
    return 200, {n: {"status": "Pending"} for n in ids}


@pytest.mark.parametrize("max_workers", [1, 3])
def test_a_multi_chunk_call_reports_progress_per_chunk(
    rsps, client: Client, max_workers: int
) -> None:
    reply_by_ids(rsps, "orders", _pending)
    heard: list[tuple[int, int]] = []
    found = client.statuses(
        range(1, 251), max_workers=max_workers, progress=lambda *a: heard.append(a)
    )
    assert isinstance(found, StatusMap)
    assert found == {n: found[n] for n in range(1, 251)}  # still equal to a plain dict
    assert sorted(heard) == heard  # never backwards, even from parallel chunks
    assert heard[-1] == (250, 250)
    assert {done for done, _ in heard} <= {100, 200, 250, 150, 50}


def test_list_batch_calls_return_their_containers(rsps, client: Client) -> None:
    reply_by_ids(rsps, "orders", lambda ids: (200, [{"order": n, "cancel": 1} for n in ids]))
    cancels = client.cancel([1, 2])
    assert isinstance(cancels, CancelResults)
    assert cancels == [cancels[0], cancels[1]]
    assert client.refill_statuses([]) == RefillStatusResults()


def test_a_bad_progress_argument_is_refused_before_sending(rsps, client: Client) -> None:
    with pytest.raises(ValueError, match="progress"):
        client.statuses([1], progress="yes")  # type: ignore[arg-type]
    assert len(rsps.calls) == 0
