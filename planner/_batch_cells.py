"""A chunk's request cells, each column read once for all its rows (SPEC B7; see :mod:`planner._batch_vector`).

The engine prices a chunk action by action (:func:`planner._batch_vector.price`). Each column is
dictionary-encoded once for the whole chunk (its distinct values, and each row's position among them), and
each reading of it (whole numbers, dates, booleans, a vocabulary's index, "given") runs once over its
distinct values. A :meth:`Cells.subset` — one action's rows — then answers by indexing those small
answers with its rows' positions (numpy integer indexing), and copies Arrow text only for a column asked
for as text (the refund's cells), only for its own rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._batch_vector import I64, _distinct, _flags, bools_of, dates_of, ints_of

Parse = Callable[[pa.Array], tuple[np.ndarray, np.ndarray]]


def _given_of(values: pa.Array) -> np.ndarray:
    return _flags(pc.not_equal(values, ""))


def _index_of(values: pa.Array, choices: tuple[str, ...]) -> np.ndarray:
    """Position of each value in ``choices``, -1 when it is not exactly one of them."""
    found = pc.index_in(values, value_set=pa.array(list(choices), values.type))
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=I64)


class _Column:
    """One column of the whole chunk: its distinct values, each row's position, and readings of the values."""

    def __init__(self, text: pa.Array | None, n: int) -> None:
        if text is None:  # an absent field: every cell empty
            self.values: pa.Array = pa.array([""], pa.large_string())
            self.at = np.zeros(n, dtype=np.intp)
        else:
            self.values, self.at = _distinct(text.fill_null("") if text.null_count else text)
        self.read: dict[object, tuple[np.ndarray, ...]] = {}
        self._trimmed: pa.Array | None = None

    def reading(
        self, key: object, parse: Callable[[pa.Array], tuple[np.ndarray, ...]], *, trimmed: bool
    ) -> tuple[np.ndarray, ...]:
        """``parse`` of the distinct values (without the spaces and tabs around them, if ``trimmed``)."""
        if (key, trimmed) not in self.read:
            if trimmed and self._trimmed is None:
                self._trimmed = pc.utf8_trim(self.values, " \t")
            self.read[key, trimmed] = parse(self._trimmed if trimmed else self.values)
        return self.read[key, trimmed]


class Cells:
    """The request cells of some rows of a chunk (all of them, or a :meth:`subset`), as they are or
    :meth:`trimmed`."""

    def __init__(self, arrays: Mapping[str, pa.Array], n: int) -> None:
        self.n = n
        self.names: list[str] = list(arrays)
        self._arrays = dict(arrays)
        self._columns: dict[str, _Column] = {}
        self._rows: np.ndarray | None = None  # positions in the chunk; None: every row, in order
        self._root = self
        self._trim = False
        self._at: dict[str, np.ndarray] = {}
        self._texts: dict[str, pa.Array] = {}

    def subset(self, rows: np.ndarray) -> Cells:
        """These rows only (positions among this one's rows): nothing is read or copied until asked for."""
        root = self._root
        sub = Cells.__new__(Cells)
        sub.n, sub.names, sub._root = len(rows), self.names, root
        sub._arrays, sub._columns = root._arrays, root._columns
        sub._rows = rows if self._rows is None else self._rows[rows]
        sub._trim, sub._at, sub._texts = self._trim, {}, {}
        return sub

    def trimmed(self) -> Cells:
        """The same rows, their cells without the spaces and tabs around them (as ``request_of_row`` reads
        them; other white space at an end stays): each reading runs on the trimmed distinct values."""
        view = self.subset(np.arange(self.n))
        view._rows, view._trim, view._at = self._rows, True, self._at  # the same rows: the same positions
        return view

    def _column(self, name: str) -> _Column:
        root = self._root
        if name not in root._columns:
            root._columns[name] = _Column(root._arrays.get(name), root.n)
        return root._columns[name]

    def _positions(self, name: str) -> np.ndarray:
        """Each of these rows' position among the column's distinct values."""
        if name not in self._at:
            at = self._column(name).at
            self._at[name] = at if self._rows is None else at[self._rows]
        return self._at[name]

    def read(self, name: str, key: object, parse: Callable[[pa.Array], tuple[np.ndarray, ...]]) -> list[np.ndarray]:
        """Each of these rows' answers of ``parse`` (a reading of text cells, one answer a cell, known as
        ``key``), run once over the column's distinct values for the whole chunk."""
        at = self._positions(name)
        return [answer[at] for answer in self._column(name).reading(key, parse, trimmed=self._trim)]

    def given(self, name: str) -> np.ndarray:
        """Cells that are not empty."""
        return self.read(name, "given", lambda values: (_given_of(values),))[0]

    def ints(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(plain whole number, its value): :func:`planner._batch_vector._ints`."""
        ok, value = self.read(name, "ints", ints_of)
        return ok, value

    def dates(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(an ISO date in range, its day number): :func:`planner._batch_vector._dates`."""
        ok, value = self.read(name, "dates", dates_of)
        return ok, value

    def bools(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(empty or a boolean word, true): :func:`planner._batch_vector._bools`."""
        ok, value = self.read(name, "bools", bools_of)
        return ok, value

    def index(self, name: str, choices: Sequence[str]) -> np.ndarray:
        """Position of each cell in ``choices``, -1 when it is not exactly one of them."""
        key = ("index", tuple(choices))
        return self.read(name, key, lambda values: (_index_of(values, tuple(choices)),))[0]

    def text(self, name: str) -> pa.Array:
        """The cells as Arrow text (empty for an absent field), copied for these rows only."""
        if name not in self._texts:
            whole = self._root._arrays.get(name)
            if whole is None:
                text = pa.repeat(pa.scalar("", pa.large_string()), self.n)
            else:
                text = whole if self._rows is None else whole.take(pa.array(self._rows))
            self._texts[name] = pc.utf8_trim(text, " \t") if self._trim else text
        return self._texts[name]
