"""``planner catalog fetch`` (SPEC B8): a complete new catalog from Huawei's own prices.

For each region, edition, billing mode, term and package the base catalog sells there, a yearly/monthly
inquiry at quantity 1 per term gives the monthly unit price (from the 1-month answer) and each term's
discount factor (the term's amount over its months at that unit price); a pay-per-use inquiry of one hour
gives the hourly rate. The product codes come from the base catalog's ``[bss]`` section, checked first
against SecMaster's ``ListSubscriptionProduct``. What could not be fetched keeps the base catalog's row and
source, and the report says so. The folder is written to a temporary sibling, validated by
:func:`planner.load_catalog`, then renamed into place: a failure leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .._catalog import PRICE_COLUMNS, BssProduct, Catalog, load_catalog
from .._domain import EDITIONS
from .._money import fmt, work
from ._client import Huawei
from ._errors import LiveError
from ._inquiry import Answer, Inquiry, Row

#: SecMaster's ListSubscriptionProduct names → the catalog's items.
SECMASTER_PRODUCTS = {
    "basic": "basic",
    "standard": "standard",
    "professional": "professional",
    "large_screen": "large_screen",
    "log_collection": "data_collection",
    "log_retention": "data_retention",
    "log_analysis": "security_analysis",
    "soar": "security_orchestration",
}
REFERENCE_ITEM = "professional"  # whose answers give the term discount factors
FACTOR_TOLERANCE = Decimal("0.0001")


@dataclass
class FetchReport:
    """What the fetch did, in plain words for the command's output."""

    out: Path
    catalog: Catalog | None = None
    calls: int = 0
    fetched_rows: int = 0
    corrected: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sold(catalog: Catalog, region: str, item: str, billing_mode: str) -> bool:
    """Whether ``region`` sells ``item`` in ``billing_mode`` (packages follow the edition's mode)."""
    sells = catalog.regions[region].sells
    if item in EDITIONS:
        return billing_mode in sells.get(item, ())
    return any(billing_mode in sells.get(e, ()) for e in ("standard", "professional"))


def check_codes(huawei: Huawei, base: Catalog, region: str, report: FetchReport) -> dict[str, BssProduct]:
    """The base catalog's codes, corrected by what SecMaster says the site sells (when it can be asked)."""
    codes = dict(base.bss)
    from huaweicloudsdksecmaster.v1 import ListSubscriptionProductRequest

    operation = "ListSubscriptionProduct"
    client = huawei.secmaster(operation, region)
    data = huawei.call(operation, client, ListSubscriptionProductRequest(project_id=huawei.project_id))
    if not isinstance(data, dict):
        raise LiveError(operation, "malformed", "an answer of the wrong shape: not an object")
    for name, item in SECMASTER_PRODUCTS.items():
        answer = data.get(name)
        if item not in codes or answer is None:
            continue
        if not isinstance(answer, dict) or not all(
            isinstance(answer.get(k), str) for k in ("cloud_service_type", "resource_type", "resource_spec_code")
        ):
            raise LiveError(operation, "malformed", f"an answer of the wrong shape: {name}")
        old = codes[item]
        new = replace(
            old,
            cloud_service_type=answer["cloud_service_type"],
            resource_type=answer["resource_type"],
            resource_spec=answer["resource_spec_code"],
            size_measure_id=answer.get("resource_size_measure_id", old.size_measure_id),
            usage_factor=answer.get("usage_factor") or old.usage_factor,
            usage_measure_id=answer.get("usage_measure_id") or old.usage_measure_id,
            confirmed=True,
        )
        if (new.resource_spec, new.cloud_service_type, new.resource_type) != (
            old.resource_spec,
            old.cloud_service_type,
            old.resource_type,
        ):
            report.corrected.append(f"{item}: {old.resource_spec} → {new.resource_spec} (ListSubscriptionProduct)")
        codes[item] = new
    return codes


def plan_rows(base: Catalog, regions: list[str], codes: dict[str, BssProduct]) -> list[Row]:
    """Every product row to ask: what each region sells, every term for yearly/monthly, an hour for pay-per-use."""
    rows: list[Row] = []
    for region in regions:
        for item in (*EDITIONS, *base.packages):
            if item not in codes:
                continue
            if sold(base, region, item, "yearly_monthly"):
                rows.extend(Row(region, item, "yearly_monthly", term, codes[item]) for term in base.terms)
            if sold(base, region, item, "pay_per_use"):
                rows.append(Row(region, item, "pay_per_use", None, codes[item]))
    return rows


def _unit_prices(
    base: Catalog, rows: list[Row], answers: dict[str, Answer], report: FetchReport
) -> tuple[dict[tuple[str, str, str], tuple[Decimal, str]], dict[str, Decimal]]:
    """Monthly and hourly unit prices per (region, item, mode), and the term factors of the reference item."""
    prices: dict[tuple[str, str, str], tuple[Decimal, str]] = {}
    by_key: dict[tuple[str, str], dict[str, tuple[Row, Answer]]] = {}
    for row in rows:
        if row.id not in answers:
            continue
        if row.term is None:
            answer = answers[row.id]
            prices[(row.region, row.item, "pay_per_use")] = (work(answer.amount / row.size), answer.source)
        else:
            by_key.setdefault((row.region, row.item), {})[row.term.code] = (row, answers[row.id])
    factors: dict[str, Decimal] = {}
    disagree: set[str] = set()
    for (region, item), terms in by_key.items():
        if "1m" not in terms:
            report.kept.append(f"{region} {item} yearly/monthly: no 1-month answer to take the monthly price from")
            continue
        row, answer = terms["1m"]
        unit = work(answer.amount / row.size)
        prices[(region, item, "yearly_monthly")] = (unit, answer.source)
        if unit == 0:
            continue
        for code, (term_row, term_answer) in terms.items():
            factor = work(term_answer.amount / (unit * term_row.size * term_row.term.months))  # type: ignore[union-attr]
            if item == REFERENCE_ITEM and code not in factors:
                factors[code] = factor
            elif code in factors and abs(factors[code] - factor) > FACTOR_TOLERANCE:
                disagree.add(f"{code} ({item} in {region}: {fmt(factor)})")
    if disagree:
        report.notes.append(
            "term factors differ between items; the catalog holds one per term, taken from "
            f"{REFERENCE_ITEM}: " + ", ".join(sorted(disagree))
        )
    return prices, factors


def _price_rows(base: Catalog, fetched: dict[tuple[str, str, str], tuple[Decimal, str]]) -> str:
    """The new prices.csv: a ``*`` row when every region that sells an item answered the same, else per region."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PRICE_COLUMNS)
    written: set[tuple[str, str, str]] = set()

    def write(region: str, item: str, mode: str, price: Decimal, source: str) -> None:
        row = base.price(region, item, mode) or base.price("*", item, mode)
        assert row is not None  # only items the base catalog prices are asked or kept
        writer.writerow([region, item, mode, row.unit, row.period, fmt(price), source])
        written.add((region, item, mode))

    for key, price in sorted(base.prices.items(), key=lambda kv: kv[1].row):
        region, item, mode = key
        if region != "*":
            if key not in fetched:
                write(region, item, mode, price.price, price.source)
            continue
        selling = [r for r in base.regions if sold(base, r, item, mode)]
        answered = [fetched[(r, item, mode)] for r in selling if (r, item, mode) in fetched]
        if selling and len(answered) == len(selling):
            common = Counter(p for p, _ in answered).most_common(1)[0][0]
            write("*", item, mode, common, max(s for p, s in answered if p == common))
            for r in selling:
                if fetched[(r, item, mode)][0] != common:
                    write(r, item, mode, *fetched[(r, item, mode)])
                written.add((r, item, mode))
        else:
            write("*", item, mode, price.price, price.source)
    for (region, item, mode), (price_value, source) in sorted(fetched.items()):
        if (region, item, mode) not in written:
            write(region, item, mode, price_value, source)
    return out.getvalue()


def _catalog_toml(
    base: Catalog,
    codes: dict[str, BssProduct],
    factors: dict[str, Decimal],
    factor_source: str | None,
    fetched_at: datetime,
    account_prices: bool,
) -> str:
    import tomli_w

    raw: dict[str, Any] = tomllib.loads((base.path / "catalog.toml").read_text(encoding="utf-8"))
    stamp = fetched_at.strftime("%Y%m%dT%H%M%SZ")
    raw["version"] = f"{base.version}+bss.{stamp}"
    raw["name"] = f"{base.name}, {'account' if account_prices else 'list'} prices fetched from Huawei"
    raw["fetched"] = fetched_at
    if factor_source is not None:
        raw["terms"]["discount_source"] = factor_source
        raw["terms"]["discounts"] = {code: fmt(f) for code, f in factors.items()}
    bss = raw.setdefault("bss", {})
    bss["items"] = {
        item: {k: v for k, v in vars(p).items() if k != "item" and v is not None} for item, p in codes.items()
    }
    header = (
        f"# Fetched by `planner catalog fetch` from Huawei's price inquiry API at {fetched_at:%Y-%m-%dT%H:%M:%SZ},\n"
        f"# based on {base.id} {base.version}. Each price's source says where it came from.\n\n"
    )
    return header + tomli_w.dumps(raw)


def fetch_catalog(
    huawei: Huawei,
    base: Catalog,
    out: Path,
    *,
    regions: list[str],
    account_prices: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> FetchReport:
    """Ask Huawei the prices of ``regions`` and write the new catalog to ``out`` (which must not exist)."""
    report = FetchReport(out=out)
    if not base.bss:
        raise ValueError(f"the base catalog {base.path} has no [bss] product codes")
    codes = check_codes(huawei, base, regions[0], report)
    rows = plan_rows(base, regions, codes)
    inquiry = Inquiry(huawei, currency=base.currency, account_prices=account_prices, clock=clock)
    answers = inquiry.price(rows)
    report.calls = inquiry.calls + 1  # and ListSubscriptionProduct
    report.fetched_rows = len(answers)
    refused: dict[tuple[str, str], set[str]] = {}
    for row in inquiry.unknown:
        refused.setdefault((row.item, row.product.resource_spec), set()).add(row.region)
    for (item, spec), where in sorted(refused.items()):
        places = "every region asked" if len(where) == len(regions) > 1 else ", ".join(sorted(where))
        report.kept.append(f"{item} in {places}: Huawei does not know {spec} (CBC.99006006); base prices kept")
    prices, factors = _unit_prices(base, rows, answers, report)
    factor_source = None
    wanted = {t.code for t in base.terms}
    if set(factors) == wanted and all(0 < f <= 1 for f in factors.values()):
        factor_source = next(a.source for r in rows if r.item == REFERENCE_ITEM and (a := answers.get(r.id)))
    else:
        report.kept.append("term discount factors: not every term was answered in (0, 1]; base factors kept")
    fetched_at = clock().astimezone(UTC).replace(microsecond=0)
    toml_text = _catalog_toml(base, codes, factors, factor_source, fetched_at, account_prices)
    csv_text = _price_rows(base, prices)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        (tmp / "catalog.toml").write_text(toml_text, encoding="utf-8")
        (tmp / "prices.csv").write_text(csv_text, encoding="utf-8")
        load_catalog(tmp)  # complete and valid, or nothing is written (PlannerError)
        tmp.chmod(0o755)
        tmp.rename(out)  # atomic; refuses to replace a folder that has files
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report.catalog = load_catalog(out)
    return report
