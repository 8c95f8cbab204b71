"""The columnar side of :func:`planner.price_frame` (pandas + numpy; loaded only when a frame is priced).

Rows are split in two. Those the vectorised engine (:mod:`planner._batch_vector`) proves valid and knows
how to price get their total, expiry and warnings from whole-column integer arithmetic; every other row —
any broken rule, any rare shape — is priced by :func:`planner.quote` on :func:`request_of_row`. Both
halves write the same output columns, so the output cannot tell which path priced a row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from . import _batch_vector as vector
from ._batch import OUTPUT_COLUMNS, REQUIRED_COLUMNS, is_request_column, request_of_row
from ._catalog import Catalog
from ._money import money
from ._problems import PlannerError, Problem
from ._quote import Quote, quote


def check_columns(columns: list[str]) -> None:
    """The file-level contract: the required columns are there, and none clashes with what is added."""
    problems = [
        Problem("request.malformed", name, "required column is missing")
        for name in REQUIRED_COLUMNS
        if name not in columns
    ]
    problems += [
        Problem("request.malformed", name, "the batch adds this column: rename the input's")
        for name in OUTPUT_COLUMNS
        if name in columns
    ]
    duplicated = sorted({name for name in columns if columns.count(name) > 1})
    problems += [Problem("request.malformed", name, "column given twice") for name in duplicated]
    if problems:
        raise PlannerError(problems)


def codes(problems: list[Problem]) -> str:
    """Rule codes, each once, in the order the single path reports them, ``;``-separated."""
    return ";".join(dict.fromkeys(p.rule for p in problems))


def quote_columns(result: Quote) -> tuple[str, str, str, str, str]:
    """``ok, total, expires, errors, warnings`` of one quote, as the batch writes them."""
    total = money(result.total) if result.ok and result.total is not None else ""
    expires = result.expires.isoformat() if result.ok and result.expires is not None else ""
    return ("true" if result.ok else "false", total, expires, codes(result.errors), codes(result.warnings))


def _text(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.StringDtype) and not column.hasnans:
        return column.reset_index(drop=True)  # text already (a CSV's cells): no copy
    return column.astype("str").fillna("").reset_index(drop=True)


def _texts(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The request columns as text: typed (Parquet) columns as their text, a missing value as empty."""
    return {str(name): _text(frame[name]) for name in frame.columns if is_request_column(str(name))}


def price_frame(frame: pd.DataFrame, catalog: Catalog, *, today: date | None = None) -> pd.DataFrame:
    check_columns([str(c) for c in frame.columns])
    day = today or catalog.today()
    texts = _texts(frame)
    n = len(frame)
    priced = vector.price(texts, n, catalog, day)
    ok = np.where(priced.done, "true", "false").astype(object)
    total = priced.total_text()
    expires = priced.expires_text()
    errors = priced.errors.copy()
    warnings = priced.warnings.copy()
    rest = np.flatnonzero(~priced.decided)
    cells = {name: text.iloc[rest].to_numpy(dtype=object) for name, text in texts.items()}
    for j, i in enumerate(rest):
        row = {name: values[j] for name, values in cells.items()}
        result = quote(request_of_row(row), catalog, today=day)
        ok[i], total[i], expires[i], errors[i], warnings[i] = quote_columns(result)
    out = frame.copy()
    out["ok"] = ok
    out["total"] = total
    out["currency"] = catalog.currency
    out["expires"] = expires
    out["errors"] = errors
    out["warnings"] = warnings
    for name in OUTPUT_COLUMNS:
        out[name] = out[name].astype("str")
    return out


def totals(frame: pd.DataFrame) -> Decimal:
    """The sum of a priced frame's ``total`` column (valid rows), exactly."""
    return sum((Decimal(t) for t in frame["total"] if t), Decimal(0))
