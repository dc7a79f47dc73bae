"""The documentation site lists every public name, links every page it has, and the
example notebook is committed with the outputs of a clean run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import smmpanel
import smmpanel.testing

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _reference_text() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in (DOCS / "reference").glob("*.md"))


def test_the_api_reference_documents_every_public_name() -> None:
    documented = set(re.findall(r"^::: ([\w.]+)$", _reference_text(), flags=re.M))
    wanted = {f"smmpanel.{name}" for name in smmpanel.__all__ if name != "__version__"}
    wanted |= {f"smmpanel.testing.{name}" for name in smmpanel.testing.__all__}
    assert wanted - documented == set()
    assert "__version__" in _reference_text()


def test_every_page_is_in_the_navigation() -> None:
    nav = set(re.findall(r":\s*([\w/.-]+\.md)$", (ROOT / "mkdocs.yml").read_text(), re.M))
    pages = {str(page.relative_to(DOCS)) for page in DOCS.rglob("*.md")}
    assert pages == nav


def test_the_notebook_is_saved_with_the_outputs_of_a_clean_run() -> None:
    notebook = json.loads((ROOT / "examples" / "notebook.ipynb").read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    counts = [cell["execution_count"] for cell in code]
    assert counts == list(range(1, len(code) + 1))  # run top to bottom, once
    outputs = [output for cell in code for output in cell["outputs"]]
    assert not [output for output in outputs if output["output_type"] == "error"]
    kinds = {kind for output in outputs for kind in output.get("data", {})}
    assert {"text/html", "image/png"} <= kinds  # tables and a chart
