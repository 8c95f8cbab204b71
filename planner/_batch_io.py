"""``planner batch IN -o OUT``: files in and out around :func:`planner.price_frame` (SPEC B7).

CSV or Parquet by the file name (``.parquet``/``.pq``), read in chunks and written with pyarrow, so that
memory stays bounded whatever the file's length; CSV cells are read as text, so every input column is
written back exactly as it came. The output is written to a temporary file beside OUT and renamed into
place only when every row is priced: a failure leaves no half-written file.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ._batch_frame import check_columns, price_frame
from ._catalog import Catalog
from ._problems import PlannerError, Problem

#: A chunk: about 100,000 rows of a typical file. Memory is a chunk or two, never the whole file.
CSV_BLOCK_BYTES = 16 << 20
PARQUET_BATCH_ROWS = 100_000


@dataclass(frozen=True)
class BatchSummary:
    rows: int
    ok: int

    @property
    def invalid(self) -> int:
        return self.rows - self.ok


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


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


def _records(handle: Any, block_bytes: int) -> Iterator[bytes]:
    """The file in pieces of about ``block_bytes`` that end on a record's end: the last line break outside
    quotes (an even count of ``"`` before it; a doubled ``""`` keeps the count even)."""
    rest = b""
    while True:
        data = handle.read(block_bytes)
        if not data:
            if rest:
                yield rest
            return
        buffer = rest + data
        octets = np.frombuffer(buffer, dtype=np.uint8)
        outside = (np.cumsum(octets == 34, dtype=np.uint8) & 1) == 0  # parity survives the uint8 wrap-around
        ends = np.flatnonzero((octets == 10) & outside)
        if not len(ends):
            rest = buffer  # one record longer than a block: read on
            continue
        cut = int(ends[-1]) + 1
        yield buffer[:cut]
        rest = buffer[cut:]


def _csv_chunks(path: Path, handle: Any, block_bytes: int = CSV_BLOCK_BYTES) -> Iterator[pd.DataFrame]:
    # pyarrow parses each piece (fast, every cell as text); the pieces are cut here, not by pyarrow's own
    # streaming reader, which was measured reading ahead (526 MiB for 1,000,000 rows, 796 MiB for 3,000,000).
    header = _csv_header(path)
    check_columns(header)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    for number, piece in enumerate(_records(handle, block_bytes)):
        read = pacsv.ReadOptions(column_names=header, skip_rows=1 if number == 0 else 0)
        table = pacsv.read_csv(io.BytesIO(piece), read_options=read, convert_options=convert)
        if table.num_rows:
            yield table.to_pandas()


def _parquet_chunks(path: Path) -> Iterator[pd.DataFrame]:
    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _unusable(path, f"not a Parquet file ({exc})") from None
    check_columns(list(source.schema_arrow.names))
    for batch in source.iter_batches(batch_size=PARQUET_BATCH_ROWS):
        yield batch.to_pandas(types_mapper=pd.ArrowDtype)  # pass-through columns keep their types


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise _unusable(path, "no such file")
    if path.is_dir():
        raise _unusable(path, "is a folder, not a file")
    if not os.access(path, os.R_OK):
        raise _unusable(path, "cannot read: permission denied")


class _Progress:
    """A progress bar on stderr (rich) while a file is priced; nothing unless stderr is a terminal."""

    def __init__(self, path: Path, handle: Any, enabled: bool) -> None:
        self.handle = handle
        self.bar: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn(f"pricing {path.name}"),
                BarColumn(),
                DownloadColumn(),
                TextColumn("{task.fields[rows]:,} rows"),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self.task = self.bar.add_task("batch", total=path.stat().st_size, rows=0)
            self.bar.start()

    def advance(self, rows: int) -> None:
        if self.bar is not None:
            done = self.handle.tell() if self.handle is not None else None
            self.bar.update(self.task, completed=done, rows=rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _writer(out: Path, tmp: str, table: pa.Table) -> Any:
    if _is_parquet(out):
        return pq.ParquetWriter(tmp, table.schema)
    return pacsv.CSVWriter(tmp, table.schema, write_options=pacsv.WriteOptions(quoting_style="needed"))


def run_batch(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    catalog: Catalog,
    *,
    today: date | None = None,
    progress: bool | None = None,
) -> BatchSummary:
    """Price every row of ``source`` into ``out``; raise :class:`PlannerError` naming a file it cannot use."""
    src, dst = Path(source), Path(out)
    _check_readable(src)
    if dst.is_dir():
        raise _unusable(dst, "is a folder: give the output file's name")
    show = sys.stderr.isatty() if progress is None else progress
    handle = None if _is_parquet(src) else src.open("rb")
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".partial", dir=dst.parent if str(dst.parent) else ".")
    os.close(fd)
    bar = _Progress(src, handle, show)
    writer: Any = None
    rows = ok = 0
    try:
        chunks = _parquet_chunks(src) if handle is None else _csv_chunks(src, handle)
        schema: pa.Schema | None = None
        for chunk in chunks:
            priced = price_frame(chunk, catalog, today=today)
            table = pa.Table.from_pandas(priced, preserve_index=False)
            if schema is None:
                schema = table.schema
                writer = _writer(dst, tmp, table)
            writer.write_table(table.cast(schema))
            rows += len(priced)
            ok += int((priced["ok"] == "true").sum())
            bar.advance(rows)
        if writer is None:  # a header and no rows: the output is the header with the added columns
            empty = price_frame(pd.DataFrame(columns=_header_of(src)), catalog, today=today)
            writer = _writer(dst, tmp, pa.Table.from_pandas(empty.astype("str"), preserve_index=False))
        writer.close()
        writer = None
        os.chmod(tmp, 0o644)  # mkstemp's 0600 is for the partial file; the result is an ordinary file
        os.replace(tmp, dst)
    except PlannerError as exc:
        raise PlannerError(exc.problems, source=str(src)) from None
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _unusable(src, f"not a usable {'Parquet' if handle is None else 'CSV'} file ({reason})") from None
    except OSError as exc:
        raise PlannerError(Problem("request.malformed", "", f"cannot write: {exc.strerror}"), source=str(dst)) from None
    finally:
        bar.close()
        if writer is not None:
            writer.close()
        if handle is not None:
            handle.close()
        if os.path.exists(tmp):
            os.unlink(tmp)
    return BatchSummary(rows=rows, ok=ok)


def _header_of(path: Path) -> list[str]:
    return list(pq.ParquetFile(path).schema_arrow.names) if _is_parquet(path) else _csv_header(path)
