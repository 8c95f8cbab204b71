"""Rows that break rules are decided in the batch engine (:mod:`planner._batch_rules`), with the codes the
single path gives them, and without the single path.

``invalid_rows.csv`` is itself a batch file: one invalid row per rule the engine decides (and pairs of
broken rules), each with ``why`` in plain words and the codes ``planner quote`` gives the same request
(``expect_errors``, ``expect_warnings``; ``;``-separated, in the single path's order). Its rows have an
``on``, so they do not depend on the day the test runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import planner
from planner import _batch_frame
from planner._batch import request_of_row
from planner._batch_frame import quote_columns

from .rule_sites import counting_sites, sites

CATALOG = planner.load_catalog()
TABLE = Path(__file__).with_name("invalid_rows.csv")
#: Checks the engine transcribes from the single path that no request can reach with the shipped domain.
UNREACHABLE = {
    # Only professional is sold pay-per-use, and no edition ranks above it: an upgrade of a pay-per-use
    # subscription stops at upgrade.same_edition / edition.downgrade before its term is looked at.
    ("same_term", "term.pay_per_use"),
}


def read_table() -> pd.DataFrame:
    return pd.read_csv(TABLE, dtype=str, keep_default_na=False)


def test_every_invalid_row_gets_the_single_paths_codes_without_reaching_it(monkeypatch: pytest.MonkeyPatch) -> None:
    table = read_table()
    sent: list[Any] = []
    monkeypatch.setattr(_batch_frame, "quote", lambda request, *args, **kwargs: sent.append(request))
    with counting_sites(monkeypatch) as hits:
        priced = planner.price_frame(table, CATALOG)

    assert sent == []  # not one row went to planner.quote
    for (_, row), (_, out) in zip(table.iterrows(), priced.iterrows(), strict=True):
        expected = ("false", "", "", row["expect_errors"], row["expect_warnings"])
        assert (out["ok"], out["total"], out["expires"], out["errors"], out["warnings"]) == expected, row["why"]
    # every check the engine holds decided at least one of these rows (or cannot be reached at all)
    silent = {site: said for site, said in sites().items() if not hits[site]}
    assert set(silent.values()) == UNREACHABLE, silent


def test_the_table_says_what_the_single_path_says() -> None:
    """The expected codes are planner quote's own, row by row (the table cannot drift from the rules)."""
    for _, row in read_table().iterrows():
        request = request_of_row({k: v for k, v in row.items() if not k.startswith("expect_") and k != "why"})
        result = quote_columns(planner.quote(request, CATALOG))
        assert result == ("false", "", "", row["expect_errors"], row["expect_warnings"]), row["why"]


def test_each_vectorised_code_and_every_action_is_in_the_table() -> None:
    table = read_table()
    said_by_rows = [*table["expect_errors"], *table["expect_warnings"]]
    codes = {code for cell in said_by_rows for code in cell.split(";") if code}
    assert set(table["action"]) >= set(planner.ACTIONS)
    said = {code for _, code in sites().values() if "." in code and " " not in code}
    assert said - codes == set()
    assert (table["expect_errors"].str.count(";") >= 1).sum() >= 10  # rows that break two rules or more


def test_rows_of_a_shape_the_engine_does_not_read_still_go_to_the_single_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A wrong answer is never acceptable, a slow one is: odd cells are left to planner.quote."""
    table = read_table().head(3).copy()
    table.loc[0, "hosts"] = "+10"  # a number with its sign: read as 10 by the single path only
    table.loc[1, "region"] = " cn-north-4"  # stripped by the single path, not compared as it is here
    table.loc[2, "current_purchased_at"] = "2025-01-10T02:00:00Z"  # another clock than the catalog's
    sent: list[Any] = []
    original = _batch_frame.quote

    def counting(request: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(request)
        return original(request, *args, **kwargs)

    monkeypatch.setattr(_batch_frame, "quote", counting)
    priced = planner.price_frame(table, CATALOG)
    assert len(sent) == 3
    assert priced["errors"].tolist()[0] == "region.unknown"
    assert priced["ok"].tolist()[1] == "true"  # the region's spaces go: the renewal is priced
