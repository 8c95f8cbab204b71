"""Price catalogs (SPEC B1, A3, A8): the two shipped catalogs load, say what Huawei publishes and what is
illustrative, pin a sha256 of their files, and the loader reports every problem at once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import planner

DATA = Path(__file__).resolve().parents[2] / "data"

#: SPEC A8: region ids with a SecMaster endpoint, plus ae-ad-1.
A8_REGIONS = {
    "cn-north-4", "cn-east-3", "cn-south-1", "cn-north-9", "cn-north-2", "cn-east-2", "cn-southwest-2",
    "cn-south-2", "cn-north-1", "cn-east-4", "me-east-1", "cn-north-11", "sa-brazil-1", "la-north-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "tr-west-1", "af-north-1", "ae-ad-1",
}  # fmt: skip
PACKAGES = {"large_screen", "data_collection", "data_retention", "security_analysis", "security_orchestration"}
FULL_OFFER = {
    "basic": ("yearly_monthly",),
    "standard": ("yearly_monthly",),
    "professional": ("yearly_monthly", "pay_per_use"),
}


@pytest.fixture(scope="module")
def intl() -> planner.Catalog:
    return planner.load_catalog(DATA / "intl-usd")


@pytest.fixture(scope="module")
def china() -> planner.Catalog:
    return planner.load_catalog(DATA / "cn-cny")


def _price(catalog: planner.Catalog, region: str, item: str, mode: str) -> planner.Price:
    price = catalog.price(region, item, mode)
    assert price is not None, (region, item, mode)
    return price


def test_default_catalog_is_intl_usd(intl: planner.Catalog) -> None:
    default = planner.load_catalog()

    assert planner.DEFAULT_CATALOG_DIR == DATA / "intl-usd"
    assert (default.id, default.currency, default.sha256) == ("huaweicloud-intl-usd", "USD", intl.sha256)


def test_intl_regions_are_those_of_spec_a8(intl: planner.Catalog) -> None:
    assert len(intl.regions) == 21
    assert set(intl.regions) == A8_REGIONS


def test_abu_dhabi_sells_professional_pay_per_use_only(intl: planner.Catalog) -> None:
    assert intl.regions["ae-ad-1"].sells == {"professional": ("pay_per_use",)}
    assert not intl.sells("ae-ad-1", "standard")
    assert not intl.sells("ae-ad-1", "professional", "yearly_monthly")
    assert intl.sells("ae-ad-1", "professional", "pay_per_use")


def test_every_other_region_sells_every_edition(intl: planner.Catalog) -> None:
    for region in A8_REGIONS - {"ae-ad-1"}:
        assert intl.regions[region].sells == FULL_OFFER, region


def test_intl_published_prices(intl: planner.Catalog) -> None:
    standard = _price(intl, "cn-north-4", "standard", "yearly_monthly")
    professional = _price(intl, "cn-north-4", "professional", "yearly_monthly")

    assert (standard.price, standard.unit, standard.period) == (Decimal("2.2"), "quota", "month")
    assert (professional.price, professional.unit, professional.period) == (Decimal("22"), "quota", "month")
    for price in (standard, professional):
        assert price.source.startswith("https://support.huaweicloud.com/")
        assert not price.illustrative


def test_unpublished_figures_are_illustrative(intl: planner.Catalog, china: planner.Catalog) -> None:
    for catalog in (intl, china):
        for (_, item, mode), price in catalog.prices.items():
            if item in PACKAGES or mode == "pay_per_use":
                assert price.illustrative, (catalog.id, item, mode)
        assert catalog.discount_illustrative, catalog.id


def test_region_row_overrides_the_star_row(intl: planner.Catalog) -> None:
    assert _price(intl, "ae-ad-1", "professional", "pay_per_use").price == Decimal("0.0398")
    assert _price(intl, "cn-north-4", "professional", "pay_per_use").price == Decimal("0.0362")
    assert intl.price("cn-north-4", "gold", "yearly_monthly") is None


def test_intl_limits_terms_and_lifecycle(intl: planner.Catalog) -> None:
    assert (intl.limits.quota_min, intl.limits.quota_max) == (1, 10_000)
    assert (intl.limits.tags_max, intl.limits.tag_key_max, intl.limits.tag_value_max) == (10, 128, 255)
    assert intl.limits.hours_per_month == 730
    assert intl.limits.collection_mb_per_host_day == 120
    assert [t.code for t in intl.terms] == [*(f"{n}m" for n in range(1, 10)), "1y", "2y", "3y"]
    assert (intl.grace_days, intl.retention_days, intl.auto_renew_lead_days) == (15, 15, 7)
    assert intl.auto_renew_lead_days_allowed == (5, 6, 7)
    assert (intl.full_refund_days, intl.full_refunds_per_year) == (5, 10)
    assert intl.rounding == "truncate"
    assert intl.quota_increase == "coterminous"
    data_collection = intl.packages["data_collection"]
    assert (data_collection.min, data_collection.step, data_collection.max) == (5, 5, 500)
    assert not data_collection.unsubscribable and not intl.packages["data_retention"].unsubscribable
    assert set(intl.packages) == PACKAGES


def test_china_catalog_prices_in_cny(china: planner.Catalog) -> None:
    assert (china.id, china.currency) == ("huaweicloud-cn-cny", "CNY")
    assert _price(china, "cn-north-4", "standard", "yearly_monthly").price == Decimal("15")
    assert _price(china, "cn-north-4", "professional", "yearly_monthly").price == Decimal("150")
    assert set(china.regions) <= A8_REGIONS
    assert all(region.startswith("cn-") for region in china.regions)


def test_the_two_catalogs_are_told_apart(intl: planner.Catalog, china: planner.Catalog) -> None:
    assert intl.sha256 != china.sha256
    assert intl.pin() == {"id": intl.id, "version": intl.version, "sha256": intl.sha256}


def test_planner_catalog_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANNER_CATALOG", str(DATA / "cn-cny"))

    assert planner.load_catalog().currency == "CNY"


# -- the sha256 pins the files ------------------------------------------------------------------------------
def test_sha256_depends_on_content_not_on_the_folder(intl: planner.Catalog, catalog_copy: Any) -> None:
    assert planner.load_catalog(catalog_copy("intl-usd")).sha256 == intl.sha256


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("catalog.toml", "# Huawei Cloud SecMaster", "# Huawei  Cloud SecMaster"),  # even a comment
        ("catalog.toml", "grace_days = 15", "grace_days = 14"),
        ("prices.csv", ",2.2,", ",2.20,"),  # the same price, written differently
        ("prices.csv", ",0.0398,", ",0.04,"),
    ],
)
def test_sha256_changes_when_a_file_changes(
    file: str, old: str, new: str, intl: planner.Catalog, catalog_copy: Any
) -> None:
    folder = catalog_copy("intl-usd")
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    changed = planner.load_catalog(folder)

    assert (changed.id, changed.version) == (intl.id, intl.version)
    assert changed.sha256 != intl.sha256


def test_sha256_is_sensitive_to_which_file_holds_the_bytes() -> None:
    # Swapping content between files must not keep the fingerprint: names are part of it.
    from planner._catalog import _fingerprint

    assert _fingerprint({"catalog.toml": b"a", "prices.csv": b"b"}) != _fingerprint(
        {"catalog.toml": b"b", "prices.csv": b"a"}
    )


# -- every problem at once ----------------------------------------------------------------------------------
def _break(folder: Path, file: str, *edits: tuple[str, str]) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


CSV_BREAKS = (("*,basic,", "xx-nowhere-9,basic,"), (",2.2,", ",-2.2,"), (",300,illustrative", ",300,a guess"))


def test_loader_reports_every_problem_at_once(catalog_copy: Any) -> None:
    folder = catalog_copy("intl-usd")
    _break(folder, "prices.csv", *CSV_BREAKS)
    _break(folder, "catalog.toml", ("quota_min = 1", "quota_min = 10001"))

    with pytest.raises(planner.PlannerError) as caught:
        planner.load_catalog(folder)

    fields = {p.field for p in caught.value.problems}
    assert {
        "prices.csv:2:region",
        "prices.csv:3:price",
        "prices.csv:6:source",
        "catalog.toml:limits.quota_min",
        "catalog.toml:regions.cn-north-4.sells.basic",  # basic lost its price with the row
        "catalog.toml:regions.cn-north-4.sells.standard",  # standard too (its price is negative)
    } <= fields
    assert all(p.rule == "catalog.invalid" and p.message for p in caught.value.problems)


def test_a_broken_catalog_toml_does_not_hide_csv_problems(catalog_copy: Any) -> None:
    folder = catalog_copy("intl-usd")
    _break(folder, "prices.csv", *CSV_BREAKS)
    _break(folder, "catalog.toml", ("hosts_max = 10000", 'hosts_max = 10000\ncolour = "red"'))

    with pytest.raises(planner.PlannerError) as caught:
        planner.load_catalog(folder)

    # Regions are defined in catalog.toml, so without it the region column cannot be checked.
    assert {p.field for p in caught.value.problems} == {
        "catalog.toml:limits.colour",
        "prices.csv:3:price",
        "prices.csv:6:source",
    }


def test_loader_reports_both_missing_files(tmp_path: Path) -> None:
    folder = tmp_path / "empty-catalog"
    folder.mkdir()

    with pytest.raises(planner.PlannerError) as caught:
        planner.load_catalog(folder)

    assert sorted(p.field for p in caught.value.problems) == ["catalog.toml", "prices.csv"]


def test_a_package_without_a_price_is_reported(catalog_copy: Any) -> None:
    folder = catalog_copy("cn-cny")
    prices = folder / "prices.csv"
    rows = prices.read_text(encoding="utf-8").splitlines()
    prices.write_text("\n".join(r for r in rows if not r.startswith("*,large_screen,pay_per_use")) + "\n")

    with pytest.raises(planner.PlannerError) as caught:
        planner.load_catalog(folder)

    messages = {p.message for p in caught.value.problems}
    assert messages == {"no price for large_screen pay_per_use"}


def test_a_catalog_copy_with_a_utf8_bom_still_loads(catalog_copy: Any, intl: planner.Catalog) -> None:
    # Spreadsheet programs save CSV with a byte-order mark; the loader reads it (utf-8-sig).
    folder = catalog_copy("intl-usd")
    prices = folder / "prices.csv"
    prices.write_bytes(b"\xef\xbb\xbf" + prices.read_bytes())

    assert len(planner.load_catalog(folder).prices) == len(intl.prices)


def test_shipped_catalogs_are_found() -> None:
    from planner._catalog import shipped_catalogs

    assert {"intl-usd", "cn-cny"} <= set(shipped_catalogs())
