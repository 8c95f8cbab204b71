"""``planner catalog fetch`` against the fake Huawei, through the real SDK clients (SPEC B8)."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

import planner
from planner._bss import FETCHED_SOURCE

from .conftest import FAKE_PROJECT
from .fake_huawei import DEMAND_PATH, PERIOD_PATH, FakeHuawei

pytestmark = pytest.mark.usefixtures("credentials")
REGIONS = "cn-north-4,ae-ad-1"


def fetch(planner_run, fake: FakeHuawei, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return planner_run("catalog", "fetch", "--out", out, "--endpoint", fake.url, "--regions", REGIONS, *extra)


def test_a_fetch_writes_a_complete_catalog_whose_fetched_prices_name_their_answer(planner_run, fake, tmp_path):
    out = tmp_path / "live"
    run = fetch(planner_run, fake, out)
    assert run.code == 0, run.err
    assert planner_run("catalog", "check", out).code == 0  # complete and valid
    catalog = planner.load_catalog(out)
    assert catalog.fetched is not None and catalog.pin()["fetched"].endswith("Z")
    assert catalog.price("cn-north-4", "professional", "pay_per_use").price == Decimal("0.0375")
    assert catalog.price("ae-ad-1", "professional", "pay_per_use").price == Decimal("0.0375")
    assert catalog.price("cn-north-4", "data_collection", "yearly_monthly").price == Decimal("5.5")
    assert catalog.discounts["1y"] == Decimal("0.85") and catalog.discounts["3y"] == Decimal("0.5")
    assert FETCHED_SOURCE.match(catalog.discount_source)
    fetched = [p for p in catalog.prices.values() if p.source.startswith("bss:")]
    assert fetched and all(FETCHED_SOURCE.match(p.source) for p in fetched)
    assert {p.source.split("@")[0] for p in fetched} == {
        "bss:ListRateOnPeriodDetail",
        "bss:ListOnDemandResourceRatings",
    }
    assert "→ huaweicloud-intl-usd 2024-10-12.1+bss." in run.out
    assert "changes against intl-usd" in run.out and "discount factor 1y" in run.out


def test_an_unknown_product_is_isolated_and_keeps_the_base_price(planner_run, fake, tmp_path):
    out = tmp_path / "live"
    run = fetch(planner_run, fake, out)
    assert run.code == 0, run.err
    catalog = planner.load_catalog(out)
    soar = catalog.price("cn-north-4", "security_orchestration", "yearly_monthly")
    assert soar.source == "illustrative" and soar.price == Decimal("0.003")
    assert (
        "kept from the base catalog: security_orchestration in every region asked: Huawei does not know "
        "secmaster.soar (CBC.99006006); base prices kept"
    ) in run.out
    # the refused batch held soar rows; it was asked again without them, and those rows were answered
    posts = [s for s in fake.state.seen if s.path == PERIOD_PATH]
    specs = [{row["resource_spec"] for row in s.body["product_infos"]} for s in posts]
    refused = next(i for i, batch in enumerate(specs) if "secmaster.soar" in batch and len(batch) > 1)
    again = [batch for batch in specs[refused + 1 :] if "secmaster.soar" not in batch]
    assert again and set().union(*again) >= specs[refused] - {"secmaster.soar"}
    assert all(len(s.body["product_infos"]) <= 100 for s in posts)


def test_the_codes_are_checked_against_secmaster_first_and_corrected(planner_run, fake, tmp_path):
    out = tmp_path / "live"
    run = fetch(planner_run, fake, out)
    assert run.code == 0, run.err
    assert "corrected code: large_screen: secmaster.largescreen → secmaster.large_screen" in run.out
    catalog = planner.load_catalog(out)
    assert catalog.bss["large_screen"].resource_spec == "secmaster.large_screen"
    assert catalog.bss["large_screen"].confirmed and catalog.bss["standard"].confirmed
    assert not catalog.bss["security_orchestration"].confirmed  # SecMaster did not list it
    first = fake.state.seen[0]
    assert (first.method, first.path) == ("GET", f"/v1/{FAKE_PROJECT}/subscriptions/products")


def test_account_prices_take_the_best_offer(planner_run, fake, tmp_path):
    run = fetch(planner_run, fake, tmp_path / "live", "--prices", "account")
    assert run.code == 0, run.err
    catalog = planner.load_catalog(tmp_path / "live")
    assert catalog.price("cn-north-4", "professional", "yearly_monthly").price == Decimal("19.8")  # 22 × 0.9
    assert catalog.price("cn-north-4", "professional", "pay_per_use").price == Decimal("0.03375")
    assert "account prices fetched" in catalog.name


def test_pay_per_use_is_asked_per_hour_at_full_precision(planner_run, fake, tmp_path):
    assert fetch(planner_run, fake, tmp_path / "live").code == 0
    demand = [s for s in fake.state.seen if s.path == DEMAND_PATH]
    assert demand and all(s.body["inquiry_precision"] == 1 for s in demand)
    rows = [row for s in demand for row in s.body["product_infos"]]
    assert {(r["usage_factor"], r["usage_value"], r["usage_measure_id"]) for r in rows} == {("duration", 1, 4)}


def test_a_429_is_retried_and_then_answered(planner_run, fake, tmp_path):
    fake.fail_next(PERIOD_PATH, 429, {"error_code": "CBC.0250", "error_msg": "Too many requests."})
    run = fetch(planner_run, fake, tmp_path / "live")
    assert run.code == 0, run.err
    posts = [s for s in fake.state.seen if s.path == PERIOD_PATH]
    assert posts[0].body == posts[1].body  # the same batch, asked again


def test_a_slow_answer_within_the_timeout_is_waited_for(planner_run, fake, tmp_path):
    fake.slow_next(PERIOD_PATH, 1.5)
    run = fetch(planner_run, fake, tmp_path / "live", "--timeout", "10")
    assert run.code == 0, run.err


FAILURES = [
    pytest.param(
        403, {"error_code": "CBC.0151", "error_msg": "Access denied."}, None, 30, "CBC.0151 (HTTP 403)", id="403"
    ),
    pytest.param(
        500, {"error_code": "CBC.0999", "error_msg": "Internal error."}, None, 30, "CBC.0999 (HTTP 500)", id="500"
    ),
    pytest.param(200, None, b"<html>not json</html>", 30, "malformed", id="malformed"),
    pytest.param(
        200,
        {"currency": "USD"},
        None,
        30,
        "malformed: an answer of the wrong shape: official_website_rating_result",
        id="wrong-shape",
    ),
    pytest.param(
        200,
        {"official_website_rating_result": {"product_rating_results": []}},
        None,
        30,
        "no amount for row",
        id="rows-missing",
    ),
    pytest.param(200, None, None, 1, "timeout: no answer within 1 s", id="slow"),
]


@pytest.mark.parametrize(("status", "body", "raw", "timeout", "says"), FAILURES)
def test_each_failure_is_one_line_exit_2_and_nothing_written(
    planner_run, fake, tmp_path, status, body, raw, timeout, says
):
    fake.fail_next(PERIOD_PATH, status, body, raw=raw, delay=3 if timeout == 1 else 0)
    out, record = tmp_path / "live", tmp_path / "rec.json"
    run = fetch(planner_run, fake, out, "--timeout", str(timeout), "--record", record)
    assert run.code == 2
    assert run.out == ""
    assert len(run.err_lines) == 1, run.err
    assert run.err_lines[0].startswith("planner: catalog fetch: ListRateOnPeriodDetail: ")
    assert says in run.err_lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no catalog, no recording, no temporary folder


def test_rate_limited_past_the_bound_names_cbc_0250(fake, monkeypatch):
    from planner.live._client import Huawei
    from planner.live._errors import LiveError
    from planner.live._inquiry import Inquiry, Row

    for _ in range(3):
        fake.fail_next(PERIOD_PATH, 429, {"error_code": "CBC.0250", "error_msg": "Too many requests."})
    waits: list[float] = []
    huawei = Huawei(endpoint=fake.url, max_attempts=3, backoff=0.5, sleep=waits.append)
    catalog = planner.load_catalog()
    rows = [Row("cn-north-4", "professional", "yearly_monthly", catalog.terms[0], catalog.bss["professional"])]
    inquiry = Inquiry(huawei, currency="USD", account_prices=False, clock=lambda: __import__("datetime").datetime.now())
    with pytest.raises(LiveError) as caught:
        inquiry.price(rows)
    assert str(caught.value).startswith("ListRateOnPeriodDetail: CBC.0250 (HTTP 429): rate limited after 3 attempts")
    assert [w for w in waits if w >= 0.5] == [0.5, 1.0]  # exponential backoff (pacing waits are shorter)


def test_no_credentials_is_one_line_and_no_call(planner_run, fake, tmp_path, monkeypatch):
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK")
    monkeypatch.delenv("HUAWEICLOUD_SDK_DOMAIN_ID")
    run = fetch(planner_run, fake, tmp_path / "live")
    assert run.code == 2
    assert run.err_lines == [
        "planner: catalog fetch: ListSubscriptionProduct: credentials: no credentials: set HUAWEICLOUD_SDK_SK "
        "in the environment"
    ]
    assert fake.state.seen == []
    assert list(tmp_path.iterdir()) == []


def test_no_network_is_one_line(planner_run, tmp_path):
    run = planner_run("catalog", "fetch", "--out", tmp_path / "live", "--endpoint", "http://127.0.0.1:9",
                      "--regions", "cn-north-4", "--timeout", "2")  # fmt: skip
    assert run.code == 2
    assert run.err_lines == ["planner: catalog fetch: ListSubscriptionProduct: connection: cannot reach 127.0.0.1:9"]


def test_an_existing_folder_is_never_written_over(planner_run, fake, tmp_path):
    out = tmp_path / "live"
    out.mkdir()
    run = fetch(planner_run, fake, out)
    assert run.code == 2 and "exists" in run.err and fake.state.seen == []


def test_bad_arguments_are_one_line(planner_run, fake, tmp_path):
    run = planner_run("catalog", "fetch", "--out", tmp_path / "x", "--regions", "xx-nowhere-1", "--endpoint", fake.url)
    assert run.code == 2 and run.err_lines == [
        "planner: catalog fetch: --regions: not in the base catalog huaweicloud-intl-usd: xx-nowhere-1"
    ]
    with pytest.raises(SystemExit) as caught:
        planner_run("catalog", "fetch", "--out", tmp_path / "x", "--endpoint", "ftp://example")
    assert caught.value.code == 2


def test_the_recording_keeps_the_exchanges_without_credentials_or_ids(planner_run, fake, tmp_path):
    record = tmp_path / "rec.json"
    run = fetch(planner_run, fake, tmp_path / "live", "--record", record)
    assert run.code == 0, run.err
    exchanges = json.loads(record.read_text(encoding="utf-8"))
    assert {e["operation"] for e in exchanges} == {
        "ListSubscriptionProduct", "ListRateOnPeriodDetail", "ListOnDemandResourceRatings"
    }  # fmt: skip
    assert exchanges[0]["request"]["path"] == "/v1/{project_id}/subscriptions/products"
    assert any(e["response"]["status"] == 400 for e in exchanges)  # the unknown product, for a first recording
    bodies = [e["request"]["body"] for e in exchanges if e["request"]["body"]]
    assert {b["project_id"] for b in bodies} == {"<redacted>"}
    assert not re.search(r"fake-project|fake-domain|FAKEAK|fakeSecret", record.read_text(encoding="utf-8"))
    # numbers stay exact JSON numbers (no floats, no strings)
    assert re.search(r'"official_website_amount": 0\.0375\b', record.read_text(encoding="utf-8"))


def test_the_china_site_uses_its_own_client_and_refuses_another_currency(planner_run, fake, tmp_path):
    run = planner_run("catalog", "fetch", "--site", "cn", "--out", tmp_path / "cn", "--regions", "cn-north-4",
                      "--endpoint", fake.url)  # fmt: skip
    assert run.code == 2
    assert run.err_lines == [
        "planner: catalog fetch: ListRateOnPeriodDetail: currency: Huawei answers in USD, the base catalog is in CNY"
    ]
    assert list(tmp_path.iterdir()) == []
    assert "huaweicloudsdkbss.v2" in __import__("sys").modules  # the China site's SDK package did the call


def test_a_base_catalog_without_codes_is_one_line(planner_run, fake, tmp_path):
    base = tmp_path / "old"
    shutil.copytree(planner.DEFAULT_CATALOG_DIR, base)
    toml = base / "catalog.toml"
    toml.write_text(toml.read_text(encoding="utf-8").split("\n[bss]")[0].rsplit("\n#", 4)[0] + "\n", encoding="utf-8")
    assert planner.load_catalog(base).bss == {}  # older catalogs without [bss] still load
    for args in (("catalog", "fetch", "--out", tmp_path / "new", "--base", base), ("account", "show", "--region",
                 "cn-north-4", "--catalog", base)):  # fmt: skip
        run = planner_run(*args, "--endpoint", fake.url)
        assert run.code == 2 and run.err_lines == [
            f"planner: {args[0]} {args[1]}: {base}: the catalog has no [bss] product codes "
            "(see data/intl-usd/catalog.toml)"
        ]
    assert fake.state.seen == []
