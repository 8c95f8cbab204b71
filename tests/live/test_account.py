"""``planner account show`` against the fake Huawei: a request skeleton ready for ``quote`` (SPEC B8)."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

import planner
from planner.live import LiveError
from planner.live.account import PORTFOLIO_COLUMNS, skeleton

from .fake_huawei import ORDERS_PATH

pytestmark = pytest.mark.usefixtures("credentials")


def test_the_running_subscription_becomes_the_current_block_and_hosts(planner_run, fake):
    run = planner_run("account", "show", "--region", "cn-north-4", "--endpoint", fake.url)
    assert run.code == 0, run.err
    assert json.loads(run.out) == {
        "region": "cn-north-4",
        "hosts": 120,
        "current": {
            "edition": "professional",
            "billing_mode": "yearly_monthly",
            "quota": 150,
            "start": "2026-06-05",
            "expires": "2027-06-05",
            "term": "1y",
            "packages": {"data_collection": 10},
        },
    }
    seen = fake.state.seen[-1]
    assert ORDERS_PATH.match(seen.path) and seen.query["page"] == "PURCHASE"


def test_the_skeleton_prices_the_upgrade_of_the_running_subscription(planner_run, fake, tmp_path):
    out = tmp_path / "account.json"
    assert planner_run("account", "show", "--region", "cn-north-4", "--endpoint", fake.url, "--out", out).code == 0
    request = json.loads(out.read_text(encoding="utf-8"))
    request.update(on="2026-12-01", action="increase_quota", target={"quota": 200})
    result = planner.quote(request)
    assert result.ok, result.errors
    assert result.expires == date(2027, 6, 5)  # co-terminated with the running subscription
    assert result.total is not None and result.total > 0


def test_all_regions_is_a_portfolio_that_the_renewals_page_reads(planner_run, fake, tmp_path):
    out = tmp_path / "portfolio.csv"
    run = planner_run("account", "show", "--all-regions", "--endpoint", fake.url, "--out", out)
    assert run.code == 0, run.err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["region"] for r in rows] == ["ae-ad-1", "ap-southeast-3", "cn-north-4"]
    sample = (planner.DEFAULT_CATALOG_DIR.parent / "portfolio-sample.csv").read_text(encoding="utf-8")
    assert list(PORTFOLIO_COLUMNS) == sample.splitlines()[0].split(",")
    asked = [s.path for s in fake.state.seen]
    assert "/v1/fake-project-ap-southeast-3/subscriptions/orders" in asked  # each region with its own project

    from planner.ui._analysis import Portfolio  # the Renewals page's reader

    portfolio = Portfolio.read(out, planner.load_catalog(), on=date(2026, 12, 1))
    assert portfolio.problems == []
    by_region = dict(zip([r["region"] for r in rows], portfolio.rows().itertuples(), strict=True))
    assert by_region["cn-north-4"].ok and by_region["ap-southeast-3"].ok
    assert [p.rule for p in portfolio.errors[[r["region"] for r in rows].index("ae-ad-1")]] == ["renew.pay_per_use"]


def test_the_portfolio_rows_are_batch_rows_too(planner_run, fake, tmp_path):
    out = tmp_path / "portfolio.csv"
    assert planner_run("account", "show", "--all-regions", "--endpoint", fake.url, "--out", out).code == 0
    row = next(r for r in csv.DictReader(out.open(encoding="utf-8")) if r["region"] == "cn-north-4")
    request = {  # SPEC B7's columns, read the way `planner batch` reads them
        "region": row["region"],
        "hosts": int(row["hosts"]),
        "on": "2026-12-01",
        "action": row["action"],
        "current": {
            "edition": row["current_edition"],
            "billing_mode": row["current_billing_mode"],
            "quota": int(row["current_quota"]),
            "term": row["current_term"],
            "start": row["current_start"],
            "expires": row["current_expires"],
            "auto_renew": row["current_auto_renew"] == "true",
        },
        "target": {"term": row["target_term"]},
    }
    result = planner.quote(request)
    assert result.ok, result.errors
    assert result.expires == date(2028, 6, 5)


def test_no_subscription_in_a_region_is_a_purchase_skeleton():
    notes: list[str] = []
    out = skeleton(planner.load_catalog(), "cn-east-3", {"ecs_count": 12, "resources": []}, notes)
    assert out == {"region": "cn-east-3", "hosts": 12}
    assert notes == ["cn-east-3: no SecMaster subscription: price a purchase"]


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({"resources": []}, "ecs_count"),
        ({"ecs_count": "many"}, "ecs_count"),
        ({"ecs_count": 3, "resources": "none"}, "resources"),
        (
            {"ecs_count": 3, "resources": [{"resource_spec_code": "secmaster.professional", "charging_mode": "GIFT"}]},
            "charging_mode",
        ),
        (
            {
                "ecs_count": 3,
                "resources": [
                    {
                        "resource_spec_code": "secmaster.standard",
                        "charging_mode": "PREPAID",
                        "resource_size": 5,
                        "create_time": "yesterday",
                    }
                ],
            },
            "create_time",
        ),
    ],
)
def test_answers_of_the_wrong_shape_name_the_field(answer, says):
    with pytest.raises(LiveError) as caught:
        skeleton(planner.load_catalog(), "cn-north-4", answer, [])
    assert caught.value.operation == "ListSubscriptionOrder" and caught.value.error_code == "malformed"
    assert says in str(caught.value)


def test_a_403_is_one_line_with_huaweis_code(planner_run, fake, tmp_path):
    fake.fail_next("/v1/fake-project-cn-north-4/subscriptions/orders", 403, {"error_code": "SecMaster.20010001",
                   "error_msg": "no permission"})  # fmt: skip
    run = planner_run("account", "show", "--region", "cn-north-4", "--endpoint", fake.url, "--out", tmp_path / "a.json")
    assert run.code == 2
    assert run.err_lines == [
        "planner: account show: ListSubscriptionOrder: SecMaster.20010001 (HTTP 403): no permission"
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_429_on_a_read_is_retried(planner_run, fake):
    fake.fail_next("/v1/fake-project-cn-north-4/subscriptions/orders", 429, {"error_code": "CBC.0250",
                   "error_msg": "Too many requests."})  # fmt: skip
    run = planner_run("account", "show", "--region", "cn-north-4", "--endpoint", fake.url)
    assert run.code == 0, run.err
    assert json.loads(run.out)["hosts"] == 120


def test_a_recording_of_all_regions_names_no_project(planner_run, fake, tmp_path):
    record = tmp_path / "rec.json"
    run = planner_run("account", "show", "--all-regions", "--endpoint", fake.url, "--record", record)
    assert run.code == 0, run.err
    text = record.read_text(encoding="utf-8")
    exchanges = json.loads(text)
    assert [e["operation"] for e in exchanges] == ["ListSubscriptionGlobalOrder"] + ["ListSubscriptionOrder"] * 3
    assert {e["request"]["path"] for e in exchanges[1:]} == {"/v1/{project_id}/subscriptions/orders"}
    assert "fake-project" not in text and '"order_id": "<redacted>"' in text


def test_the_plan_page_starts_from_the_running_subscription(planner_run, fake, monkeypatch):
    from planner.ui._fields import parse_query
    from planner.ui._model import OrderDraft

    monkeypatch.setenv("PORT", "9001")
    run = planner_run("account", "show", "--region", "ap-southeast-3", "--format", "url", "--endpoint", fake.url)
    assert run.code == 0, run.err
    url = run.out.strip()
    assert url.startswith("http://127.0.0.1:9001/?region=ap-southeast-3&hosts=")
    values, notices = parse_query(url.split("?", 1)[1], planner.load_catalog())
    assert notices == []
    request, problems = OrderDraft(**values).to_request(planner.load_catalog())
    skeleton_run = planner_run("account", "show", "--region", "ap-southeast-3", "--endpoint", fake.url)
    expected = json.loads(skeleton_run.out)
    assert problems == [] and request["action"] == "increase_quota"  # the fake's project is Beijing's professional
    assert request["hosts"] == expected["hosts"]
    assert {k: v for k, v in request["current"].items()} == {
        k: v for k, v in expected["current"].items() if k != "packages"
    }


def test_a_standard_subscription_starts_an_upgrade_and_none_a_purchase():
    from planner.live.account import app_query

    standard = {"region": "cn-east-3", "hosts": 30, "current": {"edition": "standard", "billing_mode": "yearly_monthly",
                "quota": 40, "term": "3m", "start": "2026-09-30", "expires": "2026-12-30"}}  # fmt: skip
    assert app_query(standard) == (
        "?region=cn-east-3&hosts=30&action=upgrade&current_edition=standard&current_billing_mode=yearly_monthly"
        "&current_quota=40&current_term=3m&current_start=2026-09-30&current_expires=2026-12-30"
    )
    assert app_query({"region": "cn-east-3", "hosts": 0}) == "?region=cn-east-3&hosts=0&action=purchase"
