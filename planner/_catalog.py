"""Price catalogs (SPEC B1): a folder with ``catalog.toml`` and ``prices.csv``, validated on load.

>>> catalog = load_catalog()              # the default one in data/intl-usd
>>> catalog.currency, str(catalog.price("cn-north-4", "professional", "yearly_monthly").price)
('USD', '22')
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as FixedOffset
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ._bss import FETCHED_SOURCE, BssProduct, _Bss
from ._dates import Term
from ._domain import BILLING_MODES, EDITIONS
from ._limits import CATALOG_TOML_MAX_BYTES, PRICES_CSV_MAX_BYTES, check_depth, read_bounded
from ._money import RoundingMode, dec
from ._price_order import rank_order_problems
from ._problems import PlannerError, Problem
from ._settings import PROJECT_DIR, Settings

PERIOD_OF_MODE = {"yearly_monthly": "month", "pay_per_use": "hour"}
PRICE_COLUMNS = ["region", "item", "billing_mode", "unit", "period", "price", "source"]
ILLUSTRATIVE = "illustrative"
PRICE_MAX = Decimal(10) ** 9  # a unit price; anything larger is a typo, and would overflow the arithmetic

#: Where the shipped catalogs live: the project's data/ folder (next to the package in a checkout).
DATA_DIR = PROJECT_DIR / "data"

_REGION_ID = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+$")


class _Strict(BaseModel):
    # strict: TOML has real types, so `tags_max = true` or `quota_max = "10"` is a mistake, not a 1 or a 10.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Limits(_Strict):
    """The catalog's limits (SPEC B1): quota, hosts, tags, hours a month, the collection sizing hint."""

    quota_min: int = Field(ge=1)
    quota_max: int = Field(ge=1)
    hosts_max: int = Field(ge=1)
    tags_max: int = Field(ge=0)
    tag_key_max: int = Field(ge=1)
    tag_value_max: int = Field(ge=0)
    hours_per_month: int = Field(ge=1)
    collection_mb_per_host_day: int = Field(ge=0)


class _Terms(_Strict):
    allowed: list[str] = Field(min_length=1)
    discount_source: str
    discounts: dict[str, str]


class _Lifecycle(_Strict):
    grace_days: int = Field(ge=0)
    retention_days: int = Field(ge=0)
    auto_renew_lead_days: int = Field(ge=0)
    auto_renew_lead_days_allowed: list[int]


class _Refund(_Strict):
    full_refund_days: int = Field(ge=0)
    full_refunds_per_year: int = Field(ge=0)
    handling_fee: dict[str, Annotated[list[str], Field(min_length=1)]]


class _Package(_Strict):
    name: str
    unit: str
    min: int = Field(ge=1)
    step: int = Field(ge=1)
    max: int = Field(ge=1)
    stacks: bool
    unsubscribable: bool


class Edition(_Strict):
    """An edition as the catalog describes it: its name, what it offers, and its rank (upgrades go up)."""

    name: str
    offers: str
    rank: int = Field(ge=0)


class _Region(_Strict):
    name: str
    sells: dict[str, list[Literal["yearly_monthly", "pay_per_use"]]]


class _CatalogFile(_Strict):
    id: str = Field(min_length=1)
    name: str
    version: str = Field(min_length=1)
    effective: date
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    rounding: Literal["truncate", "half_up"]
    timezone: str
    quota_increase: Literal["coterminous", "separate_term"]
    source: str
    limits: Limits
    terms: _Terms
    lifecycle: _Lifecycle
    refund: _Refund
    packages: dict[str, _Package]
    editions: dict[str, Edition]
    regions: dict[str, _Region] = Field(min_length=1)
    fetched: datetime | None = None  # when `planner catalog fetch` wrote it (UTC)
    bss: _Bss | None = None

    @field_validator("timezone")
    @classmethod
    def _utc_offset(cls, value: str) -> str:
        if not re.fullmatch(r"UTC[+-](0\d|1[0-4]):[0-5]\d", value):
            raise ValueError("use a UTC offset such as UTC+08:00")
        return value


@dataclass(frozen=True)
class Price:
    """One row of ``prices.csv``: the list price of one item in one billing mode."""

    region: str
    item: str
    billing_mode: str
    unit: str
    period: str
    price: Decimal
    source: str
    row: int

    @property
    def illustrative(self) -> bool:
        return self.source == ILLUSTRATIVE


@dataclass(frozen=True)
class Package:
    id: str
    name: str
    unit: str
    min: int
    step: int
    max: int
    stacks: bool
    unsubscribable: bool


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    sells: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Catalog:
    """A loaded, validated price catalog. Build one with :func:`load_catalog`."""

    path: Path
    id: str
    name: str
    version: str
    effective: date
    currency: str
    rounding: RoundingMode
    timezone: str
    quota_increase: str
    source: str
    sha256: str
    limits: Limits
    terms: tuple[Term, ...]
    discounts: dict[str, Decimal]
    discount_source: str
    grace_days: int
    retention_days: int
    auto_renew_lead_days: int
    auto_renew_lead_days_allowed: tuple[int, ...]
    full_refund_days: int
    full_refunds_per_year: int
    handling_fees: dict[str, tuple[Decimal, ...]]
    packages: dict[str, Package]
    editions: dict[str, Edition]
    regions: dict[str, Region]
    prices: dict[tuple[str, str, str], Price] = field(repr=False)
    bss: dict[str, BssProduct] = field(default_factory=dict, repr=False)
    fetched: datetime | None = None
    stale_after_days: int = 90

    @property
    def tzinfo(self) -> FixedOffset:
        """The catalog's time zone (``UTC+08:00`` → a fixed offset): billing days are counted in it."""
        sign = 1 if self.timezone[3] == "+" else -1
        hours, minutes = int(self.timezone[4:6]), int(self.timezone[7:9])
        return FixedOffset(sign * timedelta(hours=hours, minutes=minutes))

    def price(self, region: str, item: str, billing_mode: str) -> Price | None:
        """The price of ``item`` in ``region``: the region's own row, else the ``*`` row."""
        return self.prices.get((region, item, billing_mode)) or self.prices.get(("*", item, billing_mode))

    def discount(self, term: Term) -> Decimal:
        return self.discounts[term.code]

    @property
    def discount_illustrative(self) -> bool:
        return self.discount_source == ILLUSTRATIVE

    def handling_fee_rates(self, term: Term) -> tuple[Decimal, ...]:
        return self.handling_fees["monthly" if term.unit == "month" else term.code]

    def sells(self, region: str, edition: str, billing_mode: str | None = None) -> bool:
        modes = self.regions[region].sells.get(edition, ())
        return bool(modes) if billing_mode is None else billing_mode in modes

    def edition_rank(self, edition: str) -> int:
        return self.editions[edition].rank

    def today(self) -> date:
        """Today in the catalog's time zone: the one "today" of the planner (Huawei settles in UTC+08:00)."""
        return datetime.now(self.tzinfo).date()

    def stale_warnings(self, today: date) -> list[Problem]:
        """``price.stale`` when the catalog was fetched more than ``[bss] stale_after_days`` before ``today``."""
        if self.fetched is None:
            return []
        age = (today - self.fetched.date()).days
        if age <= self.stale_after_days:
            return []
        message = (
            f"the prices were fetched from Huawei on {self.fetched.date().isoformat()}, {age} days ago "
            f"(more than {self.stale_after_days}): fetch them again with `planner catalog fetch`"
        )
        return [Problem("price.stale", "catalog.fetched", message)]

    def pin(self) -> dict[str, str]:
        """What a quote pins: the catalog's id, version and the sha256 of its files (and when it was fetched)."""
        pin = {"id": self.id, "version": self.version, "sha256": self.sha256}
        if self.fetched is not None:
            pin["fetched"] = self.fetched.strftime("%Y-%m-%dT%H:%M:%SZ")
        return pin


def _fingerprint(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def _pydantic_problems(error: ValidationError, file: str) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = ".".join(str(part) for part in item["loc"])
        problems.append(Problem("catalog.invalid", f"{file}:{loc}", item["msg"]))
    return problems


def _read(path: Path, limit: int, problems: list[Problem]) -> bytes | None:
    if not path.exists():
        problems.append(Problem("catalog.invalid", path.name, f"missing file {path}"))
        return None
    try:
        return read_bounded(path, limit, path.name, rule="catalog.too_large", unreadable="catalog.invalid")
    except PlannerError as exc:
        problems.extend(exc.problems)
    return None


def _csv_rows(reader: csv.DictReader[str], problems: list[Problem]) -> Iterator[dict[str, Any]]:
    """The rows, until one cannot be read as CSV (a field over csv's 128 KiB limit, a stray quote)."""
    try:
        yield from reader
    except csv.Error as exc:
        where = f"prices.csv:{reader.reader.line_num}"  # the csv reader's line, not the last row read
        problems.append(Problem("catalog.invalid", where, f"not readable as CSV: {exc}"))


def _parse_prices(text: str, spec: _CatalogFile | None, problems: list[Problem]) -> dict[tuple[str, str, str], Price]:
    """Rows of prices.csv; without a valid catalog.toml (``spec`` None) only each row's own format is checked."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        reader.fieldnames  # noqa: B018 -- reads the header row, which can itself be unreadable
    except csv.Error as exc:
        problems.append(Problem("catalog.invalid", "prices.csv:1", f"not readable as CSV: {exc}"))
        return {}
    if reader.fieldnames != PRICE_COLUMNS:
        problems.append(
            Problem(
                "catalog.invalid",
                "prices.csv:1",
                f"header must be {','.join(PRICE_COLUMNS)}, found {','.join(reader.fieldnames or [])}",
            )
        )
        return {}
    packages = spec.packages if spec is not None else {}
    items = set(EDITIONS) | set(packages)
    prices: dict[tuple[str, str, str], Price] = {}
    for row_no, row in enumerate(_csv_rows(reader, problems), start=2):
        where = f"prices.csv:{row_no}"
        if None in row or any(value is None for value in row.values()):
            problems.append(Problem("catalog.invalid", where, "wrong number of columns"))
            continue
        region, item, mode = row["region"].strip(), row["item"].strip(), row["billing_mode"].strip()
        row_ok = True
        if spec is not None and region != "*" and region not in spec.regions:
            problems.append(Problem("catalog.invalid", f"{where}:region", f"unknown region {region!r}"))
            row_ok = False
        if spec is not None and item not in items:
            problems.append(Problem("catalog.invalid", f"{where}:item", f"unknown item {item!r}"))
            row_ok = False
        if mode not in BILLING_MODES:
            problems.append(
                Problem("catalog.invalid", f"{where}:billing_mode", f"must be one of {', '.join(BILLING_MODES)}")
            )
            row_ok = False
        elif row["period"].strip() != PERIOD_OF_MODE[mode]:
            problems.append(
                Problem("catalog.invalid", f"{where}:period", f"{mode} prices are per {PERIOD_OF_MODE[mode]}")
            )
            row_ok = False
        try:
            price = dec(row["price"])
            if not 0 <= price < PRICE_MAX:
                raise ValueError
        except (ValueError, TypeError):
            problems.append(
                Problem(
                    "catalog.invalid",
                    f"{where}:price",
                    f"not a decimal from 0 to below {PRICE_MAX:,}: {row['price']!r}",
                )
            )
            row_ok = False
        source = row["source"].strip()
        if not (source == ILLUSTRATIVE or source.startswith(("https://", "http://")) or FETCHED_SOURCE.match(source)):
            problems.append(
                Problem(
                    "catalog.invalid",
                    f"{where}:source",
                    "must be an address (https://…), 'illustrative' or bss:<operation>@<UTC time>",
                )
            )
            row_ok = False
        if item in packages and row_ok and row["unit"].strip() != packages[item].unit:
            problems.append(Problem("catalog.invalid", f"{where}:unit", f"{item} is sized in {packages[item].unit}"))
            row_ok = False
        if not row_ok:
            continue
        key = (region, item, mode)
        if key in prices:
            problems.append(
                Problem(
                    "catalog.invalid", where, f"duplicate price for {'/'.join(key)} (first on row {prices[key].row})"
                )
            )
            continue
        prices[key] = Price(region, item, mode, row["unit"].strip(), row["period"].strip(), price, source, row_no)
    return prices


def _cross_check(spec: _CatalogFile, prices: dict[tuple[str, str, str], Price], problems: list[Problem]) -> None:
    def priced(region: str, item: str, mode: str) -> bool:
        return (region, item, mode) in prices or ("*", item, mode) in prices

    if spec.limits.quota_min > spec.limits.quota_max:
        problems.append(Problem("catalog.invalid", "catalog.toml:limits.quota_min", "greater than quota_max"))
    if set(spec.editions) != set(EDITIONS):
        problems.append(
            Problem("catalog.invalid", "catalog.toml:editions", f"must describe exactly {', '.join(EDITIONS)}")
        )
    elif [spec.editions[e].rank for e in EDITIONS] != sorted({spec.editions[e].rank for e in EDITIONS}):
        # Upgrades go basic → standard → professional and never down [C]: the ranks must say so.
        problems.append(
            Problem(
                "catalog.invalid", "catalog.toml:editions", "ranks must rise strictly: basic < standard < professional"
            )
        )
    if spec.lifecycle.auto_renew_lead_days not in spec.lifecycle.auto_renew_lead_days_allowed:
        problems.append(
            Problem(
                "catalog.invalid",
                "catalog.toml:lifecycle.auto_renew_lead_days",
                f"must be one of auto_renew_lead_days_allowed {spec.lifecycle.auto_renew_lead_days_allowed}",
            )
        )
    for code in spec.terms.allowed:
        try:
            Term.parse(code)
        except ValueError as exc:
            problems.append(Problem("catalog.invalid", "catalog.toml:terms.allowed", str(exc)))
            continue
        if code not in spec.terms.discounts:
            problems.append(Problem("catalog.invalid", f"catalog.toml:terms.discounts.{code}", "missing discount"))
        key = "monthly" if code.endswith("m") else code
        if key not in spec.refund.handling_fee:
            problems.append(Problem("catalog.invalid", f"catalog.toml:refund.handling_fee.{key}", "missing"))
    for code, text in spec.terms.discounts.items():
        try:
            factor = dec(text)
            if not 0 < factor <= 1:
                raise ValueError
        except (ValueError, TypeError):
            problems.append(
                Problem("catalog.invalid", f"catalog.toml:terms.discounts.{code}", "must be a decimal in (0, 1]")
            )
    for key, rates in spec.refund.handling_fee.items():
        for index, text in enumerate(rates):
            try:
                rate = dec(text)
                if not 0 <= rate < 1:
                    raise ValueError
            except (ValueError, TypeError):
                problems.append(
                    Problem("catalog.invalid", f"catalog.toml:refund.handling_fee.{key}[{index}]", "must be in [0, 1)")
                )
    if spec.source != ILLUSTRATIVE and not spec.source.startswith(("https://", "http://")):
        problems.append(Problem("catalog.invalid", "catalog.toml:source", "must be an address or 'illustrative'"))
    if spec.fetched is not None and (spec.fetched.utcoffset() is None or spec.fetched.utcoffset() != timedelta(0)):
        problems.append(
            Problem("catalog.invalid", "catalog.toml:fetched", "must be a UTC time such as 2026-01-31T08:00:00Z")
        )
    for item in spec.bss.items if spec.bss is not None else {}:
        if item not in EDITIONS and item not in spec.packages:
            problems.append(Problem("catalog.invalid", f"catalog.toml:bss.items.{item}", "not an edition or a package"))
    for pkg_id, pkg in spec.packages.items():
        if pkg.min > pkg.max:
            problems.append(Problem("catalog.invalid", f"catalog.toml:packages.{pkg_id}", "min is above max"))
    for region_id, region in spec.regions.items():
        where = f"catalog.toml:regions.{region_id}"
        if not _REGION_ID.match(region_id):
            problems.append(Problem("catalog.invalid", where, "not a region id such as cn-north-4"))
        for edition, modes in region.sells.items():
            if edition not in EDITIONS:
                problems.append(Problem("catalog.invalid", f"{where}.sells.{edition}", "unknown edition"))
                continue
            for mode in modes:
                if not priced(region_id, edition, mode):
                    problems.append(
                        Problem("catalog.invalid", f"{where}.sells.{edition}", f"no price for {edition} {mode}")
                    )
                if edition in ("standard", "professional"):
                    for pkg_id in spec.packages:
                        if not priced(region_id, pkg_id, mode):
                            problems.append(
                                Problem("catalog.invalid", f"{where}.sells.{edition}", f"no price for {pkg_id} {mode}")
                            )


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Load and validate the catalog folder at ``path`` (the shipped ``data/intl-usd`` by default).

    Raises :class:`PlannerError` listing every problem, each with file, row or key, and reason.
    """
    folder = Path(path) if path is not None else Settings.from_env().catalog_dir
    problems: list[Problem] = []
    if not folder.is_dir():
        raise PlannerError(Problem("catalog.invalid", str(folder), "not a catalog folder (catalog.toml + prices.csv)"))
    toml_bytes = _read(folder / "catalog.toml", CATALOG_TOML_MAX_BYTES, problems)
    csv_bytes = _read(folder / "prices.csv", PRICES_CSV_MAX_BYTES, problems)
    spec: _CatalogFile | None = None
    if toml_bytes is not None:
        try:
            toml_text = toml_bytes.decode("utf-8")
            check_depth(toml_text, "toml", rule="catalog.too_deep", field="catalog.toml")
            raw: dict[str, Any] = tomllib.loads(toml_text)
        except PlannerError as exc:
            problems.extend(exc.problems)
        except ValueError as exc:  # TOMLDecodeError, UnicodeDecodeError, an integer of thousands of digits
            problems.append(Problem("catalog.invalid", "catalog.toml", f"not valid TOML: {exc}"))
        except RecursionError:  # the depth scan is approximate on malformed text; the parser is the backstop
            problems.append(Problem("catalog.too_deep", "catalog.toml", "nested too deeply"))
        else:
            try:
                spec = _CatalogFile.model_validate(raw)
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, "catalog.toml"))
    prices: dict[tuple[str, str, str], Price] = {}
    if csv_bytes is not None:
        try:
            csv_text = csv_bytes.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem("catalog.invalid", "prices.csv", "not UTF-8 text"))
        else:
            # Checked even when catalog.toml is broken, so that one run reports the problems of both files.
            prices = _parse_prices(csv_text, spec, problems)
    if spec is not None and csv_bytes is not None:
        _cross_check(spec, prices, problems)
        problems.extend(rank_order_problems(EDITIONS, spec.regions, BILLING_MODES, prices))
    if problems or spec is None or toml_bytes is None or csv_bytes is None:
        raise PlannerError(problems, source=str(folder))
    return Catalog(
        path=folder,
        id=spec.id,
        name=spec.name,
        version=spec.version,
        effective=spec.effective,
        currency=spec.currency,
        rounding=spec.rounding,
        timezone=spec.timezone,
        quota_increase=spec.quota_increase,
        source=spec.source,
        sha256=_fingerprint({"catalog.toml": toml_bytes, "prices.csv": csv_bytes}),
        limits=spec.limits,
        terms=tuple(Term.parse(code) for code in spec.terms.allowed),
        discounts={code: dec(text) for code, text in spec.terms.discounts.items()},
        discount_source=spec.terms.discount_source,
        grace_days=spec.lifecycle.grace_days,
        retention_days=spec.lifecycle.retention_days,
        auto_renew_lead_days=spec.lifecycle.auto_renew_lead_days,
        auto_renew_lead_days_allowed=tuple(spec.lifecycle.auto_renew_lead_days_allowed),
        full_refund_days=spec.refund.full_refund_days,
        full_refunds_per_year=spec.refund.full_refunds_per_year,
        handling_fees={k: tuple(dec(r) for r in v) for k, v in spec.refund.handling_fee.items()},
        packages={
            pkg_id: Package(pkg_id, p.name, p.unit, p.min, p.step, p.max, p.stacks, p.unsubscribable)
            for pkg_id, p in spec.packages.items()
        },
        editions=dict(spec.editions),
        regions={
            rid: Region(rid, r.name, {e: tuple(m) for e, m in r.sells.items()}) for rid, r in spec.regions.items()
        },
        prices=prices,
        bss={item: BssProduct(item, **codes.model_dump()) for item, codes in spec.bss.items.items()}
        if spec.bss
        else {},
        fetched=spec.fetched,
        stale_after_days=spec.bss.stale_after_days if spec.bss else 90,
    )


def shipped_catalogs() -> dict[str, Path]:
    """The catalog folders shipped in ``data/``, by folder name."""
    return {p.name: p for p in sorted(DATA_DIR.iterdir()) if (p / "catalog.toml").is_file()}
