"""Plain models behind the options and renewals pages (no widgets here).

:class:`OptionsQuery` asks :func:`planner.options` for every way to cover N hosts. The renewals page's
:class:`Portfolio` lives in :mod:`planner.ui._portfolio` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

import planner
from planner import Catalog, Problem

from ._fields import parse_percent
from ._portfolio import MAX_PORTFOLIO_ROWS, MAX_UPLOAD_BYTES, PORTFOLIO_COLUMNS, SAMPLE_PORTFOLIO, Portfolio

HORIZONS: tuple[int, ...] = (12, 24, 36, 48, 60)


@dataclass
class OptionsQuery:
    """What the options page asks: a region, a host count, monthly growth and a horizon."""

    region: str
    hosts: int = 100
    growth_pct: Decimal = Decimal("0")
    horizon_months: int = 36
    start: date | None = None

    @classmethod
    def from_query(cls, query: str, catalog: Catalog, *, today: date | None = None) -> tuple[OptionsQuery, list[str]]:
        """Defaults, pre-filled from ``?region=…&hosts=…&growth=…&horizon=…``; a notice per unused parameter."""
        region = "cn-north-4" if "cn-north-4" in catalog.regions else next(iter(catalog.regions))
        result = cls(region=region, start=today)
        notices: list[str] = []
        for key, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
            text = text.strip()
            try:
                if key == "region":
                    if text not in catalog.regions:
                        raise ValueError("not a region of the catalog")
                    result.region = text
                elif key == "hosts":
                    result.hosts = int(text)
                elif key == "growth":
                    growth = parse_percent(text, "growth")
                    if isinstance(growth, Problem):
                        raise ValueError(growth.message)
                    result.growth_pct = growth
                elif key == "horizon":
                    months = int(text.removesuffix("m"))
                    if months not in HORIZONS:
                        raise ValueError(f"use one of {', '.join(map(str, HORIZONS))}")
                    result.horizon_months = months
                else:
                    notices.append(f"Ignored the URL parameter {key[:40]!r}: not an options field.")
            except (ValueError, InvalidOperation) as exc:
                reason = (
                    str(exc) if isinstance(exc, ValueError) and "invalid literal" not in str(exc) else "not a number"
                )
                notices.append(f"Ignored {key}={text[:40]!r}: {reason}.")
        return result, notices

    def run(self, catalog: Catalog) -> tuple[list[Any], list[Problem]]:
        """The ranked options, or the problem with the inputs (the core's own words)."""
        try:
            found = planner.options(
                catalog,
                region=self.region,
                hosts=self.hosts,
                horizon_months=self.horizon_months,
                growth_pct=self.growth_pct,
                start=self.start,
            )
        except planner.PlannerError as exc:
            return [], list(exc.problems)
        return found, []


__all__ = [
    "HORIZONS",
    "MAX_PORTFOLIO_ROWS",
    "MAX_UPLOAD_BYTES",
    "PORTFOLIO_COLUMNS",
    "SAMPLE_PORTFOLIO",
    "OptionsQuery",
    "Portfolio",
]
