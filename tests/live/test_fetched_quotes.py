"""Quotes on a fetched catalog: no price.illustrative for fetched figures, the fetch date, price.stale."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

import planner

pytestmark = pytest.mark.usefixtures("credentials")

PURCHASE = {
    "region": "cn-north-4",
    "hosts": 100,
    "on": "2026-12-01",
    "action": "purchase",
    "target": {"edition": "professional", "billing_mode": "yearly_monthly", "quota": 100, "term": "1y"},
    "accept_disclaimer": True,
}


@pytest.fixture
def fetched(planner_run, fake, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "live"
    run = planner_run("catalog", "fetch", "--out", out, "--endpoint", fake.url, "--regions", "cn-north-4")
    assert run.code == 0, run.err
    return out


def _rules(result: planner.Quote) -> list[str]:
    return [w.rule for w in result.warnings]


def test_fetched_figures_carry_no_illustrative_warning(fetched):
    catalog = planner.load_catalog(fetched)
    today = catalog.fetched.date()  # type: ignore[union-attr]
    shipped = planner.quote(PURCHASE, today=today)
    assert "price.illustrative" in _rules(shipped)  # the shipped 1y factor is illustrative
    live = planner.quote(PURCHASE, catalog, today=today)
    assert live.ok and _rules(live) == []
    assert str(live.total) == "22440.00"  # 22 × 100 × 12 × 0.85, the fake's answer for 1 year
    assert live.to_dict()["catalog"]["fetched"] == catalog.pin()["fetched"]


def test_a_figure_kept_from_the_base_catalog_is_still_illustrative(fetched):
    catalog = planner.load_catalog(fetched)
    request = dict(PURCHASE, target=dict(PURCHASE["target"], packages={"security_orchestration": 100}))
    result = planner.quote(request, catalog, today=catalog.fetched.date())  # type: ignore[union-attr]
    assert result.ok
    assert [w.message.split(" is ")[0] for w in result.warnings if w.rule == "price.illustrative"] == [
        "the yearly/monthly price of security_orchestration (0.003 USD/executions/day/month)"
    ]


def test_an_old_catalog_warns_price_stale(fetched):
    catalog = planner.load_catalog(fetched)
    fetched_on = catalog.fetched.date()  # type: ignore[union-attr]
    assert "price.stale" not in _rules(planner.quote(PURCHASE, catalog, today=fetched_on + timedelta(days=90)))
    late = planner.quote(PURCHASE, catalog, today=fetched_on + timedelta(days=91))
    stale = [w for w in late.warnings if w.rule == "price.stale"]
    assert len(stale) == 1 and f"fetched from Huawei on {fetched_on}, 91 days ago (more than 90)" in stale[0].message
    assert "price.stale" not in _rules(planner.quote(PURCHASE, today=date(2030, 1, 1)))  # never for a shipped one


def test_the_age_is_configurable(fetched, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(fetched, copy)
    toml = copy / "catalog.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("stale_after_days = 90", "stale_after_days = 7"))
    catalog = planner.load_catalog(copy)
    assert catalog.stale_after_days == 7
    result = planner.quote(PURCHASE, catalog, today=catalog.fetched.date() + timedelta(days=8))  # type: ignore[union-attr]
    assert "price.stale" in _rules(result)


def test_the_quote_file_of_the_cli_names_the_fetch_date(fetched, planner_run, tmp_path):
    import json

    request = tmp_path / "r.json"
    request.write_text(json.dumps(PURCHASE), encoding="utf-8")
    run = planner_run("quote", request, "--catalog", fetched)
    assert run.code == 0, run.err
    assert json.loads(run.out)["catalog"]["fetched"].endswith("Z")
