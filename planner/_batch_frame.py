"""The columnar side of batch pricing: Arrow columns in, the six added columns out, in two steps.

1. The vectorised engine (:mod:`planner._batch_vector`) prices the rows it proves valid and knows how to
   price, over whole columns in integer arithmetic, and writes their columns with Arrow compute; rows of
   the same plain shape that break rules get their rule codes there too (:mod:`planner._batch_rules`).
2. Every other row — a rare shape the engine does not decide — is priced by :func:`planner.quote` on
   :func:`request_of_row` (:func:`single_path`), and its cells are put in place with one Arrow ``take``.

Both steps write the same output columns, so the output cannot tell which path priced a row. The command
(:func:`price_table`, a ``pa.Table`` in and out) and :func:`price_frame` (pandas in and out, for notebooks
and Dask) are thin shells over :func:`price_columns`: one pricing path. pandas is imported only by
:func:`price_frame`.
"""

from __future__ import annotations

import warnings
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _batch_vector as vector
from ._batch import OUTPUT_COLUMNS, REQUIRED_COLUMNS, is_request_column, request_of_row
from ._catalog import Catalog
from ._money import money
from ._problems import PlannerError, Problem
from ._quote import Quote, quote

if TYPE_CHECKING:
    import pandas as pd


def check_columns(columns: list[str]) -> None:
    """The file-level contract: the required columns are there, and none clashes with what is added."""
    misses = dict((meant, name) for name, meant in near_misses(columns))
    problems = [
        Problem(
            "request.malformed",
            name,
            "required column is missing"
            + (f" (the file has {misses[name]!r}: name it exactly {name!r})" if name in misses else ""),
        )
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


def near_misses(columns: list[str]) -> list[tuple[str, str]]:
    """``(column, request column)`` for each column that is a request column but for case or white space
    around its name (``On``, `` target_term``) when the file has no column of that exact name.

    SPEC B7 passes an unknown column through untouched, and so does the batch; but the field it was
    surely meant for is then absent (a row priced as of today, say), so the command says so on stderr.
    A file that has both (``region`` and ``Region``) keeps the second as a column of its own, unremarked.
    """
    misses = []
    for name in columns:
        meant = name.strip().lower()
        if meant != name and meant not in columns and is_request_column(meant) and not is_request_column(name):
            misses.append((name, meant))
    return misses


def near_miss_notice(name: str, meant: str) -> str:
    """What the command says of one near miss (:func:`near_misses`)."""
    return f"column {name!r} is passed through, not read: name it exactly {meant!r} to have it priced"


def codes(problems: list[Problem]) -> str:
    """Rule codes, each once, in the order the single path reports them, ``;``-separated."""
    return ";".join(dict.fromkeys(p.rule for p in problems))


def quote_columns(result: Quote) -> tuple[str, str, str, str, str]:
    """``ok, total, expires, errors, warnings`` of one quote, as the batch writes them."""
    total = money(result.total) if result.ok and result.total is not None else ""
    expires = result.expires.isoformat() if result.ok and result.expires is not None else ""
    return ("true" if result.ok else "false", total, expires, codes(result.errors), codes(result.warnings))


def single_path(texts: dict[str, pa.Array], rows: np.ndarray, catalog: Catalog, day: date) -> list[tuple[str, ...]]:
    """Step 2: ``ok, total, expires, errors, warnings`` of each of ``rows`` by :func:`planner.quote`."""
    if not len(rows):
        return []
    picked = pa.array(rows)
    cells = {name: text.take(picked).to_pylist() for name, text in texts.items()}
    names = list(cells)
    out: list[tuple[str, ...]] = []
    for values in zip(*(cells[name] for name in names), strict=True):
        result = quote(request_of_row(dict(zip(names, values, strict=True))), catalog, today=day)
        out.append(quote_columns(result))
    return out


_FALLBACK_COLUMNS = ("ok", "total", "expires", "errors", "warnings")


def _constant(text: str, n: int) -> pa.Array:
    """``text`` ``n`` times, built in Arrow (no Python object per row)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([text])).cast(pa.string())


def price_columns(texts: dict[str, pa.Array], n: int, catalog: Catalog, day: date) -> dict[str, pa.Array]:
    """The six added columns (``ok, total, currency, expires, errors, warnings``) of ``n`` rows whose
    request columns are ``texts`` (Arrow text, an absent field empty)."""
    priced = vector.price(texts, n, catalog, day)
    columns: dict[str, pa.Array] = {
        "ok": pc.if_else(pa.array(priced.done), "true", "false"),
        "total": priced.total_text(),
        "expires": priced.expires_text(),
    }
    for name in vector.TEXT_COLUMNS:
        columns[name] = pa.array(getattr(priced, name), pa.string())
    rest = np.flatnonzero(~priced.decided)  # neither priced nor found invalid by the engine
    quoted = single_path(texts, rest, catalog, day)
    if quoted:
        # each column: the engine's n cells then the single path's, and one take puts those in place
        where = np.arange(n)
        where[rest] = n + np.arange(len(rest))
        order = pa.array(where)
        for k, name in enumerate(_FALLBACK_COLUMNS):
            fallback = pa.array([cells[k] for cells in quoted], pa.string())
            columns[name] = pa.concat_arrays([columns[name].cast(pa.string()), fallback]).take(order)
    columns["currency"] = _constant(catalog.currency, n)
    return {name: columns[name].cast(pa.string()) for name in OUTPUT_COLUMNS}


def arrow_text(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A file's column as the engine's text: text as it is (a missing value empty); numbers, booleans and
    dates as Arrow writes them (in a CSV output too); any other type as pandas writes it (rare: times)."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    kind = array.type
    if pa.types.is_dictionary(kind):
        array = array.cast(kind.value_type)
        kind = kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = array
    elif any(is_kind(kind) for is_kind in (pa.types.is_integer, pa.types.is_floating, pa.types.is_boolean)) or (
        pa.types.is_date32(kind)
    ):  # floats too: 100.0 (pandas' int column with gaps) reads 100, as the CSV output writes it
        text = pc.cast(array, pa.large_string())
    else:
        import pandas as pd

        return vector.arrow(pa.array(_pandas_text(array.to_pandas(types_mapper=pd.ArrowDtype)), from_pandas=True))
    return vector.arrow(text.fill_null("") if text.null_count else text)


def price_table(table: pa.Table, catalog: Catalog, *, today: date | None = None) -> pa.Table:
    """``table`` (every column as it came) with the six columns added: the command's pricing step."""
    check_columns(list(table.column_names))
    texts = {name: arrow_text(table.column(name)) for name in table.column_names if is_request_column(name)}
    added = price_columns(texts, table.num_rows, catalog, today or catalog.today())
    for name, column in added.items():
        table = table.append_column(name, column)
    return table


def _pandas_text(column: pd.Series) -> pd.Series:
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype) and not column.hasnans:
        return column.reset_index(drop=True)  # text already (a CSV's cells): no copy
    return column.astype("str").fillna("").reset_index(drop=True)


def _frame_text(column: pd.Series) -> pa.Array:
    """A frame's column as the engine's text. Numbers and booleans as a file's (:func:`arrow_text`): an
    int column with a gap is float64 in pandas (``pd.read_csv`` of a portfolio), and its 100.0 is 100."""
    import pandas as pd

    kind = column.dtype
    numeric = any(is_kind(kind) for is_kind in (pd.api.types.is_float_dtype, pd.api.types.is_integer_dtype))
    if isinstance(kind, pd.ArrowDtype) or numeric or pd.api.types.is_bool_dtype(kind):
        return arrow_text(pa.array(column, from_pandas=True))
    return vector.arrow(pa.array(_pandas_text(column), from_pandas=True))


def price_frame(frame: pd.DataFrame, catalog: Catalog, *, today: date | None = None) -> pd.DataFrame:
    """:func:`planner.price_frame`: the frame's request columns as Arrow text, :func:`price_columns`,
    and the six columns added to a copy of the frame as pandas text."""
    columns = [str(c) for c in frame.columns]
    check_columns(columns)
    for name, meant in near_misses(columns):
        warnings.warn(near_miss_notice(name, meant), UserWarning, stacklevel=3)
    texts = {str(name): _frame_text(frame[name]) for name in frame.columns if is_request_column(str(name))}
    added = price_columns(texts, len(frame), catalog, today or catalog.today())
    out = frame.copy()
    for name, column in added.items():
        text = column.to_pandas().astype("str")
        text.index = frame.index
        out[name] = text
    return out


def totals(frame: pd.DataFrame) -> Decimal:
    """The sum of a priced frame's ``total`` column (valid rows), exactly."""
    return sum((Decimal(t) for t in frame["total"] if t), Decimal(0))
