"""Test helpers for code that uses smmpanel: a stateful fake panel served over real HTTP.

::

    from smmpanel.testing import FakePanel

    with FakePanel() as panel:
        client = Client(panel.url, panel.api_key)

The ``fake_panel`` pytest fixture (this package's pytest plugin) yields a started panel.
This package uses only the standard library and never imports the client.
See docs/testing.md.
"""

from ._dialect import DIALECTS, Dialect
from ._faults import Fault, FaultRule
from ._ledger import BalanceMovement, Ledger, RecordedRequest
from ._orders import FakeOrder, FakeRefill
from ._panel import FakePanel
from ._simulator import run_simulator

__all__ = [
    "DIALECTS",
    "BalanceMovement",
    "Dialect",
    "FakeOrder",
    "FakePanel",
    "FakeRefill",
    "Fault",
    "FaultRule",
    "Ledger",
    "RecordedRequest",
    "run_simulator",
]
