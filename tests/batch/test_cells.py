"""A chunk's cells are read once for all rows (planner._batch_cells): what a subset of rows, or those rows
trimmed, reads equals what the parsers read from those rows' own text, copied (and trimmed) first."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from planner._batch_cells import Cells
from planner._batch_vector import _bools, _dates, _ints, civil_from_days, day_number
from planner._domain import EDITIONS

WORDS = ["", "120", " 120", "120 ", "\t7\t", "-5", "1,200", "0", "999999999", "1000000000", "basic", " basic",
         "Basic", "professional", "2024-02-29", "2023-02-29", " 2024-06-18 ", "2100-01-01", "true", " yes", "NO",
         "maybe", "1", "é", " ", "\t"]  # fmt: skip


def _column(rng: np.random.Generator, n: int) -> pa.Array:
    return pa.array([WORDS[i] for i in rng.integers(0, len(WORDS), n)], pa.large_string())


def _index(text: pa.Array, choices: list[str]) -> list[int]:
    return [choices.index(v) if v in choices else -1 for v in text.to_pylist()]


@pytest.mark.parametrize("trim", [False, True])
def test_a_subset_reads_what_its_own_text_reads(trim: bool) -> None:
    rng = np.random.default_rng(3)
    n = 500
    arrays = {"a": _column(rng, n), "b": _column(rng, n)}
    whole = Cells(arrays, n)
    whole.ints("a")  # the whole chunk read first: the subsets below take these answers
    rows = np.sort(rng.choice(n, 120, replace=False))
    inner = rng.choice(120, 40, replace=False)  # a subset of a subset, out of order
    for cells, picked in [(whole.subset(rows), rows), (whole.subset(rows).subset(inner), rows[inner])]:
        if trim:
            cells = cells.trimmed()
        for name, array in arrays.items():
            text = array.take(pa.array(picked))
            if trim:
                text = pc.utf8_trim(text, " \t")
            assert cells.text(name).to_pylist() == text.to_pylist()
            for got, want in [
                (cells.ints(name), _ints(text)),
                (cells.dates(name), _dates(text)),
                (cells.bools(name), _bools(text)),
            ]:
                assert [g.tolist() for g in got] == [w.tolist() for w in want]
            assert cells.given(name).tolist() == [v != "" for v in text.to_pylist()]
            assert cells.index(name, list(EDITIONS)).tolist() == _index(text, list(EDITIONS))


def test_an_absent_column_is_empty_cells() -> None:
    cells = Cells({}, 3).subset(np.array([2, 0]))
    assert cells.text("hosts").to_pylist() == ["", ""]
    assert cells.given("hosts").tolist() == [False, False]
    assert cells.ints("hosts")[0].tolist() == [False, False]


def test_calendar_days_from_the_table_equal_the_arithmetic() -> None:
    days = np.arange(day_number(date(1989, 12, 1)), day_number(date(2120, 2, 1)), dtype=np.int64)
    got = civil_from_days(days)  # some days outside the table: computed
    inside = civil_from_days(days[40:-40])  # all inside: looked up
    epoch = date(1970, 1, 1).toordinal()
    expected = [[d.year, d.month, d.day] for d in (date.fromordinal(epoch + int(x)) for x in days)]
    assert np.column_stack(got).tolist() == expected
    assert np.column_stack(inside).tolist() == expected[40:-40]
