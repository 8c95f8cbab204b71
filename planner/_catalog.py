"""Price catalogs (SPEC B1): a folder with ``catalog.toml`` and ``prices.csv``, validated on load.

>>> catalog = load_catalog()              # the default one in data/intl-usd
>>> catalog.currency, str(catalog.price("cn-north-4", "professional", "yearly_monthly").price)
('USD', '22')
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as FixedOffset
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._bss import BssProduct
from ._catalog_files import (
    ILLUSTRATIVE,
    PRICE_COLUMNS,
    Edition,
    Limits,
    Price,
    _CatalogFile,
    _cross_check,
    _parse_prices,
    _pydantic_problems,
)
from ._dates import Term
from ._domain import BILLING_MODES, EDITIONS
from ._limits import CATALOG_TOML_MAX_BYTES, PRICES_CSV_MAX_BYTES, check_depth, read_bounded
from ._money import RoundingMode, dec
from ._price_order import rank_order_problems
from ._problems import PlannerError, Problem
from ._settings import PROJECT_DIR, Settings

#: Where the shipped catalogs live: the project's data/ folder (next to the package in a checkout).
DATA_DIR = PROJECT_DIR / "data"

__all__ = [
    "BILLING_MODES",
    "DATA_DIR",
    "EDITIONS",
    "ILLUSTRATIVE",
    "PRICE_COLUMNS",
    "BssProduct",
    "Catalog",
    "Edition",
    "Limits",
    "Package",
    "Price",
    "Region",
    "load_catalog",
    "shipped_catalogs",
]


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


def _read(path: Path, limit: int, problems: list[Problem]) -> bytes | None:
    if not path.exists():
        problems.append(Problem("catalog.invalid", path.name, f"missing file {path}"))
        return None
    try:
        return read_bounded(path, limit, path.name, rule="catalog.too_large", unreadable="catalog.invalid")
    except PlannerError as exc:
        problems.extend(exc.problems)
    return None


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
