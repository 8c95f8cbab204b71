"""A CSV file's header and its pieces, cut where Arrow's parser ends a record (SPEC B7, ``planner batch``).

Split from :mod:`planner._batch_io`, which reads the pieces, prices them and writes the output.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ._problems import PlannerError, Problem


def _unusable(path: Path, message: str, field: str = "") -> PlannerError:
    return PlannerError(Problem("request.malformed", field, message), source=str(path))


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        raise _unusable(path, "not a CSV file (not UTF-8 text)") from None
    except csv.Error as exc:
        raise _unusable(path, f"not a CSV file ({exc})") from None
    if not header:
        raise _unusable(path, "not a CSV file (empty: no header row)")
    return header


def _record_end(buffer: bytes) -> int:
    """Just past the last line break outside a quoted cell, or 0, as Arrow's parser reads the piece (it
    starts on a record). Over whole arrays when every ``"`` reads as quoting (:func:`_record_end_by_parity`),
    else by :func:`_record_end_exact`, which a stray ``"`` in an unquoted cell (``27" screen``) needs."""
    cut = _record_end_by_parity(buffer)
    return _record_end_exact(buffer) if cut is None else cut


def _record_end_by_parity(buffer: bytes) -> int | None:
    """:func:`_record_end` by counting quotes (numpy, no Python loop a quote), or ``None`` where counting
    cannot be trusted.

    Counting is right when the count's parity says, at each ``"``, what Arrow's parser does there: at an
    even count (outside quoted cells) a ``"`` must open a cell, so it must stand at a cell's start; at an
    odd count it either closes the cell or, followed by another ``"``, is an escaped quote — the pair
    leaves the count's parity as it was. A ``"`` at an even count anywhere else (``27" screen``) is text to
    Arrow and would turn the count around: then ``None``.
    """
    if b'"' not in buffer:
        return buffer.rfind(b"\n") + 1
    octets = np.frombuffer(buffer, dtype=np.uint8)
    quotes = np.flatnonzero(octets == 34)
    inside = (np.arange(len(quotes)) & 1).astype(bool)  # an odd count of quotes before it
    follows = quotes + 1
    escapes = inside & (follows < len(octets)) & (octets[np.minimum(follows, len(octets) - 1)] == 34)
    second_of_pair = np.zeros(len(quotes), dtype=bool)
    second_of_pair[1:] = escapes[:-1]  # the quote right after an escaping one: the pair's second
    before = octets[np.maximum(quotes - 1, 0)]
    cell_start = (quotes == 0) | (before == 44) | (before == 10) | (before == 13)  # , \n \r
    if np.any(~inside & ~second_of_pair & ~cell_start):
        return None
    breaks = np.flatnonzero(octets == 10)
    outside = breaks[(np.searchsorted(quotes, breaks) & 1) == 0]  # an even count of quotes before it
    return int(outside[-1]) + 1 if len(outside) else 0


def _record_end_exact(buffer: bytes) -> int:
    """Just past the last line break outside a quoted cell, or 0, as Arrow's parser reads the piece (it
    starts on a record): a ``"`` opens a quoted cell only at a cell's start (``5" screen`` is text, so
    counting quotes is not enough); inside one, ``""`` is a quote and the next lone ``"`` closes it. The
    scan visits the quotes only (``bytes.find``, in C): a file without quotes costs one ``rfind``."""
    pos, end = 0, len(buffer)
    outside, cut = 0, 0  # where the text outside quoted cells starts again; the last cut found before it
    while (i := buffer.find(b'"', pos)) >= 0:
        if i and buffer[i - 1] not in b",\r\n":  # inside an unquoted cell: an ordinary character
            pos = i + 1
            continue
        cut = buffer.rfind(b"\n", outside, i) + 1 or cut  # line breaks inside quoted cells do not count
        j = i + 1
        while True:  # the quoted cell's closing quote
            k = buffer.find(b'"', j)
            if k < 0 or k == end - 1:  # open at the piece's end (or undecidable: `""` may follow)
                return cut
            if buffer[k + 1] != 34:  # 34: '"'
                break
            j = k + 2
        pos = outside = k + 1
    return buffer.rfind(b"\n", outside) + 1 or cut


def _records(handle: Any, block_bytes: int) -> Iterator[bytes]:
    """The file in pieces of about ``block_bytes`` that end on a record's end."""
    rest = b""
    while True:
        data = handle.read(block_bytes)
        if not data:
            if rest:
                yield rest
            return
        buffer = rest + data
        cut = _record_end(buffer)
        if not cut:
            rest = buffer  # one record longer than a block: read on
            continue
        yield buffer[:cut]
        rest = buffer[cut:]


def _parse_csv(piece: bytes, header: list[str], first: bool, threads: bool = True) -> pa.Table:
    """A piece of the file as a table, every cell as text (an empty cell is empty text, never null)."""
    if not piece.endswith((b"\n", b"\r")):
        piece += b"\n"  # the file's last record without a line end (Arrow cannot skip a header without one)
    read = pacsv.ReadOptions(column_names=header, skip_rows=1 if first else 0, use_threads=threads)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    return pacsv.read_csv(io.BytesIO(piece), read_options=read, convert_options=convert)
