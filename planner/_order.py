"""Order files (SPEC B4): an accepted quote, written atomically as JSON plus CSV line items, and verified.

An order never overwrites a file. Its JSON carries a sha256 checksum of its own content (and of the CSV),
and pins the catalog, so :func:`verify_order` can recompute it and report any difference or tampering.

The pair appears together or not at all *as an order*: the CSV is written first, the JSON last, each
linked into place under its final name (atomic, never over an existing file), with the folder synced in
between. The JSON is the commit record: an order is ``<order id>.json`` plus the ``<order id>.csv`` beside
it, and a CSV without its JSON (an export killed between the two) is never an order — :func:`verify_order`
starts from the JSON, and :func:`order_files` lists JSONs only. (A fresh folder renamed into place would
make the pair one rename, but it would also move every order one folder down, and the order files'
place is what the app, the batch and the README already promise.)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ._catalog import Catalog, load_catalog, shipped_catalogs
from ._limits import ORDER_CSV_MAX_BYTES, ORDER_MAX_BYTES, read_bounded
from ._problems import PlannerError, Problem
from ._quote import quote
from ._request import Request, read_json_file

ORDER_FORMAT = "secmaster-planner/order@1"
CHECKSUM_ALGORITHM = "sha256"
CSV_COLUMNS = [
    "order_id",
    "line",
    "item",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "period",
    "periods",
    "from",
    "to",
    "discount",
    "amount",
    "truncated",
    "currency",
    "math",
]


@dataclass(frozen=True)
class OrderFiles:
    """The files an export wrote, and the order they hold."""

    json_path: Path
    csv_path: Path
    order: dict[str, Any]


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def order_checksum(order: Mapping[str, Any]) -> str:
    """sha256 of the order's canonical JSON without its ``checksum`` member."""
    body = {k: v for k, v in order.items() if k != "checksum"}
    return hashlib.sha256(_canonical(body)).hexdigest()


def _csv_bytes(order: Mapping[str, Any]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for index, line in enumerate(order["lines"], start=1):
        writer.writerow(
            {
                "order_id": order["order_id"],
                "line": index,
                "currency": order["currency"],
                **{k: line.get(k, "") for k in CSV_COLUMNS if k not in ("order_id", "line", "currency")},
            }
        )
    return buffer.getvalue().encode("utf-8")


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; fail with FileExistsError rather than overwrite.

    The file is created with mode 0666 less the umask, like any file a program writes: 0644 under the usual
    umask 022, private under 077 (no chmod: the user's umask decides who may read an order).
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, path)  # atomic, and refuses an existing name (os.replace would overwrite)
    finally:
        tmp.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make the names linked so far durable, so that after a crash the JSON is never there without its CSV."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a platform or file system that cannot open folders: the link order still holds in-process
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems refuse fsync on a folder; nothing more can be done there
    finally:
        os.close(handle)


ORDER_ID = re.compile(r"SM-\d{8}-\d{6}-[0-9a-f]{6}")


def new_order_id(now: datetime) -> str:
    return f"SM-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def build_order(
    request: Mapping[str, Any] | Request,
    catalog: Catalog | None = None,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The order for an accepted, valid request (no files written). Raises :class:`PlannerError`."""
    catalog = catalog if catalog is not None else load_catalog()
    result = quote(request, catalog, today=today)
    problems = list(result.errors)
    if result.request is not None and not result.request.accept_disclaimer:
        problems.append(
            Problem("disclaimer.not_accepted", "accept_disclaimer", "accept the disclaimer before exporting an order")
        )
    if problems:
        raise PlannerError(problems)
    assert result.request is not None
    now = now or datetime.now(UTC)
    stamp = now.isoformat(timespec="seconds")
    order: dict[str, Any] = {
        "format": ORDER_FORMAT,
        "order_id": new_order_id(now),
        "created": stamp,
        "disclaimer_accepted_at": stamp,
        "tags": dict(result.request.tags),
        **result.to_dict(),
        "request": result.request.to_json_dict(),
    }
    return order


def export_order(
    request: Mapping[str, Any] | Request,
    out_dir: str | os.PathLike[str],
    catalog: Catalog | None = None,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> OrderFiles:
    """Write the order for ``request`` into ``out_dir`` as ``<order id>.json`` and ``.csv``.

    Raises :class:`PlannerError` when the request breaks a rule or its disclaimer is not accepted, and
    when the folder cannot be written; nothing is left half-written.
    """
    order = build_order(request, catalog, now=now, today=today)
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PlannerError(Problem("order.write", "--out", f"cannot create {folder}: {exc.strerror}")) from None
    json_path = folder / f"{order['order_id']}.json"
    csv_path = folder / f"{order['order_id']}.csv"
    csv_data = _csv_bytes(order)
    order["files"] = {"csv": csv_path.name, "csv_sha256": hashlib.sha256(csv_data).hexdigest()}
    order["checksum"] = {"algorithm": CHECKSUM_ALGORITHM, "value": order_checksum(order)}
    json_data = json.dumps(order, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    taken, committed = csv_path, False
    try:
        _write_new(csv_path, csv_data)  # the CSV first; without its JSON it is not an order
        try:
            _sync_folder(folder)
            taken = json_path
            _write_new(json_path, json_data)  # the commit: from here on the order exists
            committed = True
            _sync_folder(folder)
        except BaseException:
            if not committed:
                csv_path.unlink(missing_ok=True)
            raise
    except FileExistsError:
        # Name the order that is there (os.link's own error names the temporary file).
        raise PlannerError(
            Problem(
                "order.write",
                "--out",
                f"{taken} exists: not overwritten (order {order['order_id']} is already in {folder})",
            )
        ) from None
    except OSError as exc:
        raise PlannerError(Problem("order.write", "--out", f"cannot write into {folder}: {exc.strerror}")) from None
    return OrderFiles(json_path=json_path, csv_path=csv_path, order=order)


def _catalog_for(order: Mapping[str, Any]) -> Catalog:
    pinned = order.get("catalog")
    pinned = pinned if isinstance(pinned, dict) else {}
    for folder in shipped_catalogs().values():
        candidate = load_catalog(folder)
        if candidate.id == pinned.get("id"):
            return candidate
    return load_catalog()


# What a recomputation must reproduce exactly; the order's own stamps (id, created) are not recomputed.
_COMPARED = (
    "ok",
    "catalog",
    "currency",
    "action",
    "region",
    "on",
    "lines",
    "total",
    "expires",
    "quota_expires",
    "auto_renew_charge",
    "hourly",
    "monthly_estimate",
    "refund",
    "warnings",
    "errors",
)


def order_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The orders in ``folder``: their JSON files, by name. A CSV without its JSON is not an order."""
    return sorted(p for p in Path(folder).glob("SM-*.json") if ORDER_ID.fullmatch(p.stem) and p.is_file())


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _stamp_problems(order: Mapping[str, Any], file: Path) -> list[Problem]:
    """The members nothing can recompute: id, times, checksum algorithm, the CSV's name. Each must be sound."""
    problems: list[Problem] = []
    order_id = order.get("order_id")
    created = _moment(order.get("created"))
    if not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
        problems.append(Problem("order.format", "order_id", "not an order id such as SM-20240618-101500-a1b2c3"))
    else:
        if file.stem != order_id:
            problems.append(
                Problem("order.format", "order_id", f"the file is named {file.name} but holds order {order_id}")
            )
        if created is not None and order_id[3:18] != f"{created:%Y%m%d-%H%M%S}":
            problems.append(Problem("order.format", "order_id", f"{order_id} was not made at its created time"))
    if created is None:
        problems.append(Problem("order.format", "created", "not a date-time with its UTC offset"))
    accepted = _moment(order.get("disclaimer_accepted_at"))
    if accepted is None:
        problems.append(
            Problem("order.format", "disclaimer_accepted_at", "an order needs the time its disclaimer was accepted")
        )
    elif created is not None and accepted > created:
        problems.append(Problem("order.format", "disclaimer_accepted_at", "accepted after the order was created"))
    checksum = order.get("checksum")
    if not isinstance(checksum, dict) or set(checksum) != {"algorithm", "value"}:
        problems.append(Problem("order.format", "checksum", "must be {algorithm, value}"))
    elif checksum["algorithm"] != CHECKSUM_ALGORITHM:
        problems.append(
            Problem(
                "order.format", "checksum.algorithm", f"must be {CHECKSUM_ALGORITHM}, not {checksum['algorithm']!r}"
            )
        )
    files = order.get("files")
    expected_csv = f"{order_id}.csv" if isinstance(order_id, str) else "<order id>.csv"
    if not isinstance(files, dict) or set(files) != {"csv", "csv_sha256"}:
        problems.append(Problem("order.format", "files", "must be {csv, csv_sha256}"))
    elif files["csv"] != expected_csv:
        problems.append(
            Problem("order.format", "files.csv", f"names {files['csv']!r}; an order's CSV is {expected_csv} beside it")
        )
    return problems


def _csv_beside(file: Path, order: Mapping[str, Any], problems: list[Problem]) -> tuple[Path, bytes | None]:
    """The bytes of ``<order id>.csv`` beside the JSON — never a path the JSON names (it may be forged)."""
    order_id = order.get("order_id")
    stem = order_id if isinstance(order_id, str) and ORDER_ID.fullmatch(order_id) else file.stem
    csv_path = file.with_name(f"{stem}.csv")
    if not csv_path.exists():
        problems.append(Problem("order.checksum", "files.csv", f"the CSV line items {csv_path.name} are missing"))
        return csv_path, None
    try:
        return csv_path, read_bounded(
            csv_path, ORDER_CSV_MAX_BYTES, "files.csv", rule="order.too_large", unreadable="order.checksum"
        )
    except PlannerError as exc:
        problems.extend(exc.problems)
        return csv_path, None


def verify_order(path: str | os.PathLike[str], catalog: Catalog | None = None) -> list[Problem]:
    """Recompute the order at ``path``; return every difference (an empty list means it checks out).

    Every member is checked: the recomputable ones (lines, totals, tags, the CSV) are derived again; the
    others (id, times, checksum algorithm, the CSV's name) must be sound and agree with the file's name.
    The CSV read is always ``<order id>.csv`` beside the JSON.
    Raises :class:`PlannerError` when the file cannot be read as an order at all.
    """
    file = Path(path)
    order = read_json_file(file, rule="order.format", limit=ORDER_MAX_BYTES)
    if not isinstance(order, dict) or order.get("format") != ORDER_FORMAT or "request" not in order:
        raise PlannerError(Problem("order.format", "format", f"not a planner order ({ORDER_FORMAT})"), source=str(file))
    problems = _stamp_problems(order, file)
    checksum = order.get("checksum")
    if not isinstance(checksum, dict) or checksum.get("value") != order_checksum(order):
        problems.append(Problem("order.checksum", "checksum", "the order's content does not match its checksum"))
    files = order.get("files")
    files = files if isinstance(files, dict) else {}
    csv_path, csv_data = _csv_beside(file, order, problems)
    if csv_data is not None and hashlib.sha256(csv_data).hexdigest() != files.get("csv_sha256"):
        problems.append(Problem("order.checksum", "files.csv_sha256", f"{csv_path.name} was changed after export"))
    catalog = catalog if catalog is not None else _catalog_for(order)
    pinned = order.get("catalog")
    pinned = pinned if isinstance(pinned, dict) else {}
    if pinned != catalog.pin():
        problems.append(
            Problem(
                "order.catalog",
                "catalog",
                f"priced with {pinned.get('id')} {pinned.get('version')} (sha256 {str(pinned.get('sha256'))[:12]}…), "
                f"checked against {catalog.id} {catalog.version} (sha256 {catalog.sha256[:12]}…)",
            )
        )
    try:
        recomputed = build_order(order["request"], catalog)
    except PlannerError as exc:
        problems.extend(
            Problem("order.mismatch", p.field, f"the request no longer prices: {p.rule}: {p.message}")
            for p in exc.problems
        )
        return problems
    for key in (*_COMPARED, "tags"):
        if key == "catalog":
            continue
        if order.get(key) != recomputed.get(key):
            problems.append(
                Problem("order.mismatch", key, f"order says {order.get(key)!r}, recomputed {recomputed.get(key)!r}")
            )
    # The checksum catches accidental edits, not a forger who recomputes it: so everything that can be derived
    # (lines, totals, tags, the CSV itself) is derived again and compared, and nothing else may be added.
    unexpected = sorted(set(order) - set(recomputed) - {"files", "checksum"})
    if unexpected:
        problems.append(Problem("order.format", unexpected[0], f"unexpected members: {', '.join(unexpected)}"))
    order_id = order.get("order_id")
    if (
        csv_data is not None
        and isinstance(order_id, str)
        and ORDER_ID.fullmatch(order_id)
        and csv_data != _csv_bytes({**recomputed, "order_id": order_id})
    ):
        problems.append(Problem("order.mismatch", "files.csv", f"{csv_path.name} differs from the recomputed lines"))
    return problems
