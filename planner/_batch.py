"""Batch pricing (SPEC B7): one request a row, the request's fields flattened as columns.

This module holds the contract and stays light (no pandas): the columns, how one row becomes the request
that :func:`planner.quote` would price, and :func:`price_frame`, which loads the columnar engine
(:mod:`planner._batch_frame`: Arrow + numpy, the same core `planner batch` runs) only when it is called.

>>> request = request_of_row({"region": "cn-north-4", "hosts": "120", "action": "renew", "on": "2024-06-18",
...     "current_edition": "standard", "current_billing_mode": "yearly_monthly", "current_quota": "120",
...     "current_term": "1y", "current_start": "2023-07-01", "target_term": "1y", "note": "kept"})
>>> request["hosts"], request["current"]["quota"], request["target"], "note" in request
(120, 120, {'term': '1y'}, False)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from ._catalog import Catalog

if TYPE_CHECKING:
    import pandas as pd

#: The request's fields as columns, in SPEC B7's order; ``(block, key, kind)`` says where each goes.
FIELDS: dict[str, tuple[str | None, str, str]] = {
    "region": (None, "region", "text"),
    "hosts": (None, "hosts", "int"),
    "on": (None, "on", "text"),
    "action": (None, "action", "text"),
    "current_edition": ("current", "edition", "text"),
    "current_billing_mode": ("current", "billing_mode", "text"),
    "current_quota": ("current", "quota", "int"),
    "current_term": ("current", "term", "text"),
    "current_start": ("current", "start", "text"),
    "current_expires": ("current", "expires", "text"),
    "current_auto_renew": ("current", "auto_renew", "bool"),
    "current_paid": ("current", "paid", "text"),
    "current_purchased_at": ("current", "purchased_at", "text"),
    "target_edition": ("target", "edition", "text"),
    "target_billing_mode": ("target", "billing_mode", "text"),
    "target_quota": ("target", "quota", "int"),
    "target_term": ("target", "term", "text"),
    "target_auto_renew": ("target", "auto_renew", "bool"),
}
REQUIRED_COLUMNS: tuple[str, ...] = ("region", "hosts", "action")
PACKAGE_PREFIXES: dict[str, str] = {"current_package_": "current", "target_package_": "target"}
#: What the batch adds after the input's own columns.
OUTPUT_COLUMNS: tuple[str, ...] = ("ok", "total", "currency", "expires", "errors", "warnings")

_INT = re.compile(r"[+-]?[0-9]+")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def is_request_column(name: str) -> bool:
    """Whether the batch reads this column (the others are passed through untouched)."""
    return name in FIELDS or any(name.startswith(p) and len(name) > len(p) for p in PACKAGE_PREFIXES)


def _value(text: str, kind: str) -> Any:
    # A cell that does not read as its type goes to the core as text, which reports it as the field's rule
    # (hosts "ten" → hosts.invalid), exactly as a request file with that text would be reported.
    if kind == "int" and _INT.fullmatch(text):
        return int(text)
    if kind == "bool" and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    return text


def request_of_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The SPEC B2 request of one row: cells are stripped, an empty cell is an absent field.

    Whole numbers become integers and ``true``/``false`` (also ``yes``/``no``, ``1``/``0``) booleans, so
    the request is the one a user would have written as JSON; anything else stays text and gets the
    field's rule code from the core.
    """
    request: dict[str, Any] = {}
    blocks: dict[str, dict[str, Any]] = {"current": {}, "target": {}}
    for name, raw in row.items():
        text = "" if raw is None else str(raw).strip()
        if not text:
            continue
        if name in FIELDS:
            block, key, kind = FIELDS[name]
            (request if block is None else blocks[block])[key] = _value(text, kind)
            continue
        for prefix, block in PACKAGE_PREFIXES.items():
            if name.startswith(prefix) and len(name) > len(prefix):
                blocks[block].setdefault("packages", {})[name[len(prefix) :]] = _value(text, "int")
    for block in ("current", "target"):
        if blocks[block]:
            request[block] = blocks[block]
    return request


def price_frame(frame: pd.DataFrame, catalog: Catalog, *, today: date | None = None) -> pd.DataFrame:
    """Price every row of ``frame`` (SPEC B7 columns); return it with ``ok, total, currency, expires,
    errors, warnings`` added. Pure: no files, no printing; the input frame is not changed.

    Valid rows of common shapes are priced over whole columns in exact integer arithmetic, and rows of
    those shapes that break rules get their rule codes over whole columns too; every other row (a rare
    shape) is priced by :func:`planner.quote`, so each row equals ``planner quote`` of the same request.
    ``today`` is the day used when a row's ``on`` is empty (today in the catalog's time zone otherwise).
    A frame without the required columns raises :class:`planner.PlannerError`.

    >>> import pandas as pd, planner
    >>> rows = pd.DataFrame({"region": ["cn-north-4", "mars-1"], "hosts": ["1", "1"],
    ...     "action": ["upgrade", "purchase"], "on": ["2024-06-18", ""],
    ...     "current_edition": ["standard", ""], "current_billing_mode": ["yearly_monthly", ""],
    ...     "current_quota": ["1", ""], "current_term": ["1m", ""], "current_start": ["2024-06-08", ""],
    ...     "target_edition": ["professional", "standard"], "target_billing_mode": ["", "yearly_monthly"],
    ...     "target_quota": ["", "1"], "target_term": ["", "1m"]})
    >>> priced = planner.price_frame(rows, planner.load_catalog())
    >>> priced[["ok", "total", "expires", "errors"]].values.tolist()
    [['true', '13.02', '2024-07-08', ''], ['false', '', '', 'region.unknown']]
    """
    from ._batch_frame import price_frame as run

    return run(frame, catalog, today=today)


__all__ = [
    "FIELDS",
    "OUTPUT_COLUMNS",
    "PACKAGE_PREFIXES",
    "REQUIRED_COLUMNS",
    "is_request_column",
    "price_frame",
    "request_of_row",
]
