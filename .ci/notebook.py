"""Build or check examples/notebook.ipynb.

``python .ci/notebook.py build`` writes the notebook from the cells below and executes it,
storing the outputs so it reads well without running it. ``python .ci/notebook.py check``
executes the committed notebook and fails on any error. Both need the ``ci`` extra and a
``python3`` kernel that is this interpreter (``python -m ipykernel install --sys-prefix``).
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "notebook.ipynb"

CELLS: list[tuple[str, str]] = [
    (
        "markdown",
        """# smmpanel in a notebook

This notebook explores a panel's catalog, places each kind of order and follows them to
the end. It runs against `FakePanel`, a simulated panel on this machine, so it needs no
account and spends no money. To use your own panel, replace the first cell's client with
`Client("https://yourpanel.example/api/v2", "your-api-key")`.

Needs `pip install "smmpanel[notebook]"` (pandas, tqdm, matplotlib).""",
    ),
    (
        "code",
        """from smmpanel import Client
from smmpanel.testing import FakePanel

panel = FakePanel(balance="500").start()
client = Client(panel.url, panel.api_key)
# The fake panel's clock: waits move panel time instead of yours, so tracking is instant.
panel_time = {"clock": lambda: panel.now, "sleep": panel.advance}
client.balance()""",
    ),
    (
        "markdown",
        """## The catalog

A `ServiceList` shows as a table; `to_dataframe()` turns it into pandas.""",
    ),
    (
        "code",
        """catalog = client.services()
catalog.search("instagram likes")""",
    ),
    (
        "code",
        """services = catalog.to_dataframe()
services[["service", "name", "category", "type", "rate", "min", "max"]].head()""",
    ),
    ("markdown", "The cheapest service of each category:"),
    (
        "code",
        """cheapest = services.loc[services.groupby("category")["rate"].idxmin()]
cheapest[["category", "service", "name", "rate"]].sort_values("rate").reset_index(drop=True)""",
    ),
    (
        "markdown",
        """Rates span two orders of magnitude, which a chart shows at a glance better than a
table (the scale is logarithmic):""",
    ),
    (
        "code",
        """import matplotlib.pyplot as plt
from matplotlib.ticker import FormatStrFormatter

by_category = services.groupby("category")["rate"].min().sort_values()
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.barh(by_category.index, by_category.values, color="#3f7fbf")
ax.set_xscale("log")
ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
ax.set_xlabel("cheapest rate per 1000 (USD, log scale)")
ax.set_title("What each category costs")
for y, rate in enumerate(by_category.values):
    ax.text(rate * 1.08, y, f"{rate:g}", va="center", fontsize=8)
fig.tight_layout()
plt.show()""",
    ),
    (
        "markdown",
        """## Placing each kind of order

Each service type takes its own parameters. Passing the `Service` (not just its id) has
the order checked against the catalog before anything is sent.""",
    ),
    (
        "code",
        """post = "https://instagram.com/p/abc"
orders = {
    "default": client.add(catalog.get(1), post, 1000),
    "drip-feed": client.add(catalog.get(3), post, 500, runs=4, interval=15),
    "package": client.add(catalog.get(4), post),
    "custom comments": client.add(catalog.get(2), post, comments=[f"Nice {n}!" for n in range(12)]),
    "mentions": client.add(catalog.get(5), post, 200, usernames=["alice", "bob"]),
    "hashtag": client.add(catalog.get(6), post, 300, hashtag="#sale"),
    "poll": client.add(catalog.get(8), post, 100, answer_number=2),
    "youtube": client.add(catalog.get(9), "https://youtube.com/watch?v=xyz", 5000),
}
{kind: created.order for kind, created in orders.items()}""",
    ),
    (
        "code",
        """# A subscription: no link, no quantity; min and max likes for each new post.
client.add(catalog.get(7), username="someone", min=100, max=200, posts=5)""",
    ),
    ("code", "client.balance()"),
    (
        "markdown",
        """## Tracking, with progress

`track` polls the orders not yet final and yields each change; `progress=True` shows how
many have finished.""",
    ),
    (
        "code",
        """ids = [created.order for created in orders.values()]
changes = list(client.track(ids, poll=300, progress=True, **panel_time))
print(f"{len(changes)} changes; the last: {changes[-1]}")
client.statuses(ids)""",
    ),
    (
        "code",
        """frame = client.statuses(ids).to_dataframe()
frame[["order", "status", "charge", "start_count", "remains"]]""",
    ),
    (
        "markdown",
        """## Refills and cancels

Refills are offered by some services, once an order has completed; the others are refused
item by item, without failing the batch.""",
    ),
    (
        "code",
        """refills = client.refills([orders[kind].order for kind in ("default", "youtube", "poll")])
refills""",
    ),
    (
        "code",
        """panel.advance(60)
client.refill_statuses([result.refill for result in refills if result.ok])""",
    ),
    (
        "code",
        """fresh = [client.add(1, post, 2000).order, client.add(10, post, 100).order]
cancels = client.cancel([*fresh, orders["default"].order])
cancels""",
    ),
    ("code", """client.statuses(fresh)"""),
    (
        "code",
        """client.close()
panel.stop()""",
    ),
]


def build() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    for kind, source in CELLS:
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        notebook.cells.append(make(source))
    return notebook


def execute(notebook: nbformat.NotebookNode) -> None:
    """Run every cell in a fresh kernel; raises on the first cell that fails."""
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()


def _final_bar_text(notebook: nbformat.NotebookNode) -> None:
    """Give each progress widget the plain-text form of its final state, for viewers
    that cannot draw widgets (the kernel sent only the bar's text as it began)."""
    key = "application/vnd.jupyter.widget-state+json"
    state = notebook.metadata.get("widgets", {}).get(key, {}).get("state", {})
    view = "application/vnd.jupyter.widget-view+json"
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            box = state.get(output.get("data", {}).get(view, {}).get("model_id"), {})
            children = [
                state.get(child.removeprefix("IPY_MODEL_"), {})
                for child in box.get("state", {}).get("children", [])
            ]
            labels = [c["state"]["value"] for c in children if c.get("model_name") == "HTMLModel"]
            if len(labels) == 2:
                text = f"{labels[0]}|{'█' * 10}|{labels[1]}".replace("\u2007", " ")
                output["data"]["text/plain"] = html.unescape(text)


def main(argv: list[str]) -> int:
    if argv == ["build"]:
        notebook = build()
        execute(notebook)
        _final_bar_text(notebook)
        for cell in notebook.cells:
            cell.metadata.pop("execution", None)  # timestamps: noise in every diff
        nbformat.validate(notebook)
        nbformat.write(notebook, NOTEBOOK)
        print(f"wrote {NOTEBOOK}")
        return 0
    if argv == ["check"]:
        execute(nbformat.read(NOTEBOOK, as_version=4))
        print(f"{NOTEBOOK.name}: every cell ran")
        return 0
    print("usage: python .ci/notebook.py build|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
