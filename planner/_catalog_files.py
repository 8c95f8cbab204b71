"""The catalog's files (SPEC B1): the format of ``catalog.toml`` and ``prices.csv``, and every check of it.

:func:`planner._catalog.load_catalog` reads the files; this module says what a valid catalog is, so that one
run reports every problem of both files, each with file, row or key, and reason.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ._bss import FETCHED_SOURCE, _Bss
from ._dates import Term
from ._domain import BILLING_MODES, EDITIONS
from ._money import dec
from ._problems import Problem

PERIOD_OF_MODE = {"yearly_monthly": "month", "pay_per_use": "hour"}
PRICE_COLUMNS = ["region", "item", "billing_mode", "unit", "period", "price", "source"]
ILLUSTRATIVE = "illustrative"
PRICE_MAX = Decimal(10) ** 9  # a unit price; anything larger is a typo, and would overflow the arithmetic

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


def _pydantic_problems(error: ValidationError, file: str) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = ".".join(str(part) for part in item["loc"])
        problems.append(Problem("catalog.invalid", f"{file}:{loc}", item["msg"]))
    return problems


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
