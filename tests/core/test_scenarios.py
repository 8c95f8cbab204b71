"""Golden billing scenarios (STYLE: Lago's golden scenarios): each case is data in ``scenarios/*.json``.

A file holds ``{"about": …, "scenarios": [...]}``; each scenario has ``name``, ``why`` (the rule and its
source), ``request`` (SPEC B2, always with ``on``), optional ``catalog`` (a folder under ``data/``),
``expect`` and ``math`` (the expected amounts worked out by hand, independently of the planner).

``expect`` when ``ok`` is true:
  ``lines``: in order, each with ``item``, ``amount`` and whichever of ``quantity``, ``periods``,
  ``discount``, ``hourly``, ``monthly_estimate`` matter; ``total``; ``expires``, ``quota_expires``,
  ``auto_renew_charge``, ``hourly``, ``monthly_estimate`` (a missing or null one must be absent); optional
  ``currency`` and ``refund`` (a subset of the refund's parts); ``warnings``: the exact set of warning rules.
``expect`` when ``ok`` is false: ``errors``: every rule expected (the set must match exactly), each
optionally with the ``field`` it must be reported on.

A scenario whose ``xfail`` holds a reason documents a known core bug: it runs as a strict xfail.
"""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import planner

SCENARIOS_DIR = Path(__file__).parent / "scenarios"
DATA_DIR = Path(__file__).resolve().parents[2] / "data"
OPTIONAL_FACTS = ("expires", "quota_expires", "auto_renew_charge", "hourly", "monthly_estimate")
SCENARIO_KEYS = {"name", "why", "request", "catalog", "catalog_settings", "expect", "math", "xfail"}


def load_scenarios() -> list[dict[str, Any]]:
    found = []
    for path in sorted(SCENARIOS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for scenario in data["scenarios"]:
            scenario["file"] = path.name
            found.append(scenario)
    return found


SCENARIOS = load_scenarios()


@cache
def catalog_named(name: str) -> planner.Catalog:
    return planner.load_catalog(DATA_DIR / name)


def catalog_for(scenario: dict[str, Any], tmp_path: Path) -> planner.Catalog:
    """The scenario's catalog; with ``catalog_settings``, a copy with those top-level keys changed."""
    name = scenario.get("catalog", "intl-usd")
    settings = scenario.get("catalog_settings")
    if not settings:
        return catalog_named(name)
    folder = tmp_path / name
    shutil.copytree(DATA_DIR / name, folder)
    toml = folder / "catalog.toml"
    text = toml.read_text(encoding="utf-8")
    for key, value in settings.items():
        text, count = re.subn(rf"(?m)^{re.escape(key)} = \S+", f"{key} = {json.dumps(value)}", text, count=1)
        assert count == 1, f"catalog.toml has no top-level {key}"
    toml.write_text(text, encoding="utf-8")
    catalog = planner.load_catalog(folder)
    for key, value in settings.items():
        assert getattr(catalog, key) == value
    return catalog


def _params() -> list[Any]:
    params = []
    for scenario in SCENARIOS:
        marks = []
        if scenario.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=f"core bug: {scenario['xfail']}"))
        params.append(pytest.param(scenario, id=scenario["name"], marks=marks))
    return params


def test_scenario_files_are_well_formed() -> None:
    names = [s["name"] for s in SCENARIOS]
    assert len(SCENARIOS) >= 100, f"only {len(SCENARIOS)} scenarios"
    assert len(names) == len(set(names)), "scenario names must be unique"
    for scenario in SCENARIOS:
        where = f"{scenario['file']}: {scenario.get('name')}"
        assert set(scenario) - {"file"} <= SCENARIO_KEYS, where
        assert {"name", "why", "request", "expect", "math"} <= set(scenario), where
        assert scenario["request"].get("on"), f"{where}: always give `on`"
        assert scenario["why"].strip() and scenario["math"].strip(), where


def _explain(scenario: dict[str, Any], got: dict[str, Any]) -> str:
    got_lines = [
        {k: line.get(k) for k in ("item", "quantity", "periods", "discount", "amount", "math")}
        for line in got.get("lines", [])
    ]
    return (
        f"\nscenario {scenario['name']} ({scenario['file']})\nwhy: {scenario['why']}\n"
        f"expected math: {scenario['math']}\n"
        f"got: ok={got['ok']} total={got.get('total')} expires={got.get('expires')}\n"
        f"got lines: {json.dumps(got_lines, ensure_ascii=False, indent=1)}\n"
        f"got errors: {[(e['rule'], e['field']) for e in got['errors']]}\n"
        f"got warnings: {sorted({w['rule'] for w in got['warnings']})}"
    )


@pytest.mark.parametrize("scenario", _params())
def test_scenario(scenario: dict[str, Any], tmp_path: Path) -> None:
    catalog = catalog_for(scenario, tmp_path)
    got = planner.quote(scenario["request"], catalog).to_dict()
    expect = scenario["expect"]
    why = _explain(scenario, got)

    assert got["ok"] is expect["ok"], why
    if not expect["ok"]:
        assert got["lines"] == [] and got["total"] is None, why
        assert sorted({e["rule"] for e in got["errors"]}) == sorted({e["rule"] for e in expect["errors"]}), why
        reported = {(e["rule"], e["field"]) for e in got["errors"]}
        for error in expect["errors"]:
            if "field" in error:
                assert (error["rule"], error["field"]) in reported, f"{error} not reported{why}"
        return

    assert got["errors"] == [], why
    if "currency" in expect:
        assert got["currency"] == expect["currency"], why
    assert len(got["lines"]) == len(expect["lines"]), why
    for index, (line, wanted) in enumerate(zip(got["lines"], expect["lines"], strict=True)):
        for key, value in wanted.items():
            assert line.get(key) == value, f"line {index} {key}: expected {value}, got {line.get(key)}{why}"
    assert got["total"] == expect["total"], why
    for key in OPTIONAL_FACTS:
        assert got.get(key) == expect.get(key), f"{key}: expected {expect.get(key)}, got {got.get(key)}{why}"
    for key, value in expect.get("refund", {}).items():
        assert got["refund"][key] == value, f"refund {key}: expected {value}, got {got['refund'][key]}{why}"
    assert sorted({w["rule"] for w in got["warnings"]}) == expect["warnings"], why
