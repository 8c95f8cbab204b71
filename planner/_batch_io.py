"""``planner batch IN -o OUT``: files in and out around the Arrow pricing core (SPEC B7).

CSV or Parquet by the file name (``.parquet``/``.pq``), in pieces of about 100,000 rows, so that memory
stays bounded whatever the file's length. Each piece stays Arrow from reading to writing: a CSV piece is
parsed with every cell as text (so every input column is written back exactly as it came), priced by
:func:`planner._batch_frame.price_table`, and written. With ``jobs`` > 1 a large file is priced by that
many forked worker processes: this process cuts the file into pieces and writes the results in order, a
few pieces in flight. The command asks for one worker a core it may use (two here: 1.9 s against 2.4–4.0 s
in one process for a million rows; README, "Price a whole file"); this function's own default is one
process. The output is written to a temporary file
beside OUT and renamed into place only when every row is priced: a failure leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import glob
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ._batch_csv import _csv_header, _parse_csv, _records, _unusable
from ._batch_frame import check_columns, near_misses, price_table
from ._catalog import Catalog
from ._problems import PlannerError, Problem

#: A piece: about 100,000 rows of a typical file. Memory is a few pieces, never the whole file.
CSV_BLOCK_BYTES = 16 << 20
PARQUET_BATCH_ROWS = 100_000
#: Smaller files are priced in this process: starting workers would cost more than it saves.
POOL_MIN_BYTES = 3 * CSV_BLOCK_BYTES
POOL_MIN_ROWS = 3 * PARQUET_BATCH_ROWS
#: Pieces in flight per worker: one being priced, one waiting (memory stays a few pieces).
IN_FLIGHT_PER_JOB = 2


@dataclass(frozen=True)
class BatchSummary:
    rows: int
    ok: int
    #: ``(column, request column)`` of each column passed through that was surely meant as a request column.
    near_misses: tuple[tuple[str, str], ...] = ()

    @property
    def invalid(self) -> int:
        return self.rows - self.ok


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def _csv_pieces(path: Path, handle: Any, block_bytes: int | None = None) -> tuple[list[str], Iterator[bytes]]:
    # The pieces are cut here, not by pyarrow's own streaming reader, which was measured reading ahead
    # (526 MiB for 1,000,000 rows, 796 MiB for 3,000,000).
    header = _csv_header(path)
    check_columns(header)
    return header, _records(handle, block_bytes or CSV_BLOCK_BYTES)  # read now: tests set it smaller


def _csv_tables(path: Path, handle: Any, block_bytes: int | None = None) -> Iterator[pa.Table]:
    """The file as tables of about ``block_bytes`` each (what each piece is priced from)."""
    header, pieces = _csv_pieces(path, handle, block_bytes)
    for number, piece in enumerate(pieces):
        yield _parse_csv(piece, header, first=number == 0)


def _parquet_pieces(path: Path) -> tuple[pq.ParquetFile, Iterator[pa.RecordBatch]]:
    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _unusable(path, f"not a Parquet file ({exc})") from None
    check_columns(list(source.schema_arrow.names))
    return source, source.iter_batches(batch_size=PARQUET_BATCH_ROWS)  # typed columns keep their types


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise _unusable(path, "no such file")
    if path.is_dir():
        raise _unusable(path, "is a folder, not a file")
    if not os.access(path, os.R_OK):
        raise _unusable(path, "cannot read: permission denied")


# -- one piece, in this process or in a worker ----------------------------------------------------
@dataclass(frozen=True)
class _Job:
    """What pricing any piece of one file needs (a worker inherits it when it is forked)."""

    catalog: Catalog
    today: date | None
    header: list[str] | None  # a CSV's columns; None for Parquet
    csv_out: bool
    threads: bool  # Arrow's own threads for parsing: in this process yes, in a worker (one of several) no
    source: str = ""  # the file a worker reads its spans from
    partial: str = ""  # the output being written: a worker writes its CSV pieces beside it


@dataclass(frozen=True)
class _Span:
    """A piece of the source file by place, for a worker to read itself (the bytes do not cross a pipe)."""

    offset: int
    length: int


@dataclass(frozen=True)
class _Written:
    """A priced CSV piece that a worker wrote to its own file, for this process to append (in the kernel)."""

    path: str


Piece: TypeAlias = bytes | _Span | pa.RecordBatch | pa.Table
#: A priced piece: the CSV text to append (the first piece's with the header), or the table to write.
Done: TypeAlias = tuple[pa.Buffer | _Written | pa.Table, int, int]


def _price_piece(job: _Job, number: int, piece: Piece) -> Done:
    if isinstance(piece, _Span):
        with open(job.source, "rb") as handle:
            piece = os.pread(handle.fileno(), piece.length, piece.offset)
    if isinstance(piece, bytes):
        assert job.header is not None
        table = _parse_csv(piece, job.header, first=number == 0, threads=job.threads)
    else:
        table = piece if isinstance(piece, pa.Table) else pa.Table.from_batches([piece])
    priced = price_table(table, job.catalog, today=job.today)
    ok = int(pc.sum(pc.equal(priced.column("ok"), "true")).as_py() or 0)
    if not job.csv_out:
        return priced, priced.num_rows, ok
    options = pacsv.WriteOptions(include_header=number == 0, quoting_style="needed")
    if job.partial:  # a worker: its own file, appended by the writing process
        path = f"{job.partial}.{number}"
        pacsv.write_csv(priced, path, write_options=options)
        return _Written(path), priced.num_rows, ok
    sink = pa.BufferOutputStream()
    pacsv.write_csv(priced, sink, write_options=options)
    return sink.getvalue(), priced.num_rows, ok


class _Failed(Exception):
    """A worker's failure, in a form that crosses the process boundary (a PlannerError's problems, or the
    reason a piece could not be read)."""

    def __init__(self, problems: list[Problem], reason: str) -> None:
        super().__init__(problems, reason)
        self.problems, self.reason = problems, reason


def _reason(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


_JOB: _Job | None = None


def _start_worker(job: _Job) -> None:
    global _JOB
    _JOB = job
    # Ctrl-C reaches the whole process group: the writing process stops the run and shuts the workers
    # down (each finishes its piece, then exits), so a worker ignores it; SIGTERM ends a worker as usual.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM (``kill``, a scheduler's timeout) ends the run as Ctrl-C does: through the clean-up, so no
    partial output and no worker is left behind; the exit status is the usual 128 + 15."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _work(number: int, piece: Piece) -> Done:
    assert _JOB is not None
    try:
        return _price_piece(_JOB, number, piece)
    except PlannerError as exc:
        raise _Failed(exc.problems, "") from None
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        raise _Failed([], _reason(exc)) from None


def _pool(jobs: int, job: _Job) -> ProcessPoolExecutor:
    """``jobs`` worker processes, forked now (before this process starts any thread: the progress bar's,
    Arrow's), each inheriting ``job``: the catalog is neither loaded again nor sent."""
    import pandas  # noqa: F401  # pyarrow's pa.array() imports pandas on first use: once here, not in every worker

    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(job,))
    pool.submit(int).result()  # with fork, the first task starts every worker
    return pool


def _results(job: _Job, pieces: Iterator[Piece], pool: ProcessPoolExecutor | None, jobs: int) -> Iterator[Done]:
    """Each piece priced, in order: here, or by the pool's workers with a few pieces in flight."""
    if pool is None:
        for number, piece in enumerate(pieces):
            yield _price_piece(job, number, piece)
        return
    pending: deque[Future[Done]] = deque()
    offset = 0
    try:
        for number, piece in enumerate(pieces):
            if isinstance(piece, bytes):  # the worker reads it from the file itself
                length = len(piece)
                piece, offset = _Span(offset, length), offset + length
            pending.append(pool.submit(_work, number, piece))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except _Failed as failed:
        if failed.problems:
            raise PlannerError(failed.problems) from None
        raise pa.ArrowInvalid(failed.reason) from None
    except BrokenProcessPool:
        raise PlannerError(Problem("request.malformed", "", "a pricing process stopped (out of memory?)")) from None
    finally:
        for future in pending:
            future.cancel()


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


def _append(text: Any, path: str) -> None:
    """Append a worker's piece to the output and remove it: copied by the kernel, not through Python."""
    text.flush()
    with open(path, "rb") as piece:
        size = os.fstat(piece.fileno()).st_size
        try:
            while size > 0 and (copied := os.copy_file_range(piece.fileno(), text.fileno(), size)) > 0:
                size -= copied
        except OSError:  # a file system without it: read and write what is left
            pass
        if size > 0:
            piece.seek(os.fstat(piece.fileno()).st_size - size)
            shutil.copyfileobj(piece, text)
            text.flush()
    os.unlink(path)


def run_batch(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    catalog: Catalog,
    *,
    today: date | None = None,
    progress: bool | None = None,
    jobs: int = 1,
) -> BatchSummary:
    """Price every row of ``source`` into ``out``; raise :class:`PlannerError` naming a file it cannot use.

    ``jobs``: worker processes for a large file (default 1: none; the command passes the cores it may use);
    a small file is always priced in this process.
    """
    with _stopped_by_sigterm():
        return _run_batch(Path(source), Path(out), catalog, today, progress, jobs)


def _run_batch(
    src: Path, dst: Path, catalog: Catalog, today: date | None, progress: bool | None, jobs: int
) -> BatchSummary:
    _check_readable(src)
    if dst.is_dir():
        raise _unusable(dst, "is a folder: give the output file's name")
    if dst.exists() and not dst.is_file():  # a pipe, a device (/dev/stdout): the rename would replace it
        raise _unusable(dst, "is not a regular file: give the output file's name")
    if dst.exists() and os.path.samefile(src, dst):
        raise _unusable(dst, "is the input file: give the output another name (the input would be lost)")
    show = sys.stderr.isatty() if progress is None else progress
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".partial", dir=dst.parent)
    except OSError as exc:
        folder = "no such folder" if isinstance(exc, FileNotFoundError) else exc.strerror
        raise PlannerError(Problem("request.malformed", "", f"cannot write: {folder}"), source=str(dst)) from None
    os.close(fd)
    handle = None if _is_parquet(src) else src.open("rb")
    bar: _Progress | None = None
    writer: Any = None
    rows = ok = 0
    try:
        workers = jobs
        pieces: Iterator[Piece]
        if handle is None:
            parquet, pieces = _parquet_pieces(src)
            header, large = None, parquet.metadata.num_rows >= POOL_MIN_ROWS
            columns = list(parquet.schema_arrow.names)
            if parquet.metadata.num_rows == 0:
                pieces = iter([parquet.schema_arrow.empty_table()])
        else:
            header, pieces = _csv_pieces(src, handle)
            large = src.stat().st_size >= POOL_MIN_BYTES
            columns = list(header)
        pooled = large and workers > 1
        job = _Job(catalog, today, header, not _is_parquet(dst), not pooled, str(src), tmp if pooled else "")
        with contextlib.ExitStack() as stack:
            pool = stack.enter_context(_pool(workers, job)) if pooled else None
            bar = _Progress(src, handle, show)
            text = None if _is_parquet(dst) else stack.enter_context(open(tmp, "wb"))
            for payload, count, valid in _results(job, pieces, pool, workers):
                if isinstance(payload, pa.Table):
                    writer = writer or pq.ParquetWriter(tmp, payload.schema)
                    writer.write_table(payload)
                elif isinstance(payload, _Written):
                    _append(text, payload.path)
                elif text is not None:
                    text.write(payload)
                rows, ok = rows + count, ok + valid
                bar.advance(rows)
        if writer is not None:
            writer.close()
            writer = None
        os.chmod(tmp, 0o644)  # mkstemp's 0600 is for the partial file; the result is an ordinary file
        os.replace(tmp, dst)
    except PlannerError as exc:
        raise PlannerError(exc.problems, source=str(src)) from None
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        reason = _reason(exc)
        raise _unusable(src, f"not a usable {'Parquet' if handle is None else 'CSV'} file ({reason})") from None
    except OSError as exc:
        raise PlannerError(Problem("request.malformed", "", f"cannot write: {exc.strerror}"), source=str(dst)) from None
    finally:
        if bar is not None:
            bar.close()
        if writer is not None:
            writer.close()
        if handle is not None:
            handle.close()
        for path in [tmp, *glob.glob(glob.escape(tmp) + ".*")]:  # with the workers' pieces not yet appended
            if os.path.exists(path):
                os.unlink(path)
    return BatchSummary(rows=rows, ok=ok, near_misses=tuple(near_misses(columns)))
