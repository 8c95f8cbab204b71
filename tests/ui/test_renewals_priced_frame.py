"""The Renewals page prices its portfolio with one ``planner.price_frame`` call (issue 9), and agrees with
``planner.quote`` of each row's renewal, to the cent.

The portfolios: the shipped sample, and ``portfolios/bad-rows.csv`` — one row per kind of trouble, with the
rule code (or column) each row must be refused for (``expect``) and why, as data a reviewer can read.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import planner
import planner._quote as single_path
from planner.ui._portfolio import SAMPLE_PORTFOLIO, Portfolio
from planner.ui.renewals import RenewalsView

TODAY = date(2026, 11, 26)
BAD_ROWS = Path(__file__).parent / "portfolios" / "bad-rows.csv"
PORTFOLIOS = {"sample": SAMPLE_PORTFOLIO, "bad-rows": BAD_ROWS}
NOT_NOTES = {"disclaimer.not_accepted", "price.illustrative"}


def renewal_request(row: dict[str, str], term: str) -> dict[str, Any]:
    """The test's own reading of a portfolio line as the SPEC B2 renewal a person would write (the oracle)."""

    def number(text: str) -> int | str:
        return int(text) if text.strip().lstrip("-").isdigit() else text

    current: dict[str, Any] = {
        "edition": row["edition"],
        "billing_mode": row["billing_mode"],
        "quota": number(row["quota"]),
        "start": row["start"],
        "auto_renew": row["auto_renew"].lower() in ("true", "yes", "1"),
    }
    for key in ("term", "expires"):
        if row[key]:
            current[key] = row[key]
    return {
        "region": row["region"],
        "hosts": number(row["hosts"] or row["quota"]),
        "on": TODAY.isoformat(),
        "action": "renew",
        "current": current,
        "target": {"term": term},
        "tags": {"subscription": row["name"]},
    }


def lines(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("term", ["1y", "3m"])
@pytest.mark.parametrize("name", list(PORTFOLIOS))
def test_the_page_shows_price_frame_and_planner_quote_to_the_cent(name: str, term: str) -> None:
    catalog = planner.load_catalog()
    portfolio = Portfolio.read(PORTFOLIOS[name], catalog, term=term, on=TODAY)
    rows = portfolio.rows()
    priced = planner.price_frame(portfolio.renewal_frame(), catalog, today=TODAY)
    sums: dict[str, Decimal] = {}
    for line, page, (_, frame_row) in zip(lines(PORTFOLIOS[name]), rows.itertuples(), priced.iterrows(), strict=True):
        quote = planner.quote(renewal_request(line, term), catalog, today=TODAY)
        # The frame: each row's cost and new expiry are its total and expires, whatever the page makes of it.
        assert page.renewal_cost == (Decimal(frame_row["total"]) if frame_row["total"] else None), page.name
        assert str(page.new_expiry or "") == frame_row["expires"], page.name
        # The single path: the same renewal, written by hand, is ok exactly where the page renews it.
        flag_read = line["auto_renew"].lower() in ("true", "yes", "1", "false", "no", "0", "")
        assert page.ok == (quote.ok and flag_read), page.name
        if page.ok:
            assert page.renewal_cost == quote.total and page.new_expiry == quote.expires, page.name
            assert page.notes == "; ".join(w.message for w in quote.warnings if w.rule not in NOT_NOTES)
            assert page.illustrative == quote.illustrative
            sums[page.region] = sums.get(page.region, Decimal(0)) + quote.total
        for error in quote.errors:  # every broken rule, in the core's words, with its code
            assert f"{error.message} ({error.rule})" in page.problems, page.name
    by_region = portfolio.cost_by_region()
    assert dict(zip(by_region["region"], by_region["cost"], strict=True)) == sums
    assert portfolio.total() == sum(sums.values(), Decimal(0))
    renewable = priced[rows["ok"].to_numpy()]
    assert portfolio.total() == sum((Decimal(t) for t in renewable["total"]), Decimal(0))
    assert all(isinstance(cost, Decimal) for cost in by_region["cost"])


def test_each_bad_row_is_refused_for_its_rule_and_named_by_its_column() -> None:
    portfolio = Portfolio.read(BAD_ROWS, planner.load_catalog(), on=TODAY)
    for line, page in zip(lines(BAD_ROWS), portfolio.rows().itertuples(), strict=True):
        if line["expect"] == "ok":
            assert page.ok and page.problems == "", (line["name"], line["why"])
            continue
        assert not page.ok, (line["name"], line["why"])
        assert line["expect"] in page.problems, (line["name"], line["why"], page.problems)
    rows = portfolio.rows().set_index("name")
    assert "column auto_renew: “maybe” is not true or false" in rows.loc["odd-flag", "problems"]
    assert rows.loc["<b>bold</b>", "problems"].startswith("column name: the value of tag 'subscription'")
    assert "column quota" in rows.loc["ten", "problems"] and "column start" in rows.loc["odd-date", "problems"]


def test_the_portfolio_is_priced_by_one_price_frame_call_and_no_quote(monkeypatch) -> None:
    calls = {"price_frame": 0, "quote": 0}
    price_frame = planner.price_frame

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls["price_frame"] += 1
        return price_frame(*args, **kwargs)

    def no_quote(*args: Any, **kwargs: Any) -> Any:
        calls["quote"] += 1
        raise AssertionError("the Renewals page prices through planner.price_frame, not planner.quote")

    monkeypatch.setattr(planner, "price_frame", counted)
    monkeypatch.setattr(planner, "quote", no_quote)
    monkeypatch.setattr(single_path, "quote", no_quote)
    view = RenewalsView.start(today=TODAY, portfolio=BAD_ROWS)
    assert calls == {"price_frame": 1, "quote": 0}
    view.term.value = "2y"
    assert calls == {"price_frame": 2, "quote": 0}
    assert view.portfolio.total() > 0 and "Renewing 4 subscriptions" in view.total.value


def test_exported_orders_carry_the_amounts_the_page_shows(tmp_path) -> None:
    portfolio = Portfolio.read(BAD_ROWS, planner.load_catalog(), term="2y", on=TODAY)
    written, skipped = portfolio.export(tmp_path, accept_disclaimer=True)
    rows = portfolio.rows().set_index("name")
    renewable = rows[rows["ok"]]
    assert len(written) == len(renewable)  # one order per renewable row
    for files in written:
        order = json.loads(files.json_path.read_text(encoding="utf-8"))
        row = renewable.loc[order["tags"]["subscription"]]
        assert (order["action"], Decimal(order["total"]), order["expires"]) == (
            "renew",
            row["renewal_cost"],
            row["new_expiry"].isoformat(),
        )
    assert {name for name, _ in skipped} == set(rows.index[~rows["ok"]])
    assert all(problems for _, problems in skipped)  # each says why
