"""The Catalog page's comparison: a fetched catalog folder against the shipped one, in-process widgets."""

from __future__ import annotations

import shutil

import pytest

import planner
from planner.ui import explore


@pytest.fixture
def catalogs(planner_run, fake, tmp_path, monkeypatch, credentials):  # type: ignore[no-untyped-def]
    root = tmp_path / "catalogs"
    root.mkdir()
    run = planner_run("catalog", "fetch", "--out", root / "live", "--endpoint", fake.url, "--regions", "cn-north-4")
    assert run.code == 0, run.err
    broken = root / "broken"
    shutil.copytree(root / "live", broken)
    (broken / "prices.csv").write_text("region,item\n", encoding="utf-8")
    (root / "not-a-catalog").mkdir()
    monkeypatch.setenv("PLANNER_CATALOGS_DIR", str(root))
    return root


def _page(catalog: planner.Catalog):  # type: ignore[no-untyped-def]
    app = explore.compare_app(catalog)
    (picker, button), result = app.children[0].children, app.children[1]
    return picker, button, result


def test_only_catalog_folders_of_the_two_roots_are_offered(catalogs):
    names = [name for name, _ in explore.catalog_choices()]
    assert names == ["data/cn-cny", "data/intl-usd", "catalogs/broken", "catalogs/live"]


def test_a_fetched_catalog_shows_its_differences_and_fetch_time(catalogs):
    picker, button, result = _page(planner.load_catalog())
    picker.value = str((catalogs / "live").resolve())
    button.click()
    assert "prices fetched from Huawei at" in result.value
    assert "discount factor 1y" in result.value and "0.83" in result.value and "0.85" in result.value
    assert "planner-compare-table" in result.value


def test_a_broken_folder_shows_its_problems(catalogs):
    picker, button, result = _page(planner.load_catalog())
    picker.value = str((catalogs / "broken").resolve())
    button.click()
    assert "This catalog cannot be used" in result.value and "catalog.invalid" in result.value


def test_the_same_catalog_has_no_differences(catalogs):
    picker, button, result = _page(planner.load_catalog())
    picker.value = str(planner.DEFAULT_CATALOG_DIR.resolve())
    button.click()
    assert "No differences." in result.value
