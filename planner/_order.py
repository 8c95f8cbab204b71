"""Order files (SPEC B4): an accepted quote, written atomically as JSON plus CSV line items, and verified.

An order never overwrites a file. Its JSON carries a sha256 checksum of its own content (and of the CSV),
and pins the catalog, so :func:`verify_order` can recompute it and report any difference or tampering.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ._catalog import Catalog, load_catalog, shipped_catalogs
from ._problems import PlannerError, Problem
from ._quote import quote
from ._request import Request, read_json_file

ORDER_FORMAT = "secmaster-planner/order@1"
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
    """Write ``data`` to ``path`` atomically; fail with FileExistsError rather than overwrite."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # an order is for others to read (mkstemp makes it 0600)
        os.link(tmp, path)  # atomic, and refuses an existing name (os.replace would overwrite)
    finally:
        os.unlink(tmp)


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
    order["checksum"] = {"algorithm": "sha256", "value": order_checksum(order)}
    json_data = json.dumps(order, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    try:
        _write_new(csv_path, csv_data)
        try:
            _write_new(json_path, json_data)
        except BaseException:
            csv_path.unlink(missing_ok=True)
            raise
    except FileExistsError as exc:
        raise PlannerError(
            Problem("order.write", "--out", f"{exc.filename or folder} exists: not overwritten")
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


def verify_order(path: str | os.PathLike[str], catalog: Catalog | None = None) -> list[Problem]:
    """Recompute the order at ``path``; return every difference (an empty list means it checks out).

    Raises :class:`PlannerError` when the file cannot be read as an order at all.
    """
    file = Path(path)
    order = read_json_file(file, rule="order.format")
    if not isinstance(order, dict) or order.get("format") != ORDER_FORMAT or "request" not in order:
        raise PlannerError(Problem("order.format", "format", f"not a planner order ({ORDER_FORMAT})"), source=str(file))
    problems: list[Problem] = []
    checksum = order.get("checksum")
    if not isinstance(checksum, dict) or checksum.get("value") != order_checksum(order):
        problems.append(Problem("order.checksum", "checksum", "the order's content does not match its checksum"))
    files = order.get("files")
    files = files if isinstance(files, dict) else {}
    csv_path = file.parent / str(files.get("csv", ""))
    if not files.get("csv") or not csv_path.is_file():
        problems.append(Problem("order.checksum", "files.csv", f"the CSV line items {csv_path.name} are missing"))
    elif hashlib.sha256(csv_path.read_bytes()).hexdigest() != files.get("csv_sha256"):
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
    if not ORDER_ID.fullmatch(str(order.get("order_id", ""))):
        problems.append(Problem("order.format", "order_id", "not an order id such as SM-20240618-101500-a1b2c3"))
    elif csv_path.is_file() and csv_path.read_bytes() != _csv_bytes({**recomputed, "order_id": order["order_id"]}):
        problems.append(Problem("order.mismatch", "files.csv", f"{csv_path.name} differs from the recomputed lines"))
    return problems
