"""The quick part of the test suite on every supported Python: ``nox -s tests``.

.ci/run puts the interpreters on PATH; locally, ``nox -s tests-3.12`` runs one of them.
"""

from __future__ import annotations

import nox

nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Install with the dev extra and run the unit, end-to-end and docs tests."""
    session.install("-e", ".[dev]")
    paths = session.posargs or ["tests/unit", "tests/e2e", "tests/docs"]
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths)
