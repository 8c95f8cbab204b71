"""``planner catalog diff``: prices, term factors, region offerings and limits (SPEC B8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import planner
from planner.live import diff_catalogs

SHIPPED = planner.DEFAULT_CATALOG_DIR


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """The shipped catalog with one change of each kind."""
    out = tmp_path / "edited"
    shutil.copytree(SHIPPED, out)
    toml = out / "catalog.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('1y = "0.83"', '1y = "0.8"').replace("quota_max = 10000 ", "quota_max = 5000 ")
    text = text.replace('professional = ["pay_per_use"] }', 'professional = ["pay_per_use", "yearly_monthly"] }')
    toml.write_text(text, encoding="utf-8")
    prices = out / "prices.csv"
    lines = prices.read_text(encoding="utf-8").splitlines()
    old, new = "*,professional,yearly_monthly,quota,month,22,", "*,professional,yearly_monthly,quota,month,23,"
    lines = [line.replace(old, new) for line in lines]
    lines.append("me-east-1,standard,yearly_monthly,quota,month,2.5,illustrative")
    prices.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_every_kind_of_change_is_listed(edited):
    changes = {
        (c.kind, c.key): (c.old, c.new) for c in diff_catalogs(planner.load_catalog(), planner.load_catalog(edited))
    }
    assert changes == {
        ("price", "professional yearly_monthly *"): ("22 USD/quota/month", "23 USD/quota/month"),
        ("price", "standard yearly_monthly me-east-1"): (
            "2.2 USD/quota/month",
            "2.5 USD/quota/month",
        ),
        ("term", "discount factor 1y"): ("0.83", "0.8"),
        ("offering", "ae-ad-1 professional"): ("pay_per_use", "pay_per_use, yearly_monthly"),
        ("limit", "quota_max"): ("10000", "5000"),
    }


def test_the_cli_prints_them_and_exits_0(edited, planner_run):
    run = planner_run("catalog", "diff", SHIPPED, edited)
    assert run.code == 0, run.err
    assert len(run.out.splitlines()) == 5
    assert "term     discount factor 1y" in run.out and "0.83 → 0.8" in run.out
    same = planner_run("catalog", "diff", SHIPPED, SHIPPED)
    assert same.code == 0 and same.out.endswith("no differences\n")


def test_a_broken_catalog_is_exit_2(planner_run, tmp_path):
    run = planner_run("catalog", "diff", SHIPPED, tmp_path)
    assert run.code == 2 and run.err_lines and "catalog.invalid" in run.err_lines[0]
