"""``python -m smmpanel``: the same as the ``smmpanel`` command."""

from .cli import main

raise SystemExit(main())
