"""Plain models behind the options and renewals pages (no widgets here; pandas only for the portfolio).

:class:`OptionsQuery` asks :func:`planner.options` for every way to cover N hosts. :class:`Portfolio` reads
a CSV of running subscriptions and prices each one's renewal with :func:`planner.quote` (action ``renew``):
the rows' dates come from the file, and every amount from the core.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import planner
from planner import Catalog, Problem

from ._fields import parse_percent

if TYPE_CHECKING:
    import pandas as pd

HORIZONS: tuple[int, ...] = (12, 24, 36, 48, 60)
SAMPLE_PORTFOLIO = Path(planner.__file__).resolve().parent.parent / "data" / "portfolio-sample.csv"
PORTFOLIO_COLUMNS: tuple[str, ...] = (
    "name",
    "region",
    "edition",
    "billing_mode",
    "quota",
    "hosts",
    "term",
    "start",
    "expires",
    "auto_renew",
)
MAX_PORTFOLIO_ROWS = 500  # an uploaded file is read in the visitor's kernel: keep it bounded
MAX_UPLOAD_BYTES = 1_000_000


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


# -- renewals ----------------------------------------------------------------------------------------
@dataclass
class Portfolio:
    """Subscriptions read from a CSV, each with its renewal quote for ``term``."""

    catalog: Catalog
    frame: pd.DataFrame
    term: str = "1y"
    on: date | None = None
    problems: list[Problem] = field(default_factory=list)  # about the file itself
    quotes: list[Any] = field(default_factory=list)  # one Quote (or None) per row
    requests: list[dict[str, Any] | None] = field(default_factory=list)

    @classmethod
    def read(
        cls,
        source: str | os.PathLike[str] | bytes | None,
        catalog: Catalog,
        *,
        term: str = "1y",
        on: date | None = None,
    ) -> Portfolio:
        """Read a portfolio CSV (a path, uploaded bytes, or ``None`` for the sample in data/)."""
        import pandas as pd

        problems: list[Problem] = []
        frame = pd.DataFrame(columns=list(PORTFOLIO_COLUMNS))
        try:
            if isinstance(source, bytes):
                if len(source) > MAX_UPLOAD_BYTES:
                    raise ValueError(f"the file is larger than {MAX_UPLOAD_BYTES // 1000} kB")
                raw = pd.read_csv(io.BytesIO(source), dtype=str, keep_default_na=False)
            else:
                raw = pd.read_csv(source or SAMPLE_PORTFOLIO, dtype=str, keep_default_na=False)
        except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            problems.append(Problem("request.malformed", "portfolio", f"cannot read the CSV: {exc}"))
        else:
            raw.columns = [str(c).strip() for c in raw.columns]
            missing = [c for c in PORTFOLIO_COLUMNS if c not in raw.columns and c != "name"]
            if missing:
                problems.append(Problem("request.malformed", "portfolio", f"missing columns: {', '.join(missing)}"))
            elif len(raw) > MAX_PORTFOLIO_ROWS:
                problems.append(Problem("request.malformed", "portfolio", f"more than {MAX_PORTFOLIO_ROWS} rows"))
            else:
                if "name" not in raw.columns:
                    raw.insert(0, "name", [f"row {i + 2}" for i in range(len(raw))])
                frame = raw[list(PORTFOLIO_COLUMNS)].map(lambda v: str(v).strip())
        portfolio = cls(catalog=catalog, frame=frame.reset_index(drop=True), term=term, on=on, problems=problems)
        portfolio.price()
        return portfolio

    def renew_request(self, row: Any, *, accept: bool = False) -> dict[str, Any]:
        """The SPEC B2 renewal request for one row (text cells become the request's types)."""
        current: dict[str, Any] = {
            "edition": row["edition"],
            "billing_mode": row["billing_mode"],
            "quota": _int(row["quota"]),
            "start": row["start"],
        }
        if row["term"]:
            current["term"] = row["term"]
        if row["expires"]:
            current["expires"] = row["expires"]
        current["auto_renew"] = _flag(row["auto_renew"]) is True
        request: dict[str, Any] = {
            "region": row["region"],
            "hosts": _int(row["hosts"]) if row["hosts"] else _int(row["quota"]),
            "action": "renew",
            "current": current,
            "target": {"term": self.term},
            "accept_disclaimer": accept,
        }
        if self.on is not None:
            request["on"] = self.on.isoformat()
        tag = row["name"]
        if tag:
            request["tags"] = {"subscription": tag[:255]}
        return request

    def price(self) -> None:
        """Quote every row's renewal (the core prices; nothing is computed here)."""
        self.quotes, self.requests = [], []
        for _, row in self.frame.iterrows():
            request = self.renew_request(row)
            self.requests.append(request)
            self.quotes.append(planner.quote(request, self.catalog, today=self.on))

    def rows(self) -> pd.DataFrame:
        """One row per subscription: dates, the renewal cost (or its errors), and the lifecycle windows."""
        import pandas as pd

        records = []
        for index, ((_, row), quote) in enumerate(zip(self.frame.iterrows(), self.quotes, strict=True)):
            expires = _date(row["expires"])
            stages = planner.Lifecycle.of(self.catalog, expires) if expires else None
            auto_renew = _flag(row["auto_renew"]) is True
            data = quote.to_dict()
            problems = self.row_problems(row, quote)
            records.append(
                {
                    "line": index + 2,  # the file's line: line 1 is the header
                    "name": row["name"],
                    "region": row["region"],
                    "edition": row["edition"],
                    "quota": row["quota"],
                    "hosts": row["hosts"],
                    "term": row["term"],
                    "label": f"{row['name']} · {row['region']}",
                    "start": _date(row["start"]),
                    "expires": expires,
                    "grace_ends": stages.grace_ends if stages else None,
                    "retention_ends": stages.retention_ends if stages else None,
                    "auto_renew": auto_renew,
                    # The charge that renews the running term (lead days before its expiry) [A4].
                    "auto_renew_charge": stages.auto_renew_charge if stages and auto_renew else None,
                    "renewal_cost": Decimal(data["total"]) if quote.ok and data.get("total") else None,
                    "new_expiry": _date(data.get("expires", "")),
                    "ok": bool(quote.ok) and not problems,
                    "problems": "; ".join(problems),
                    # What the renewal order will carry that the reader should know (grace period, hosts
                    # above the quota): the core's warnings, in its words.
                    "notes": "; ".join(w.message for w in quote.warnings if w.rule not in _NOT_NOTES),
                    "illustrative": quote.illustrative,
                }
            )
        return pd.DataFrame.from_records(records, columns=_ROW_COLUMNS)

    def row_problems(self, row: Any, quote: Any) -> list[str]:
        """What is wrong with one line of the file, naming the column in plain words; the core's rules, read
        back to the column they came from, plus the cells only this page reads (``auto_renew``)."""
        problems = []
        if _flag(row["auto_renew"]) is None:
            problems.append(f"column auto_renew: “{row['auto_renew'][:40]}” is not true or false")
        for p in quote.errors:
            column = _COLUMN_OF.get(p.field, "")
            where = f"column {column}: " if column else ""
            problems.append(f"{where}{p.message} ({p.rule})")
        return problems

    def cost_by_region(self) -> pd.DataFrame:
        """Renewal cost per region (renewable rows only), with Decimal sums; the total is their sum."""
        import pandas as pd

        rows = self.rows()
        rows = rows[rows["ok"]]
        sums: dict[str, Decimal] = {}
        counts: dict[str, int] = {}
        for region, cost in zip(rows["region"], rows["renewal_cost"], strict=True):
            sums[region] = sums.get(region, Decimal(0)) + cost
            counts[region] = counts.get(region, 0) + 1
        return pd.DataFrame(
            {"region": list(sums), "subscriptions": [counts[r] for r in sums], "cost": list(sums.values())}
        )

    def total(self) -> Decimal:
        return sum(self.cost_by_region()["cost"], Decimal(0))

    def export(
        self, out_dir: str | os.PathLike[str], *, accept_disclaimer: bool
    ) -> tuple[list[Any], list[tuple[str, list[Problem]]]]:
        """Write one renewal order per renewable row; return the files and, per skipped row, why."""
        written, skipped = [], []
        for (_, row), quote in zip(self.frame.iterrows(), self.quotes, strict=True):
            if not quote.ok or _flag(row["auto_renew"]) is None:
                skipped.append((row["name"], list(quote.errors) or [Problem("request.malformed", "auto_renew", "")]))
                continue
            try:
                request = self.renew_request(row, accept=accept_disclaimer)  # the core refuses it unless accepted
                written.append(planner.export_order(request, out_dir, self.catalog))
            except planner.PlannerError as exc:
                skipped.append((row["name"], exc.problems))
        return written, skipped


_ROW_COLUMNS = [
    "line",
    "name",
    "region",
    "edition",
    "quota",
    "hosts",
    "term",
    "label",
    "start",
    "expires",
    "grace_ends",
    "retention_ends",
    "auto_renew",
    "auto_renew_charge",
    "renewal_cost",
    "new_expiry",
    "ok",
    "problems",
    "notes",
    "illustrative",
]

#: A renewal request's fields and the portfolio column each comes from (to name the column of a problem).
_COLUMN_OF = {
    "region": "region",
    "hosts": "hosts",
    "current.edition": "edition",
    "current.billing_mode": "billing_mode",
    "current.quota": "quota",
    "current.term": "term",
    "current.start": "start",
    "current.expires": "expires",
    "current": "edition",
    "tags.subscription": "name",  # the renewal order is tagged with the row's name
}
#: Warnings every row has (the disclaimer is accepted at export) or that the page shows once, as a banner.
_NOT_NOTES = {"disclaimer.not_accepted", "price.illustrative"}


def _flag(text: str) -> bool | None:
    """``auto_renew`` as written in the file: true/false (yes/no, 1/0, or empty for false); else ``None``."""
    value = text.strip().lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0", ""):
        return False
    return None


def _int(text: str) -> int | str:
    # A cell that is not a whole number goes to the core as text, which reports it as the field's rule.
    try:
        return int(text)
    except ValueError:
        return text


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
