"""The model behind the Renewals page: a CSV of running subscriptions, priced as one SPEC B7 frame.

:class:`Portfolio` turns the file's rows into renewal rows of SPEC B7 (``action=renew`` for ``term``) and
prices them all with one call of :func:`planner.price_frame`, the function under ``planner batch``: every
amount and date the page shows is that frame's. The frame answers with rule codes; the page shows them in
the core's words, asking :func:`planner.explain_row` (the core's checks, no pricing) only for rows whose
codes need words. What a B7 row cannot carry — the order's ``subscription`` tag, taken from the row's
name — is checked with :func:`planner.tag_problems`, the core's tag rules.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import planner
from planner import Catalog, Problem
from planner._batch import request_of_row

if TYPE_CHECKING:
    import pandas as pd

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

#: Each SPEC B7 column of a renewal row and the portfolio column it is read from.
_B7_OF_COLUMN = {
    "region": "region",
    "hosts": "hosts",
    "current_edition": "edition",
    "current_billing_mode": "billing_mode",
    "current_quota": "quota",
    "current_term": "term",
    "current_start": "start",
    "current_expires": "expires",
}
#: The page's own columns, passed through the priced frame untouched (B7 keeps unknown columns).
_PASSED_THROUGH = ("name", "auto_renew")


@dataclass
class Portfolio:
    """Subscriptions read from a CSV, each with its renewal for ``term`` priced by :func:`planner.price_frame`."""

    catalog: Catalog
    frame: pd.DataFrame
    term: str = "1y"
    on: date | None = None
    problems: list[Problem] = field(default_factory=list)  # about the file itself
    #: The B7 frame as :func:`planner.price_frame` answers it, one row per subscription (set by :meth:`price`).
    priced: pd.DataFrame | None = field(default=None, init=False, repr=False)
    #: Per row: why it cannot be renewed (the core's problems, and the cells only this page reads).
    errors: list[list[Problem]] = field(default_factory=list, init=False, repr=False)
    _rows: pd.DataFrame | None = field(default=None, init=False, repr=False)

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

    # -- pricing: one frame, one call ----------------------------------------------------------------
    def renewal_frame(self) -> pd.DataFrame:
        """The portfolio as SPEC B7 renewal rows for ``term``, the page's own columns passed through.

        An empty ``hosts`` cell means the quota's worth of hosts; ``auto_renew`` is passed as read by
        this page (an unreadable flag renews by hand and is reported by the page, as the file's problem).
        """
        import pandas as pd

        f = self.frame
        b7 = pd.DataFrame({b7_name: f[column] for b7_name, column in _B7_OF_COLUMN.items()}, dtype=object)
        b7["hosts"] = f["hosts"].where(f["hosts"] != "", f["quota"])
        b7.insert(2, "on", self.on.isoformat() if self.on else "")
        b7.insert(3, "action", "renew")
        b7["current_auto_renew"] = ["true" if _flag(v) else "false" for v in f["auto_renew"]]
        b7["target_term"] = self.term
        for column in _PASSED_THROUGH:
            b7[column] = f[column]
        return b7.reset_index(drop=True)

    def price(self) -> None:
        """Price every row's renewal with one :func:`planner.price_frame` call; nothing is computed here."""
        self.priced = planner.price_frame(self.renewal_frame(), self.catalog, today=self.on)
        self._rows = None
        self._rows = self._read_priced()

    def request(self, index: int, *, accept: bool = False) -> dict[str, Any]:
        """The SPEC B2 request of row ``index``: the priced B7 row as the core reads it, tagged with the name."""
        assert self.priced is not None
        row = self.priced.iloc[index]
        request = request_of_row(row.to_dict())  # the page's own columns are not request fields: left out
        tags = self._tags(str(row["name"]))
        if tags:
            request["tags"] = tags
        request["accept_disclaimer"] = accept
        return request

    # -- reading the priced frame back -----------------------------------------------------------------
    def rows(self) -> pd.DataFrame:
        """One row per subscription: dates, the renewal cost (or why not), and the lifecycle windows."""
        if self._rows is None:
            self._rows = self._read_priced()
        return self._rows

    def _read_priced(self) -> pd.DataFrame:
        import pandas as pd

        assert self.priced is not None
        records, self.errors = [], []
        for index, ((_, row), (_, out)) in enumerate(zip(self.frame.iterrows(), self.priced.iterrows(), strict=True)):
            expires = _date(row["expires"])
            stages = planner.Lifecycle.of(self.catalog, expires) if expires else None
            auto_renew = _flag(row["auto_renew"]) is True
            errors, notes = self._words(out)
            errors += self._page_problems(row)
            self.errors.append(errors)
            priced_ok = out["ok"] == "true"
            warnings = _codes(out["warnings"])
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
                    "renewal_cost": Decimal(out["total"]) if priced_ok and out["total"] else None,
                    "new_expiry": _date(out["expires"]),
                    "ok": priced_ok and not errors,
                    "problems": "; ".join(_column_words(p) for p in errors),
                    # What the renewal order will carry that the reader should know (grace period, hosts
                    # above the quota): the core's warnings, in its words.
                    "notes": "; ".join(p.message for p in notes),
                    "illustrative": ILLUSTRATIVE in warnings,
                }
            )
        return pd.DataFrame.from_records(records, columns=_ROW_COLUMNS)

    def _words(self, out: Any) -> tuple[list[Problem], list[Problem]]:
        """The row's error codes and note codes (from the priced frame) in the core's words."""
        error_codes = _codes(out["errors"])
        note_codes = [c for c in _codes(out["warnings"]) if c not in _NOT_NOTES]
        if not error_codes and not note_codes:
            return [], []
        said = planner.explain_row(out.to_dict(), self.catalog, today=self.on)
        errors = [p for p in said.errors if p.rule in error_codes]
        notes = [p for p in said.warnings if p.rule in note_codes]
        # A code the core's checks did not put in words (one only pricing finds) still shows, as the rule.
        errors += [Problem(c, "", planner.RULES.get(c, c)) for c in error_codes if c not in {p.rule for p in errors}]
        notes += [Problem(c, "", planner.RULES.get(c, c)) for c in note_codes if c not in {p.rule for p in notes}]
        return errors, notes

    def _page_problems(self, row: Any) -> list[Problem]:
        """What only this page reads: the ``auto_renew`` cell, and the name as the orders' tag."""
        problems = []
        if _flag(row["auto_renew"]) is None:
            problems.append(
                Problem("request.malformed", "auto_renew", f"“{row['auto_renew'][:40]}” is not true or false")
            )
        tags = self._tags(row["name"])
        if tags:
            problems += planner.tag_problems(tags, self.catalog)
        return problems

    @staticmethod
    def _tags(name: str) -> dict[str, str]:
        return {"subscription": name[:255]} if name else {}  # the renewal order is tagged with the row's name

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
        """Write one renewal order per renewable row; return the files and, per skipped row, why.

        Each order is :func:`planner.export_order` of the row's request (it writes the files, with the full
        quote); its amounts are the ones the page shows, which the tests hold it to.
        """
        written, skipped = [], []
        for index, row in enumerate(self.rows().itertuples()):
            if not row.ok:
                skipped.append((str(row.name), self.errors[index]))
                continue
            try:  # the core refuses it unless the disclaimer is accepted
                written.append(
                    planner.export_order(self.request(index, accept=accept_disclaimer), out_dir, self.catalog)
                )
            except planner.PlannerError as exc:
                skipped.append((str(row.name), exc.problems))
        return written, skipped


ILLUSTRATIVE = "price.illustrative"

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
    "auto_renew": "auto_renew",
    "tags.subscription": "name",  # the renewal order is tagged with the row's name
}
#: Warnings every row has (the disclaimer is accepted at export) or that the page shows once, as a banner.
_NOT_NOTES = {"disclaimer.not_accepted", ILLUSTRATIVE}


def _column_words(problem: Problem) -> str:
    """A problem named by the file's column it came from, in the core's words with its rule code."""
    column = _COLUMN_OF.get(problem.field, "")
    where = f"column {column}: " if column else ""
    if problem.field == "auto_renew":  # this page's own reading of the cell, not a rule of the core
        return f"{where}{problem.message}"
    return f"{where}{problem.message} ({problem.rule})"


def _codes(text: str) -> list[str]:
    return [c for c in str(text).split(";") if c]


def _flag(text: str) -> bool | None:
    """``auto_renew`` as written in the file: true/false (yes/no, 1/0, or empty for false); else ``None``."""
    value = text.strip().lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0", ""):
        return False
    return None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
