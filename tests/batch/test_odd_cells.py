"""Cells as a finance team's export writes them (full-width digits, ``+10``, ``1e3``, ``1,200``, spaces that
are not ASCII, ``TRUE``/``Yes``, dates like ``2024-6-8`` or ``20240608``, offsets, paid amounts with three
decimals…) in rows of every action near the rules' edges, on the USD, CNY and separate-term catalogs: every
row equals `planner quote` of the same request (SPEC B7), through `price_frame` and through the command in
small pieces with two workers. ``PLANNER_FUZZ_EXAMPLES`` scales the property (60 in CI)."""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner import cli

from .test_agreement import TODAY, assert_rows_agree

USD = planner.load_catalog()
CATALOGS = {
    "usd": USD,
    "cny": planner.load_catalog(Path(planner.DEFAULT_CATALOG_DIR).parent / "cn-cny"),
    "separate_term": dataclasses.replace(USD, quota_increase="separate_term"),
}
EXAMPLES = int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "60"))
RUNNING = dict(
    region="cn-north-4",
    hosts="100",
    on="2024-06-18",
    current_edition="standard",
    current_billing_mode="yearly_monthly",
    current_quota="100",
    current_term="1m",
    current_start="2024-06-08",
)
PPU = dict(RUNNING, current_edition="professional", current_billing_mode="pay_per_use", current_term="")
#: One valid row per action and billing mode, each near an edge (quota = hosts, the 10,000 maximum, the
#: expiry day, the grace period, a 31st + 1 month, 29 February, the 120-hour refund window).
BASES: list[dict[str, str]] = [
    dict(RUNNING, action="purchase", current_edition="", current_billing_mode="", current_quota="",
         current_term="", current_start="", target_edition="professional", target_billing_mode="yearly_monthly",
         target_quota="10000", hosts="10000", target_term="1y", on="2024-01-31"),
    dict(RUNNING, action="purchase", current_edition="", current_billing_mode="", current_quota="", current_term="",
         current_start="", target_edition="professional", target_billing_mode="pay_per_use", target_quota="100"),
    dict(RUNNING, action="upgrade", target_edition="professional"),
    dict(RUNNING, action="upgrade", target_edition="professional", target_quota="150", on="2024-07-08"),
    dict(RUNNING, action="increase_quota", target_quota="101", current_start="2024-01-31", current_term="1m",
         on="2024-02-29"),
    dict(PPU, action="increase_quota", target_quota="10000"),
    dict(RUNNING, action="renew", target_term="1y", on="2024-07-23"),
    dict(RUNNING, action="buy_package", target_package_data_collection="500", target_package_large_screen="1"),
    dict(PPU, action="change_billing_mode", target_billing_mode="yearly_monthly", target_term="3y"),
    dict(RUNNING, action="unsubscribe", current_paid="220.00", current_purchased_at="2024-06-08T10:00:00+08:00",
         on="2024-06-13"),
]  # fmt: skip
OPTIONAL = {
    "current_expires",
    "current_auto_renew",
    "target_auto_renew",
    "current_package_data_collection",
    "target_package_security_analysis",
}
COLUMNS = sorted({name for base in BASES for name in base} | OPTIONAL)
WHOLE = [
    "１２０",
    "+10",
    "010",
    "1e3",
    "12.0",
    "1,200",
    "1 000",
    "99999999999999999999",
    "-0",
    "+0",
    "10001",
    "0x10",
    "٣",
]
DAYS = ["2024-02-29", "2023-02-29", "2024-6-8", "20240608", "2024-06-08T00:00:00", "2024-06-08 00:00:00", "2024/06/08",
        "２０２４-06-08", "0001-01-01", "9999-12-31", "2024-160", "2024-07-08"]  # fmt: skip
WORDS = [
    "CN-NORTH-4",
    "Standard",
    "ｓｔａｎｄａｒｄ",
    "\u200bstandard",
    "1M",
    "1 m",
    "12m",
    "01m",
    "+1m",
    "１m",
    "basic",
]
BOOLS = ["TRUE", "Yes", "1", "0", "no", "y", "on", "ＴＲＵＥ", "1.0", "False"]
MOMENTS = ["2024-06-08T10:00:00", "2024-06-08T10:00:00Z", "2024-06-08T10:00:00+0800", "2024-06-08 10:00:00+08:00",
           "2024-06-08", "2024-06-08T10:00:00.5+08:00", "2024-06-08T10:00-12:00", "2024-06-08t10:00:00z"]  # fmt: skip
AMOUNTS = ["220.000", "220.001", "0.00", "-0", "+220", "1e2", "220.", ".5", "1,220.00", "NaN", "-0.00", "9" * 20]
KINDS = {
    "hosts": WHOLE, "current_quota": WHOLE, "target_quota": WHOLE, "target_package_data_collection": WHOLE,
    "current_package_data_collection": WHOLE, "target_package_security_analysis": WHOLE, "on": DAYS,
    "current_start": DAYS, "current_expires": DAYS, "region": WORDS, "current_edition": WORDS,
    "target_edition": WORDS, "current_term": WORDS, "target_term": WORDS, "action": WORDS,
    "current_auto_renew": BOOLS, "target_auto_renew": BOOLS, "current_purchased_at": MOMENTS, "current_paid": AMOUNTS,
    "current_billing_mode": WORDS, "target_billing_mode": WORDS,
}  # fmt: skip
SPACES = ["", " ", "\t", "\xa0", "\u3000", "\u2003", "\u200b", "\ufeff"]


@st.composite
def odd_rows(draw: st.DrawFn) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "") | draw(st.sampled_from(BASES))
    for name in draw(st.lists(st.sampled_from(list(KINDS)), min_size=1, max_size=3)):
        cell = draw(st.sampled_from([*KINDS[name], row[name], ""]))
        row[name] = draw(st.sampled_from(SPACES)) + cell + draw(st.sampled_from(SPACES))
    return row


def test_the_bases_are_valid_rows_of_every_action() -> None:
    frame = pd.DataFrame([dict.fromkeys(COLUMNS, "") | b for b in BASES], columns=COLUMNS, dtype="str")
    priced = planner.price_frame(frame, USD, today=TODAY)
    assert list(priced["ok"]) == ["true"] * len(BASES), list(priced["errors"])
    assert set(priced["action"]) == set(planner.ACTIONS)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(odd_rows(), min_size=1, max_size=30), st.sampled_from(list(CATALOGS)))
def test_odd_cells_agree_with_planner_quote(drawn: list[dict[str, str]], catalog: str) -> None:
    assert_rows_agree(pd.DataFrame(drawn, columns=COLUMNS, dtype="str"), CATALOGS[catalog])


def test_every_odd_cell_in_every_column_of_every_base_agrees() -> None:
    """The table in full: each odd cell alone, with and without odd white space around it."""
    rows = []
    for base in BASES:
        for name, cells in KINDS.items():
            for cell in cells:
                for pad in ("", "\xa0 \t"):
                    rows.append(dict.fromkeys(COLUMNS, "") | base | {name: pad + cell + pad})
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype="str")
    assert_rows_agree(frame, CATALOGS["cny"])


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_odd_cells_in_a_file_cut_in_pieces_for_two_workers(
    line_end: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner import _batch_io

    rows = [dict.fromkeys(COLUMNS, "") | base | {name: f" {cell}\xa0"}
            for base in BASES for name, cells in KINDS.items() for cell in cells]  # fmt: skip
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype="str")
    frame["note"] = [f'row {k}, "quoted"{line_end}on two lines' if k % 3 == 0 else "" for k in range(len(frame))]
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(b"\xef\xbb\xbf" + frame.to_csv(index=False, lineterminator=line_end).encode())
    monkeypatch.setattr(_batch_io, "CSV_BLOCK_BYTES", 8 << 10)
    monkeypatch.setattr(_batch_io, "POOL_MIN_BYTES", 0)

    assert (
        cli.main(["batch", str(source), "-o", str(out), "--jobs", "2", "--catalog", str(planner.DEFAULT_CATALOG_DIR)])
        == 0
    )

    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    expected = planner.price_frame(frame, USD, today=date.today())
    pd.testing.assert_frame_equal(written, expected.astype(str), check_dtype=False)
