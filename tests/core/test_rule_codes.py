"""Every rule code a request can break, triggered through ``planner quote REQUEST.json`` (SPEC B3, B5, B6).

Each case is a base request from ``tests/core/requests/`` plus the one change that breaks the rule. The
CLI must exit 2 for an error (0 for a warning), name the rule and the field in the quote's JSON, and say it
on stderr in one line per problem naming the file and the field — never a traceback.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import planner

DELETE = "__delete__"  # conftest's Requests.DELETE: the change removes the key

REPO = Path(__file__).resolve().parents[2]
SPEC_PATHS = [REPO.parent / "shared" / "SPEC.md", REPO / "SPEC.md"]

#: SPEC B6 as written on 2024-10 (used when SPEC.md is not next to the checkout).
SPEC_B6_CODES = frozenset(
    {
        "request.malformed", "region.unknown", "region.edition_unavailable", "region.billing_mode_unavailable",
        "edition.unknown", "edition.downgrade", "edition.billing_mode", "hosts.invalid", "quota.invalid",
        "quota.below_hosts", "quota.above_max", "quota.decrease", "term.invalid", "term.pay_per_use",
        "package.unknown", "package.basic_edition", "package.size", "package.step", "package.billing_mode",
        "billing_mode.change", "renew.pay_per_use", "renew.spec_change", "renew.released", "upgrade.same_edition",
        "upgrade.expired", "unsubscribe.package", "tags.too_many", "tags.key", "tags.value", "dates.order",
        "action.current_missing", "disclaimer.not_accepted", "price.illustrative",
    }
)  # fmt: skip

#: Codes that come from `planner verify` / `planner catalog check`, not from a request (tested elsewhere).
NOT_FROM_REQUESTS = frozenset(
    {
        "catalog.invalid",
        "settings.invalid",
        "order.write",
        "order.format",
        "order.checksum",
        "order.mismatch",
        "order.catalog",
    }
    | {"request.too_large", "request.too_deep", "order.too_large", "order.too_deep"}
    | {"catalog.too_large", "catalog.too_deep", "price.order"}
    | {"price.stale"}  # from the catalog's fetch date, not the request: tests/live/test_fetched_quotes.py
)

CURRENT_PAY_PER_USE = {"edition": "professional", "billing_mode": "pay_per_use", "quota": 10, "start": "2024-06-01"}


class Case(NamedTuple):
    rule: str
    field: str  # exact, or a prefix when it ends with "*"
    base: str  # a file in tests/core/requests/
    changes: dict[str, Any]
    note: str = ""


ERRORS = [
    Case("request.malformed", "colour", "purchase", {"colour": "blue"}, "unknown key"),
    Case("request.malformed", "target.billing_mode", "purchase", {"target": {"billing_mode": "weekly"}}),
    Case("request.malformed", "action", "purchase", {"action": "fly"}),
    Case("request.malformed", "current.paid", "unsubscribe", {"current": {"paid": "lots"}}),
    Case("region.unknown", "region", "purchase", {"region": "xx-nowhere-1"}),
    Case("region.edition_unavailable", "target.edition", "purchase", {"region": "ae-ad-1"}),
    Case(
        "region.billing_mode_unavailable",
        "target.billing_mode",
        "purchase",
        {"region": "ae-ad-1", "target": {"edition": "professional"}},
    ),
    Case("edition.unknown", "target.edition", "purchase", {"target": {"edition": "gold"}}),
    Case(
        "edition.downgrade",
        "target.edition",
        "upgrade",
        {"current": {"edition": "professional"}, "target": {"edition": "standard"}},
    ),
    Case(
        "edition.billing_mode",
        "target.billing_mode",
        "purchase",
        {"target": {"billing_mode": "pay_per_use", "term": DELETE}},
    ),
    Case("hosts.invalid", "hosts", "purchase", {"hosts": -1}),
    Case("hosts.invalid", "hosts", "purchase", {"hosts": 10_001, "target": {"quota": 10_000}}),
    Case("hosts.invalid", "hosts", "purchase", {"hosts": "ten"}, "wrong type"),
    Case("quota.invalid", "target.quota", "purchase", {"hosts": 0, "target": {"quota": 0}}),
    Case("quota.invalid", "target.quota", "purchase", {"target": {"quota": "10"}}, "wrong type"),
    Case("quota.below_hosts", "target.quota", "purchase", {"hosts": 11}),
    Case("quota.above_max", "target.quota", "purchase", {"target": {"quota": 10_001}}),
    Case("quota.decrease", "target.quota", "upgrade", {"hosts": 5, "target": {"quota": 5}}),
    Case("quota.unchanged", "target.quota", "pay-per-use", {"target": {"quota": 10}}),
    Case("term.invalid", "target.term", "purchase", {"target": {"term": "13m"}}),
    Case("term.invalid", "target.term", "purchase", {"target": {"term": DELETE}}, "yearly/monthly needs a term"),
    Case(
        "term.pay_per_use",
        "target.term",
        "purchase",
        {"target": {"edition": "professional", "billing_mode": "pay_per_use"}},
    ),
    Case("package.unknown", "target.packages.nope", "purchase", {"target": {"packages": {"nope": 1}}}),
    Case(
        "package.basic_edition",
        "target.packages.large_screen",
        "purchase",
        {"target": {"edition": "basic", "packages": {"large_screen": 1}}},
    ),
    Case(
        "package.size",
        "target.packages.data_collection",
        "purchase",
        {"target": {"packages": {"data_collection": 505}}},
    ),
    Case(
        "package.step", "target.packages.data_collection", "purchase", {"target": {"packages": {"data_collection": 7}}}
    ),
    Case(
        "package.billing_mode",
        "target.billing_mode",
        "buy_package",
        {"target": {"billing_mode": "pay_per_use"}},
    ),
    Case(
        "billing_mode.change",
        "target.billing_mode",
        "upgrade",
        {"action": "change_billing_mode", "target": {"edition": DELETE, "billing_mode": "pay_per_use", "term": "1m"}},
    ),
    Case(
        "renew.pay_per_use",
        "current.billing_mode",
        "pay-per-use",
        {"action": "renew", "target": {"quota": DELETE, "term": "1m"}},
    ),
    Case(
        "renew.pay_per_use",
        "target.auto_renew",
        "purchase",
        {"target": {"edition": "professional", "billing_mode": "pay_per_use", "term": DELETE, "auto_renew": True}},
    ),
    Case(
        "renew.spec_change",
        "target.quota",
        "renew",
        {"target": {"quota": 20}},
    ),
    Case(
        "renew.released",
        "on",
        "renew",
        {"on": "2024-08-08"},
        "expiry 07-08 + 15 grace + 15 retention = 08-07 is the last day",
    ),
    Case(
        "renew.too_short",
        "target.term",
        "renew",
        {"on": "2023-03-02", "current": {"start": "2023-01-01", "expires": "2023-02-01"}},
        "in retention on 03-02 (expiry 02-01 + 29 days); 1m from 02-01 ends 03-01, already past",
    ),
    Case("upgrade.same_edition", "target.edition", "upgrade", {"target": {"edition": "standard"}}),
    Case("upgrade.expired", "on", "upgrade", {"on": "2024-07-09"}, "the day after expiry"),
    Case("upgrade.basic_quota", "target.quota", "upgrade", {"current": {"edition": "basic"}, "target": {"quota": 20}}),
    Case(
        "unsubscribe.package",
        "target.packages.data_collection",
        "unsubscribe",
        {"current": {"packages": {"data_collection": 5}}, "target": {"packages": {"data_collection": 5}}},
    ),
    Case("unsubscribe.pay_per_use", "current.billing_mode", "pay-per-use", {"action": "unsubscribe", "target": DELETE}),
    Case(
        "purchase.exists",
        "current",
        "purchase",
        {"current": {**CURRENT_PAY_PER_USE}},
        "one edition per region per account",
    ),
    Case("tags.too_many", "tags", "purchase", {"tags": {f"k{i}": "v" for i in range(11)}}),
    Case("tags.key", "tags.", "purchase", {"tags": {"": "v"}}, "empty key"),
    Case("tags.key", "tags.k*", "purchase", {"tags": {"k" * 129: "v"}}, "key of 129 characters"),
    Case("tags.value", "tags.env", "purchase", {"tags": {"env": "v" * 256}}),
    Case("dates.order", "current.expires", "upgrade", {"current": {"expires": "2024-06-01"}}),
    Case("dates.order", "on", "upgrade", {"on": "2024-06-01"}, "priced before the subscription started"),
    Case(
        "dates.order",
        "current.purchased_at",
        "unsubscribe",
        {"current": {"purchased_at": "2024-06-19T10:00:00+08:00"}},
    ),
    Case("action.current_missing", "current", "upgrade", {"current": DELETE}),
    Case("action.edition_change", "target.edition", "pay-per-use", {"target": {"edition": "standard"}}),
]

WARNINGS = [
    Case("disclaimer.not_accepted", "accept_disclaimer", "purchase", {"accept_disclaimer": False}),
    Case(
        "price.illustrative",
        "prices.csv:*",
        "purchase",
        {"target": {"edition": "professional", "billing_mode": "pay_per_use", "term": DELETE}},
        "the pay-per-use hourly rate is not published",
    ),
    Case("price.illustrative", "terms.discounts.1y", "purchase", {"target": {"term": "1y"}}, "term discounts"),
    Case(
        "lifecycle.grace",
        "on",
        "renew",
        {"on": "2024-07-15"},
    ),
    Case(
        "lifecycle.grace",
        "on",
        "renew",
        {"on": "2024-08-07"},
        "last day of retention",
    ),
    Case(
        "package.sizing",
        "target.packages.data_collection",
        "purchase",
        {"hosts": 1000, "target": {"quota": 1000, "packages": {"data_collection": 5}}},
        "1000 hosts × 120 MB ≈ 118 GB/day",
    ),
    Case(
        "quota.below_hosts",
        "current.quota",
        "renew",
        {"hosts": 20},
        "a renewal does not set the quota: warn",
    ),
    Case(
        "refund.full_refund_limit",
        "current.purchased_at",
        "unsubscribe",
        {"on": "2024-06-10"},
        "within 5 days of purchase",
    ),
    Case(
        "packages.unchanged_billing_mode",
        "current.packages",
        "pay-per-use",
        {
            "action": "change_billing_mode",
            "current": {"packages": {"large_screen": 1}},
            "target": {"quota": DELETE, "billing_mode": "yearly_monthly", "term": "1m"},
        },
    ),
    Case(
        "unsubscribe.package",
        "current.packages",
        "unsubscribe",
        {"current": {"packages": {"data_collection": 5}}},
        "held collection packages run to expiry",
    ),
]


def _case_id(case: Case) -> str:
    return f"{case.rule}:{case.note or case.field}".replace(" ", "_")


def _field_matches(expected: str, actual: str) -> bool:
    return actual.startswith(expected[:-1]) if expected.endswith("*") else actual == expected


def _request(reqs: Any, case: Case) -> dict[str, Any]:
    return reqs.make(case.base, case.changes)


def _assert_clean_stderr(err: str, source: Path, problems: list[dict[str, str]]) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == len(problems), err
    for line, problem in zip(lines, problems, strict=True):
        assert line.startswith(f"planner: {source}: {problem['rule']}"), line
        if problem["field"]:
            assert f"({problem['field']})" in line, line


@pytest.mark.parametrize("case", ERRORS, ids=_case_id)
def test_error_exits_2_naming_rule_and_field(case: Case, reqs: Any, write_json: Any, run_cli: Any) -> None:
    path = write_json(_request(reqs, case))

    result = run_cli("quote", path)

    assert result.code == 2, result.err
    quote = result.json()
    assert quote["ok"] is False
    assert quote["lines"] == [] and quote["total"] is None
    found = [(e["rule"], e["field"]) for e in quote["errors"]]
    assert any(rule == case.rule and _field_matches(case.field, field) for rule, field in found), found
    assert all(e["message"].strip() for e in quote["errors"])
    _assert_clean_stderr(result.err, path, quote["errors"])


@pytest.mark.parametrize("case", WARNINGS, ids=_case_id)
def test_warning_exits_0_and_prices(case: Case, reqs: Any, write_json: Any, run_cli: Any) -> None:
    path = write_json(_request(reqs, case))

    result = run_cli("quote", path)

    assert result.code == 0, result.err
    quote = result.json()
    assert quote["ok"] is True and quote["errors"] == []
    assert quote["lines"], "a warning does not stop pricing"
    found = [(w["rule"], w["field"]) for w in quote["warnings"]]
    assert any(rule == case.rule and _field_matches(case.field, field) for rule, field in found), found
    assert result.err == ""


def test_a_region_without_the_edition_is_refused_by_its_rule(
    catalog_copy: Any, reqs: Any, write_json: Any, run_cli: Any
) -> None:
    # A catalog that prices standard per region, and not in ae-ad-1 (which sells only professional pay-per-use).
    folder = catalog_copy("intl-usd")
    prices = (folder / "prices.csv").read_text(encoding="utf-8").splitlines()
    standard = next(row for row in prices if row.startswith("*,standard,"))
    regions = [r for r in planner.load_catalog().regions if r != "ae-ad-1"]
    prices = [row for row in prices if row != standard] + [standard.replace("*", r, 1) for r in regions]
    (folder / "prices.csv").write_text("\n".join(prices) + "\n", encoding="utf-8")
    planner.load_catalog(folder)  # the catalog itself is valid
    request = reqs.make(
        "upgrade", {"region": "ae-ad-1", "action": "renew", "target": {"edition": DELETE, "term": "1m"}}
    )
    path = write_json(request)

    result = run_cli("quote", path, "--catalog", folder)

    assert "Traceback" not in result.err
    assert result.code == 2
    assert [(e["rule"], e["field"]) for e in result.json()["errors"]] == [
        ("region.edition_unavailable", "current.edition")
    ]


def test_current_edition_must_be_sold_in_the_region(reqs: Any, write_json: Any, run_cli: Any) -> None:
    request = reqs.make(
        "upgrade", {"region": "ae-ad-1", "action": "increase_quota", "target": {"edition": DELETE, "quota": 20}}
    )

    result = run_cli("quote", write_json(request))

    assert result.code == 2
    assert "region.edition_unavailable" in {e["rule"] for e in result.json()["errors"]}


def test_an_impossible_date_is_malformed_not_out_of_order(reqs: Any, write_json: Any, run_cli: Any) -> None:
    result = run_cli("quote", write_json(reqs.make("purchase", {"on": "2024-13-01"})))

    assert result.code == 2
    assert [(e["rule"], e["field"]) for e in result.json()["errors"]] == [("request.malformed", "on")]


def test_every_broken_rule_is_reported_at_once(reqs: Any, write_json: Any, run_cli: Any) -> None:
    request = reqs.make(
        "purchase",
        {"hosts": 20, "target": {"term": "13m", "packages": {"data_collection": 7}}, "tags": {"": "v"}},
    )
    path = write_json(request)

    result = run_cli("quote", path)

    assert result.code == 2
    rules = {e["rule"] for e in result.json()["errors"]}
    assert rules == {"term.invalid", "quota.below_hosts", "package.step", "tags.key"}
    _assert_clean_stderr(result.err, path, result.json()["errors"])


def test_disclaimer_not_accepted_blocks_export_but_not_quote(
    reqs: Any, write_json: Any, run_cli: Any, tmp_path: Path
) -> None:
    path = write_json(reqs.make("purchase", {"accept_disclaimer": False}))
    out = tmp_path / "orders"

    quoted = run_cli("quote", path)
    exported = run_cli("export", path, "--out", out)

    assert quoted.code == 0 and quoted.json()["ok"] is True
    assert exported.code == 2
    assert exported.out == ""
    assert exported.err_lines == [
        f"planner: {path}: disclaimer.not_accepted (accept_disclaimer): accept the disclaimer before exporting an order"
    ]
    assert not out.exists() or not any(out.iterdir())


# -- the list of cases is complete -------------------------------------------------------------------------
def _spec_b6_codes() -> frozenset[str]:
    for path in SPEC_PATHS:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            section = text.split("### B6", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
            codes = frozenset(re.findall(r"`([a-z_]+\.[a-z_]+)`", section))
            assert codes, f"no rule codes found in {path} B6"
            return codes
    return SPEC_B6_CODES


def _triggered() -> set[str]:
    return {case.rule for case in ERRORS + WARNINGS}


def test_every_spec_b6_code_has_a_triggering_case() -> None:
    assert sorted(_spec_b6_codes() - _triggered()) == []


def test_the_fallback_copy_of_b6_matches_spec_md() -> None:
    spec = next((path for path in SPEC_PATHS if path.is_file()), None)
    if spec is None:
        pytest.skip("SPEC.md is not next to the checkout")
    assert _spec_b6_codes() == SPEC_B6_CODES, "update SPEC_B6_CODES from SPEC.md B6"


def test_spec_b6_codes_are_all_in_planner_rules() -> None:
    assert sorted(_spec_b6_codes() - set(planner.RULES)) == []


def test_every_request_rule_in_planner_rules_has_a_triggering_case() -> None:
    assert sorted(set(planner.RULES) - NOT_FROM_REQUESTS - _triggered()) == []


def test_cases_name_only_known_codes() -> None:
    assert sorted(_triggered() - set(planner.RULES)) == []


# -- the installed entry points -------------------------------------------------------------------------
def _scripts() -> list[list[str]]:
    bin_dir = Path(sys.executable).parent
    script = bin_dir / "planner"
    console = [str(script)] if script.exists() else [shutil.which("planner") or "planner"]
    return [console, [sys.executable, "-m", "planner"]]


@pytest.mark.parametrize("command", _scripts(), ids=["console-script", "python-m"])
def test_installed_command_reports_rule_error(command: list[str], reqs: Any, write_json: Any) -> None:
    path = write_json(reqs.make("purchase", {"region": "xx-nowhere-1"}))

    result = subprocess.run([*command, "quote", str(path)], capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"planner: {path}: region.unknown (region): 'xx-nowhere-1' is not a region of catalog huaweicloud-intl-usd"
    ]
    assert '"rule": "region.unknown"' in result.stdout


@pytest.mark.parametrize("command", _scripts(), ids=["console-script", "python-m"])
def test_installed_command_prices_the_seed_example(command: list[str]) -> None:
    result = subprocess.run(
        [*command, "quote", str(REPO / "examples" / "seed-upgrade.json")], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert '"total": "13.02"' in result.stdout
    assert result.stderr == ""


def test_installed_command_bad_json_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"region": "cn-north-4",\n "hosts": 1,,}', encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "planner", "quote", str(path)], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"planner: {path}: request.malformed (line 2 column 13): not valid JSON: "
        "Expecting property name enclosed in double quotes"
    ]
