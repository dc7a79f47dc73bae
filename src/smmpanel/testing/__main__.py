"""``python -m smmpanel.testing``: run a FakePanel in the foreground."""

from smmpanel.testing._simulator import run_simulator

if __name__ == "__main__":
    raise SystemExit(run_simulator())
