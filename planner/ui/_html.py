"""HTML fragments for the views. Every piece of text goes through :func:`esc`: visitors type some of it."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from planner import Problem

#: The app's pages, in the order of the navigation bar: (key, title, address on the Voila server).
PAGES: tuple[tuple[str, str, str], ...] = (
    ("planner", "Plan an order", "/"),
    ("options", "Compare options", "/voila/render/options.ipynb"),
    ("renewals", "Renewals", "/voila/render/renewals.ipynb"),
    ("explore", "Catalog", "/voila/render/catalog.ipynb"),
)

STYLE = """
<style>
.planner-nav a { margin-right: 1.2em; text-decoration: none; color: #1565c0; }
.planner-nav a.current { font-weight: 600; color: #222; border-bottom: 2px solid #1565c0; }
.planner-box { border-radius: 4px; padding: 6px 10px; margin: 4px 0; }
.planner-bad { background: #fdecea; border: 1px solid #f5c2c0; }
.planner-warn { background: #fff8e1; border: 1px solid #ffe08a; }
.planner-info { background: #e8f1fb; border: 1px solid #b9d4f2; }
.planner-ok { background: #e8f5e9; border: 1px solid #b7dfb9; }
.planner-table { border-collapse: collapse; font-size: 13px; }
.planner-table th, .planner-table td { padding: 3px 8px; line-height: 1.35; text-align: left;
  border-bottom: 1px solid #e0e0e0; vertical-align: top; }
.planner-table td.num, .planner-table th.num { text-align: right; font-variant-numeric: tabular-nums; }
.planner-table tr.math td { color: #555; font-family: monospace; font-size: 12px; border-bottom: 1px solid #ccc; }
.planner-download a { color: #1565c0; text-decoration: underline; margin-right: 1em; }
.planner-total-line { font-size: 20px; font-weight: 600; }
.planner-muted { color: #666; font-size: 12px; }
.planner-errors ul, .planner-warnings ul { margin: 2px 0 2px 1.2em; padding: 0; }
.planner-section { font-weight: 600; margin: 10px 0 2px 0; color: #333; }
.planner-invalid input, .planner-invalid select, .planner-invalid textarea {
  border-color: #d32f2f !important; box-shadow: 0 0 0 1px #d32f2f; }
.planner-field-error { color: #c62828; font-size: 12px; margin: -2px 0 4px 154px; line-height: 1.3; }
.planner-field-note { color: #8a6d00; font-size: 12px; margin: -2px 0 4px 154px; line-height: 1.3; }
.planner-refund { margin-top: 4px; }
.planner-flag { color: #c62828; font-weight: 600; }
.planner-table tr.fold td { background: #fafafa; }
.planner-badge { background: #fff3e0; color: #8a4b00; border-radius: 3px; padding: 0 4px; font-size: 12px; }
details.planner-more summary { cursor: pointer; color: #1565c0; margin: 6px 0; }
</style>
"""


def esc(value: object) -> str:
    """Text made safe for HTML (quotes too, for attributes)."""
    return html.escape(str(value), quote=True)


def nav(current: str) -> str:
    """The navigation bar linking the app's pages, with ``current`` marked."""
    links = []
    for key, title, href in PAGES:
        cls = ' class="current"' if key == current else ""
        links.append(f'<a href="{esc(href)}"{cls}>{esc(title)}</a>')
    return f'{STYLE}<div class="planner-nav">{"".join(links)}</div>'


def problem_list(
    problems: Sequence[Problem], *, css: str, title: str, label: Callable[[str], str] | None = None
) -> str:
    """A box listing problems as ``rule`` field: message (empty text when there are none).

    ``label`` turns a request path into the form's words ("target.quota" → "ECS quota").
    """
    if not problems:
        return ""
    items = "".join(
        f'<li><code class="planner-rule">{esc(p.rule)}</code>'
        + (f" <b>{esc(label(p.field) if label else p.field)}</b>:" if p.field else "")
        + f" {esc(p.message)}</li>"
        for p in problems
    )
    return f'<div class="planner-box {css}"><b>{esc(title)}</b><ul>{items}</ul></div>'


def notice(text: str, *, css: str = "planner-info") -> str:
    return f'<div class="planner-box {css}">{esc(text)}</div>' if text else ""


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Iterable[str] = (),
    css: str = "planner-table",
) -> str:
    """A plain HTML table; columns named in ``numeric`` are right-aligned."""
    numeric = set(numeric)
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{esc(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="{"num" if c in numeric else ""}">{esc(v)}</td>' for c, v in zip(columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f'<table class="{esc(css)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def download_links(paths: Iterable[Path]) -> str:
    """Links that download the files from the page itself (``data:`` URIs: Voila's file route gives 403)."""
    links = []
    for path in paths:
        mime = "application/json" if path.suffix == ".json" else "text/csv"
        payload = base64.b64encode(path.read_bytes()).decode("ascii")
        links.append(
            f'<a download="{esc(path.name)}" href="data:{mime};base64,{payload}">Download {esc(path.name)}</a>'
        )
    return " &nbsp; ".join(links)


def draw(output: Any, bundle: dict[str, Any] | None) -> None:
    """Put a chart's mime bundle into an ``Output`` widget, replacing what was there; ``None`` empties it.

    Setting ``outputs`` replaces the old chart in one step, both in a kernel and in-process (``with output:``
    captures nothing outside a kernel, and ``clear_output(wait=True)`` keeps a stale chart until the next).
    """
    outputs = () if bundle is None else ({"output_type": "display_data", "data": bundle, "metadata": {}},)
    if output.outputs != outputs:
        output.outputs = outputs
