"""``planner catalog diff OLD NEW`` (SPEC B8): every price, term factor, region offering and limit that differs.

Prices are compared as a quote sees them: the effective price of each item in each region (the region's own
row, else the ``*`` row). A change that is the same in every region of both catalogs is shown once, as ``*``.

>>> from planner import load_catalog
>>> diff_catalogs(load_catalog(), load_catalog())
[]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._catalog import Catalog
from .._domain import BILLING_MODES, EDITIONS
from .._money import fmt


@dataclass(frozen=True)
class Change:
    """One difference: what kind (price, term, offering, limit, catalog), which one, before and after."""

    kind: str
    key: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.kind:<8} {self.key:<48} {self.old} → {self.new}"

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "key": self.key, "old": self.old, "new": self.new}


_ABSENT = "(none)"
MAX_EXCEPT = 3  # a change shared by all regions but these few reads "* except …"


def _price_text(catalog: Catalog, region: str, item: str, mode: str) -> tuple[str, str]:
    price = catalog.price(region, item, mode)
    if price is None:
        return _ABSENT, ""
    return f"{fmt(price.price)} {catalog.currency}/{price.unit}/{price.period}", price.source


def _origin(source: str) -> str:
    return "published" if source.startswith(("https://", "http://")) else source


def _prices(old: Catalog, new: Catalog) -> list[Change]:
    regions = sorted(set(old.regions) | set(new.regions))
    items = [*EDITIONS, *sorted(set(old.packages) | set(new.packages))]
    changes = []
    for item in items:
        for mode in BILLING_MODES:
            per_region: dict[str, tuple[str, str]] = {}
            for region in regions:
                (old_text, old_source), (new_text, new_source) = (
                    _price_text(old, region, item, mode),
                    _price_text(new, region, item, mode),
                )
                if old_text != new_text:
                    per_region[region] = (old_text, new_text)
                elif old_source != new_source and old_text != _ABSENT:
                    per_region[region] = (f"{old_text} ({_origin(old_source)})", f"same ({_origin(new_source)})")
            if not per_region:
                continue
            groups: dict[tuple[str, str], list[str]] = {}
            for region, pair in per_region.items():
                groups.setdefault(pair, []).append(region)
            for (old_text, new_text), where in groups.items():
                others = [r for r in regions if r not in where]
                if not others:
                    changes.append(Change("price", f"{item} {mode} *", old_text, new_text))
                elif len(others) <= MAX_EXCEPT < len(where):
                    changes.append(Change("price", f"{item} {mode} * except {', '.join(others)}", old_text, new_text))
                else:
                    changes.extend(Change("price", f"{item} {mode} {r}", old_text, new_text) for r in where)
    return changes


def _terms(old: Catalog, new: Catalog) -> list[Change]:
    changes = []
    codes = [t.code for t in old.terms] + [t.code for t in new.terms if t not in old.terms]
    for code in codes:
        a = fmt(old.discounts[code]) if code in old.discounts else _ABSENT
        b = fmt(new.discounts[code]) if code in new.discounts else _ABSENT
        if a != b:
            changes.append(Change("term", f"discount factor {code}", a, b))
    if old.discount_source != new.discount_source:
        changes.append(Change("term", "discount source", old.discount_source, new.discount_source))
    return changes


def _offerings(old: Catalog, new: Catalog) -> list[Change]:
    changes = []
    for region in sorted(set(old.regions) | set(new.regions)):
        a = old.regions[region].sells if region in old.regions else None
        b = new.regions[region].sells if region in new.regions else None
        if a is None or b is None:
            changes.append(Change("offering", f"region {region}", "sold" if a else _ABSENT, "sold" if b else _ABSENT))
            continue
        for edition in EDITIONS:
            modes_a, modes_b = ", ".join(a.get(edition, ())) or _ABSENT, ", ".join(b.get(edition, ())) or _ABSENT
            if modes_a != modes_b:
                changes.append(Change("offering", f"{region} {edition}", modes_a, modes_b))
    return changes


def _fields(kind: str, prefix: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    return [
        Change(kind, f"{prefix}{key}", str(a.get(key, _ABSENT)), str(b.get(key, _ABSENT)))
        for key in [*a, *(k for k in b if k not in a)]
        if a.get(key) != b.get(key)
    ]


def _limits(old: Catalog, new: Catalog) -> list[Change]:
    changes = _fields("limit", "", old.limits.model_dump(), new.limits.model_dump())
    for pkg in [*old.packages, *(p for p in new.packages if p not in old.packages)]:
        a = {k: getattr(old.packages[pkg], k) for k in ("min", "step", "max")} if pkg in old.packages else {}
        b = {k: getattr(new.packages[pkg], k) for k in ("min", "step", "max")} if pkg in new.packages else {}
        changes += _fields("limit", f"{pkg}.", a, b)
    lifecycle = ("grace_days", "retention_days", "auto_renew_lead_days")
    changes += _fields("limit", "", {k: getattr(old, k) for k in lifecycle}, {k: getattr(new, k) for k in lifecycle})
    return changes


def _catalog(old: Catalog, new: Catalog) -> list[Change]:
    keys = ("currency", "rounding", "timezone", "quota_increase")
    changes = _fields("catalog", "", {k: getattr(old, k) for k in keys}, {k: getattr(new, k) for k in keys})
    for item in [*old.bss, *(i for i in new.bss if i not in old.bss)]:
        a = old.bss.get(item)
        b = new.bss.get(item)
        if a != b:
            code_a = f"{a.resource_spec}{'' if a.confirmed else ' (unconfirmed)'}" if a else _ABSENT
            code_b = f"{b.resource_spec}{'' if b.confirmed else ' (unconfirmed)'}" if b else _ABSENT
            changes.append(Change("code", item, code_a, code_b))
    return changes


def diff_catalogs(old: Catalog, new: Catalog) -> list[Change]:
    """Every difference between two catalogs that changes a quote or what can be bought."""
    return _catalog(old, new) + _prices(old, new) + _terms(old, new) + _offerings(old, new) + _limits(old, new)
