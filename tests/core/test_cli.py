"""The ``planner`` command line (SPEC B5): quote, options, export, verify and catalog check.

Exit 0 when all is well, 2 on rule errors or bad input; bad input of any kind gets one line per problem
on stderr naming the file and the field, and never a traceback.
"""

from __future__ import annotations

import itertools
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed-upgrade.json"
DATA = REPO / "data"
DELETE = "__delete__"  # conftest's Requests.DELETE
START = "2024-06-01"  # options are priced from a fixed day so that totals do not move with the calendar


def _no_traceback(result: Any) -> None:
    assert "Traceback" not in result.err
    assert "Traceback" not in result.out


def _one_line(result: Any) -> str:
    """The single ``planner:`` line a bad input gets on stderr."""
    _no_traceback(result)
    lines = [line for line in result.err_lines if line.startswith("planner:")]
    assert len(lines) == 1, result.err
    return lines[0]


# -- quote ---------------------------------------------------------------------------------------------------
def test_quote_seed_example_json(run_cli: Any) -> None:
    result = run_cli("quote", SEED)

    assert result.code == 0, result.err
    assert result.err == ""
    quote = result.json()
    assert quote["ok"] is True
    assert (quote["currency"], quote["total"], quote["expires"]) == ("USD", "13.02", "2024-07-08")
    [line] = quote["lines"]
    assert line["periods"] == "0.65806452"
    assert line["amount"] == "13.02"
    assert line["truncated"] == "0.00967750"
    assert line["math"] == "(22 × 1 − 2.2 × 1) × 0.65806452 = 13.02967750 → 13.02 due (0.00967750 cut off by truncate)"
    assert quote["catalog"]["id"] == "huaweicloud-intl-usd"
    assert quote["errors"] == [] and quote["warnings"] == []


def test_quote_seed_example_table(run_cli: Any) -> None:
    result = run_cli("quote", SEED, "--format", "table")

    assert result.code == 0, result.err
    assert "Total due now: 13.02 USD" in result.out
    assert "(22 × 1 − 2.2 × 1) × 0.65806452 =" in result.out
    assert "13.02967750 → 13.02 due" in result.out
    assert "Expires: 2024-07-08" in result.out
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.out)


def test_quote_table_lists_broken_rules(reqs: Any, write_json: Any, run_cli: Any) -> None:
    path = write_json(reqs.make("purchase", {"region": "xx-nowhere-1"}))

    result = run_cli("quote", path, "--format", "table")

    assert result.code == 2
    assert "cannot be priced" in result.out
    assert "region.unknown" in result.out
    assert _one_line(result).startswith(f"planner: {path}: region.unknown (region):")


def test_quote_with_the_china_catalog(run_cli: Any) -> None:
    result = run_cli("quote", SEED, "--catalog", DATA / "cn-cny")

    assert result.code == 0, result.err
    quote = result.json()
    assert (quote["currency"], quote["total"]) == ("CNY", "88.83")  # (150 − 15) × 0.65806452 = 88.838…


def test_quote_with_a_missing_catalog_folder(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli("quote", SEED, "--catalog", tmp_path / "nowhere")

    assert result.code == 2
    assert result.out == ""
    line = _one_line(result)
    assert "catalog.invalid" in line and str(tmp_path / "nowhere") in line


def test_quote_pay_per_use_gives_hourly_and_monthly_estimate(reqs: Any, write_json: Any, run_cli: Any) -> None:
    request = reqs.make(
        "purchase", {"target": {"edition": "professional", "billing_mode": "pay_per_use", "term": DELETE}}
    )

    quote = run_cli("quote", write_json(request)).json()

    assert quote["total"] == "0.00"
    assert "expires" not in quote
    assert Decimal(quote["hourly"]) == Decimal("0.0362") * 10
    assert quote["monthly_estimate"] == "264.26"  # 0.362 × 730 = 264.26


# -- options -------------------------------------------------------------------------------------------------
def _options(run_cli: Any, *args: str) -> list[dict[str, Any]]:
    result = run_cli("options", "--start", START, "--format", "json", *args)
    assert result.code == 0, result.err
    return result.json()


def test_options_are_ranked_by_total(run_cli: Any) -> None:
    found = _options(run_cli, "--region", "cn-north-4", "--hosts", "10")

    totals = [Decimal(o["total"]) for o in found]
    assert totals == sorted(totals)
    assert [o["rank"] for o in found] == list(range(1, len(found) + 1))
    kinds = {(o["edition"], o["billing_mode"]) for o in found}
    assert kinds == {
        ("basic", "yearly_monthly"),
        ("standard", "yearly_monthly"),
        ("professional", "yearly_monthly"),
        ("professional", "pay_per_use"),
    }
    terms = {o["term"] for o in found if o["edition"] == "standard"}
    assert terms == {"1m", "2m", "3m", "4m", "5m", "6m", "7m", "8m", "9m", "1y", "2y", "3y"}
    # 36 months of standard for 10 hosts at 2.2 USD with the 3-year factor 0.5: 2.2 × 10 × 36 × 0.5
    assert next(o for o in found if o["label"] == "standard yearly/monthly 3y")["total"] == "396.00"


def test_options_only_what_the_region_sells(run_cli: Any) -> None:
    found = _options(run_cli, "--region", "ae-ad-1", "--hosts", "10")

    assert [(o["edition"], o["billing_mode"], o["term"]) for o in found] == [("professional", "pay_per_use", None)]


def test_options_horizon_in_years_equals_months(run_cli: Any) -> None:
    in_years = _options(run_cli, "--region", "cn-north-4", "--hosts", "10", "--horizon", "3y")
    in_months = _options(run_cli, "--region", "cn-north-4", "--hosts", "10", "--horizon", "36m")
    one_year = _options(run_cli, "--region", "cn-north-4", "--hosts", "10", "--horizon", "12m")

    assert in_years == in_months
    by_label = {o["label"]: Decimal(o["total"]) for o in one_year}
    assert by_label["professional pay-per-use"] == Decimal("0.362") * 730 * 12
    for option in in_years:
        if option["edition"] != "basic":
            assert Decimal(option["total"]) > by_label[option["label"]], option["label"]


def test_options_growth_plans_quota_increases(run_cli: Any) -> None:
    flat = {o["label"]: o for o in _options(run_cli, "--region", "cn-north-4", "--hosts", "10")}
    growing = _options(run_cli, "--region", "cn-north-4", "--hosts", "10", "--growth", "5")

    for option in growing:
        increases = option["quota_increases"]
        assert increases, option["label"]
        assert increases[0]["from"] == 10
        assert all(a["to"] == b["from"] for a, b in itertools.pairwise(increases))
        assert all(step["to"] > step["from"] for step in increases)
        assert [step["on"] for step in increases] == sorted(step["on"] for step in increases)
        assert Decimal(option["total"]) >= Decimal(flat[option["label"]]["total"])
        assert flat[option["label"]]["quota_increases"] == []


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--region", "xx-nowhere-1", "--hosts", "10"], "--region"),
        (["--region", "cn-north-4", "--hosts", "-1"], "--hosts"),
        (["--region", "cn-north-4", "--hosts", "10001"], "--hosts"),
        (["--region", "cn-north-4", "--hosts", "ten"], "--hosts"),
        (["--region", "cn-north-4", "--hosts", "10", "--horizon", "0m"], "--horizon"),
        (["--region", "cn-north-4", "--hosts", "10", "--horizon", "soon"], "--horizon"),
        (["--region", "cn-north-4", "--hosts", "10", "--horizon", "1000y"], "--horizon"),
        (["--region", "cn-north-4", "--hosts", "10", "--growth", "-5"], "--growth"),
        (["--region", "cn-north-4", "--hosts", "10", "--growth", "lots"], "--growth"),
        (["--region", "cn-north-4", "--hosts", "10", "--start", "June"], "--start"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_options_bad_input_exits_2_with_one_line(args: list[str], option: str, run_cli: Any) -> None:
    result = run_cli("options", *args)

    assert result.code == 2
    assert result.out == ""
    assert option in _one_line(result)


# -- export --------------------------------------------------------------------------------------------------
def test_export_writes_two_files_and_prints_their_paths(tmp_path: Path, run_cli: Any) -> None:
    out = tmp_path / "orders"

    result = run_cli("export", SEED, "--out", out)

    assert result.code == 0, result.err
    json_path, csv_path = (Path(line) for line in result.out.splitlines())
    assert json_path.parent == csv_path.parent == out
    assert json_path.suffix == ".json" and csv_path.suffix == ".csv"
    assert json_path.stem == csv_path.stem
    assert sorted(p.name for p in out.iterdir()) == sorted([json_path.name, csv_path.name])
    order = json.loads(json_path.read_text(encoding="utf-8"))
    assert order["order_id"] == json_path.stem
    assert order["total"] == "13.02"


def test_second_export_never_overwrites(tmp_path: Path, run_cli: Any) -> None:
    out = tmp_path / "orders"
    first = run_cli("export", SEED, "--out", out).out.splitlines()
    before = {p: Path(p).read_bytes() for p in first}

    second = run_cli("export", SEED, "--out", out)

    assert second.code == 0, second.err
    assert set(second.out.splitlines()).isdisjoint(first)
    assert len(list(out.iterdir())) == 4
    assert {p: Path(p).read_bytes() for p in first} == before
    ids = {json.loads(Path(p).read_text(encoding="utf-8"))["order_id"] for p in first[:1] + second.out.splitlines()[:1]}
    assert len(ids) == 2


def test_export_into_a_file_exits_2_and_leaves_nothing(tmp_path: Path, run_cli: Any) -> None:
    blocker = tmp_path / "orders"
    blocker.write_text("not a folder", encoding="utf-8")

    for out in (blocker, blocker / "sub"):
        result = run_cli("export", SEED, "--out", out)

        assert result.code == 2
        assert result.out == ""
        line = _one_line(result)
        assert line.startswith(f"planner: {SEED}: order.write (--out):")
        assert str(out) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders"]
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_export_refused_by_the_file_system_exits_2_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    # What a read-only folder does to a user who is not root: the final link into place is refused.
    import planner._order

    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(planner._order.os, "link", refuse)
    out = tmp_path / "orders"

    result = run_cli("export", SEED, "--out", out)

    assert result.code == 2
    assert result.out == ""
    line = _one_line(result)
    assert line.startswith(f"planner: {SEED}: order.write (--out): cannot write into {out}")
    assert "Permission denied" in line
    assert list(out.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_export_into_a_read_only_folder_exits_2_and_leaves_nothing(tmp_path: Path, run_cli: Any) -> None:
    out = tmp_path / "orders"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = run_cli("export", SEED, "--out", out)
    finally:
        out.chmod(0o755)

    assert result.code == 2
    assert "order.write (--out)" in _one_line(result)
    assert list(out.iterdir()) == []


def test_export_of_a_request_that_breaks_rules_writes_nothing(
    tmp_path: Path, reqs: Any, write_json: Any, run_cli: Any
) -> None:
    path = write_json(reqs.make("purchase", {"hosts": 11, "target": {"term": "13m"}}))
    out = tmp_path / "orders"

    result = run_cli("export", path, "--out", out)

    assert result.code == 2
    assert result.out == ""
    assert sorted(line.split(": ")[2].split(" ")[0] for line in result.err_lines) == [
        "quota.below_hosts",
        "term.invalid",
    ]
    assert not out.exists() or list(out.iterdir()) == []


# -- verify --------------------------------------------------------------------------------------------------
@pytest.fixture
def exported(tmp_path: Path, run_cli: Any) -> tuple[Path, Path]:
    result = run_cli("export", SEED, "--out", tmp_path / "orders")
    assert result.code == 0, result.err
    json_path, csv_path = (Path(line) for line in result.out.splitlines())
    return json_path, csv_path


def _rules_on_stderr(result: Any, order: Path) -> set[str]:
    _no_traceback(result)
    prefix = f"planner: {order}: "
    assert all(line.startswith(prefix) for line in result.err_lines), result.err
    return {line[len(prefix) :].split(" ")[0] for line in result.err_lines}


def test_verify_ok(exported: tuple[Path, Path], run_cli: Any) -> None:
    order, _ = exported

    result = run_cli("verify", order)

    assert result.code == 0, result.err
    assert result.out.startswith(f"{order}: ok")
    assert result.err == ""


def test_verify_ok_with_the_pinned_catalog_given(exported: tuple[Path, Path], run_cli: Any) -> None:
    result = run_cli("verify", exported[0], "--catalog", DATA / "intl-usd")

    assert result.code == 0, result.err


def test_verify_tampered_amount(exported: tuple[Path, Path], run_cli: Any) -> None:
    order = exported[0]
    data = json.loads(order.read_text(encoding="utf-8"))
    data["total"] = "1.00"
    order.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")

    result = run_cli("verify", order)

    assert result.code == 2
    assert {"order.checksum", "order.mismatch"} <= _rules_on_stderr(result, order)


def test_verify_tampered_amount_with_a_fixed_checksum_still_mismatches(
    exported: tuple[Path, Path], run_cli: Any
) -> None:
    from planner._order import order_checksum

    order = exported[0]
    data = json.loads(order.read_text(encoding="utf-8"))
    data["lines"][0]["amount"] = "1.00"
    data["checksum"]["value"] = order_checksum(data)
    order.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")

    result = run_cli("verify", order)

    assert result.code == 2
    assert _rules_on_stderr(result, order) == {"order.mismatch"}
    assert any("order.mismatch (lines)" in line for line in result.err_lines)


def test_verify_tampered_csv(exported: tuple[Path, Path], run_cli: Any) -> None:
    order, csv_path = exported
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace("13.02", "1.02"), encoding="utf-8")

    result = run_cli("verify", order)

    assert result.code == 2
    assert _rules_on_stderr(result, order) == {"order.checksum", "order.mismatch"}
    assert "order.checksum (files.csv_sha256)" in result.err
    assert "order.mismatch (files.csv)" in result.err


def test_verify_missing_csv(exported: tuple[Path, Path], run_cli: Any) -> None:
    order, csv_path = exported
    csv_path.unlink()

    result = run_cli("verify", order)

    assert result.code == 2
    assert _rules_on_stderr(result, order) == {"order.checksum"}
    assert "order.checksum (files.csv)" in result.err
    assert csv_path.name in result.err


def test_verify_against_a_different_catalog(exported: tuple[Path, Path], run_cli: Any) -> None:
    order = exported[0]

    result = run_cli("verify", order, "--catalog", DATA / "cn-cny")

    assert result.code == 2
    rules = _rules_on_stderr(result, order)
    assert "order.catalog" in rules
    assert "huaweicloud-intl-usd" in result.err and "huaweicloud-cn-cny" in result.err


@pytest.mark.parametrize("member", ["catalog", "files"])
def test_verify_an_order_with_a_mangled_member(member: str, exported: tuple[Path, Path], run_cli: Any) -> None:
    order = exported[0]
    data = json.loads(order.read_text(encoding="utf-8"))
    data[member] = "x"
    order.write_text(json.dumps(data), encoding="utf-8")

    result = run_cli("verify", order)

    assert result.code == 2
    _no_traceback(result)
    assert _rules_on_stderr(result, order) & {"order.format", "order.checksum"}


def test_verify_a_file_that_is_not_an_order(run_cli: Any) -> None:
    result = run_cli("verify", SEED)

    assert result.code == 2
    assert _one_line(result).startswith(f"planner: {SEED}: order.format")


def test_verify_a_missing_file(tmp_path: Path, run_cli: Any) -> None:
    missing = tmp_path / "SM-none.json"

    result = run_cli("verify", missing)

    assert result.code == 2
    assert str(missing) in _one_line(result)


# -- catalog check -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "regions"), [("intl-usd", 21), ("cn-cny", None)])
def test_catalog_check_ok(name: str, regions: int | None, run_cli: Any) -> None:
    result = run_cli("catalog", "check", DATA / name)

    assert result.code == 0, result.err
    assert result.out.startswith(f"{DATA / name}: ok")
    assert f"huaweicloud-{name}" in result.out
    if regions:
        assert f"{regions} regions" in result.out


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


STANDARD_ROW = "*,standard,yearly_monthly,quota,month,2.2,"
BROKEN_CATALOGS = {
    # name: (file, old, new, expected "(where)", expected words in the reason)
    "bad header": ("prices.csv", "region,item,billing_mode", "region,item,mode", "(prices.csv:1)", "header must be"),
    "unknown region": ("prices.csv", "*,basic,", "xx-nowhere-9,basic,", "(prices.csv:2:region)", "'xx-nowhere-9'"),
    "negative price": ("prices.csv", ",2.2,", ",-2.2,", "(prices.csv:3:price)", "'-2.2'"),
    "not a price": ("prices.csv", ",2.2,", ",2,2,", "(prices.csv:3)", "wrong number of columns"),
    "bad source": (
        "prices.csv",
        "2.2,https://support.huaweicloud.com/intl/en-us/price-secmaster/secmaster_04_0007.html",
        "2.2,somewhere",
        "(prices.csv:3:source)",
        "illustrative",
    ),
    "duplicate row": (
        "prices.csv",
        "*,professional,pay_per_use,quota,hour,0.0362,illustrative\n",
        "*,professional,pay_per_use,quota,hour,0.0362,illustrative\n"
        "*,professional,pay_per_use,quota,hour,0.04,illustrative\n",
        "(prices.csv:6)",
        "duplicate price for */professional/pay_per_use (first on row 5)",
    ),
    "missing price for a sold edition": (
        "prices.csv",
        STANDARD_ROW + "https://support.huaweicloud.com/intl/en-us/price-secmaster/secmaster_04_0007.html\n",
        "",
        "(catalog.toml:regions.cn-north-4.sells.standard)",
        "no price for standard yearly_monthly",
    ),
    "bad TOML": ("catalog.toml", "quota_min = 1", "quota_min = = 1", "(catalog.toml)", "not valid TOML"),
    "unknown key": (
        "catalog.toml",
        "hosts_max = 10000",
        'hosts_max = 10000\ncolour = "red"',
        "(catalog.toml:limits.colour)",
        "Extra inputs",
    ),
    "quota_min above quota_max": (
        "catalog.toml",
        "quota_min = 1",
        "quota_min = 10001",
        "(catalog.toml:limits.quota_min)",
        "greater than quota_max",
    ),
    "unknown rounding": (
        "catalog.toml",
        'rounding = "truncate"',
        'rounding = "bankers"',
        "(catalog.toml:rounding)",
        "truncate",
    ),
    "sold edition unknown": (
        "catalog.toml",
        'ae-ad-1 = { name = "AE-Abu Dhabi", sells = { professional',
        'ae-ad-1 = { name = "AE-Abu Dhabi", sells = { gold = ["pay_per_use"], professional',
        "(catalog.toml:regions.ae-ad-1.sells.gold)",
        "unknown edition",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN_CATALOGS))
def test_catalog_check_names_file_row_and_reason(name: str, catalog_copy: Any, run_cli: Any) -> None:
    file, old, new, where, reason = BROKEN_CATALOGS[name]
    folder = catalog_copy("intl-usd")
    _edit(folder / file, old, new)

    result = run_cli("catalog", "check", folder)

    assert result.code == 2
    assert result.out == ""
    _no_traceback(result)
    assert all(line.startswith(f"planner: {folder}: catalog.invalid (") for line in result.err_lines), result.err
    matching = [line for line in result.err_lines if where in line]
    assert matching, result.err
    assert any(reason in line for line in matching), matching


def test_catalog_check_lists_every_problem_at_once(catalog_copy: Any, run_cli: Any) -> None:
    folder = catalog_copy("intl-usd")
    prices = folder / "prices.csv"
    _edit(prices, "*,basic,", "xx-nowhere-9,basic,")
    _edit(prices, ",2.2,", ",-2.2,")
    _edit(
        prices,
        "*,large_screen,yearly_monthly,screen,month,300,illustrative",
        "*,large_screen,yearly_monthly,screen,month,300,guess",
    )
    _edit(folder / "catalog.toml", "quota_min = 1", "quota_min = 10001")

    result = run_cli("catalog", "check", folder)

    assert result.code == 2
    for where in (
        "(prices.csv:2:region)",
        "(prices.csv:3:price)",
        "(prices.csv:6:source)",
        "(catalog.toml:limits.quota_min)",
    ):
        assert where in result.err, where


def test_catalog_check_missing_prices_file(catalog_copy: Any, run_cli: Any) -> None:
    folder = catalog_copy("intl-usd")
    (folder / "prices.csv").unlink()

    result = run_cli("catalog", "check", folder)

    assert result.code == 2
    assert "catalog.invalid (prices.csv): missing file" in _one_line(result)


def test_catalog_check_not_a_folder(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli("catalog", "check", tmp_path / "nowhere")

    assert result.code == 2
    assert str(tmp_path / "nowhere") in _one_line(result)


def test_catalog_check_reports_toml_and_csv_problems_together(catalog_copy: Any, run_cli: Any) -> None:
    folder = catalog_copy("intl-usd")
    _edit(folder / "catalog.toml", "hosts_max = 10000", 'hosts_max = 10000\ncolour = "red"')
    _edit(folder / "prices.csv", ",2.2,", ",-2.2,")

    result = run_cli("catalog", "check", folder)

    assert result.code == 2
    assert "(catalog.toml:limits.colour)" in result.err
    assert "(prices.csv:3:price)" in result.err


def test_catalog_check_reports_bad_toml_and_csv_problems_together(catalog_copy: Any, run_cli: Any) -> None:
    folder = catalog_copy("intl-usd")
    _edit(folder / "catalog.toml", "quota_min = 1", "quota_min = = 1")
    _edit(folder / "prices.csv", ",2.2,", ",-2.2,")

    result = run_cli("catalog", "check", folder)

    assert result.code == 2
    _no_traceback(result)
    assert "(catalog.toml): not valid TOML" in result.err
    assert "(prices.csv:3:price)" in result.err


def test_an_absurd_price_is_refused_by_the_catalog_check(catalog_copy: Any, run_cli: Any) -> None:
    folder = catalog_copy("intl-usd")
    _edit(folder / "prices.csv", ",2.2,", ",1e999999999,")

    checked = run_cli("catalog", "check", folder)
    quoted = run_cli("quote", SEED, "--catalog", folder)

    assert checked.code == 2 and "(prices.csv:3:price)" in checked.err
    assert quoted.code == 2 and "Traceback" not in quoted.err


# -- bad input of every kind ---------------------------------------------------------------------------------
def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "request.json"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"region": "cn-north-4",\n "hosts": 1,,}', "request.malformed (line 2 column 13): not valid JSON"),
        (b"", "request.malformed (line 1 column 1): not valid JSON"),
        (b"\xff\xfe{}", "request.malformed: not UTF-8 text"),
        (b'{"region": "cn-north-4", "hosts": 1}'.decode().encode("utf-16"), "not UTF-8"),
        (b"[1, 2]", "request.malformed: a request is a JSON object"),
        (b'"purchase"', "request.malformed: a request is a JSON object"),
    ],
    ids=["bad JSON", "empty", "not UTF-8", "UTF-16", "array", "string"],
)
def test_unreadable_request_exits_2_with_one_line(content: bytes, expected: str, tmp_path: Path, run_cli: Any) -> None:
    path = _write(tmp_path, content)

    result = run_cli("quote", path)

    assert result.code == 2
    line = _one_line(result)
    assert line.startswith(f"planner: {path}: ")
    assert expected in line


def test_missing_request_file(tmp_path: Path, run_cli: Any) -> None:
    missing = tmp_path / "nope.json"

    result = run_cli("quote", missing)

    assert result.code == 2
    assert result.out == ""
    assert _one_line(result) == f"planner: {missing}: request.malformed: no such file"


def test_request_path_is_a_folder(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli("quote", tmp_path)

    assert result.code == 2
    assert _one_line(result) == f"planner: {tmp_path}: request.malformed: is a folder, not a file"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"hosts": "ten"}, "hosts.invalid (hosts)"),
        ({"hosts": 10.0}, "hosts.invalid (hosts)"),
        ({"hosts": True}, "hosts.invalid (hosts)"),
        ({"region": 4}, "region.unknown (region)"),
        ({"on": 20240618}, "(on)"),
        ({"accept_disclaimer": "yes"}, "request.malformed (accept_disclaimer)"),
        ({"target": {"quota": "10"}}, "quota.invalid (target.quota)"),
        ({"target": {"packages": {"data_collection": "5"}}}, "package.size (target.packages.data_collection)"),
        ({"target": {"packages": ["data_collection"]}}, "(target.packages)"),
        ({"target": {"auto_renew": 1}}, "request.malformed (target.auto_renew)"),
        ({"tags": {"env": 1}}, "tags.value (tags.env)"),
        ({"tags": ["env"]}, "(tags)"),
        ({"target": "professional"}, "request.malformed (target)"),
    ],
    ids=lambda v: json.dumps(v) if isinstance(v, dict) else None,
)
def test_wrong_types_exit_2_naming_the_field(
    changes: dict[str, Any], expected: str, reqs: Any, write_json: Any, run_cli: Any
) -> None:
    path = write_json(reqs.make("purchase", changes))

    result = run_cli("quote", path)

    assert result.code == 2
    line = _one_line(result)
    assert line.startswith(f"planner: {path}: ")
    assert expected in line


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"colour": "blue"}, "colour"),
        ({"target": {"colour": "blue"}}, "target.colour"),
        ({"target": {"edtion": "professional"}}, "target.edtion"),
    ],
    ids=["top level", "in target", "typo"],
)
def test_unknown_keys_exit_2(changes: dict[str, Any], field: str, reqs: Any, write_json: Any, run_cli: Any) -> None:
    path = write_json(reqs.make("purchase", changes))

    result = run_cli("quote", path)

    assert result.code == 2
    assert f"request.malformed ({field}): unknown key" in _one_line(result)


def test_unknown_key_in_current(reqs: Any, write_json: Any, run_cli: Any) -> None:
    path = write_json(reqs.make("upgrade", {"current": {"expiry": "2024-07-08"}}))

    result = run_cli("quote", path)

    assert result.code == 2
    assert "request.malformed (current.expiry): unknown key" in _one_line(result)


def test_duplicate_tag_key_exits_2(tmp_path: Path, run_cli: Any) -> None:
    path = _write(
        tmp_path, (SEED.read_text(encoding="utf-8").replace('{"env": "prod"}', '{"env": "a", "env": "b"}')).encode()
    )

    result = run_cli("quote", path)

    assert result.code == 2
    line = _one_line(result)
    assert line.startswith(f"planner: {path}: tags.key")
    assert "env" in line and "twice" in line


def test_duplicate_tag_key_names_its_path(tmp_path: Path, run_cli: Any) -> None:
    path = _write(
        tmp_path, (SEED.read_text(encoding="utf-8").replace('{"env": "prod"}', '{"env": "a", "env": "b"}')).encode()
    )

    assert "tags.key (tags.env)" in _one_line(run_cli("quote", path))


def test_duplicate_top_level_key_is_malformed(tmp_path: Path, run_cli: Any) -> None:
    path = _write(
        tmp_path,
        SEED.read_text(encoding="utf-8")
        .replace('"region": "cn-north-4",', '"region": "cn-north-4", "region": "cn-east-3",')
        .encode(),
    )

    result = run_cli("quote", path)

    assert result.code == 2
    assert _one_line(result).startswith(f"planner: {path}: request.malformed (region)")


def test_duplicate_non_text_key_exits_2(tmp_path: Path, run_cli: Any) -> None:
    path = _write(tmp_path, SEED.read_text(encoding="utf-8").replace('"hosts": 1,', '"hosts": 1, "hosts": 2,').encode())

    result = run_cli("quote", path)

    assert result.code == 2
    assert _one_line(result).startswith(f"planner: {path}: request.malformed (hosts): key given twice")


def test_money_as_a_decimal_string_is_accepted(reqs: Any, write_json: Any, run_cli: Any) -> None:
    path = write_json(_unsubscribe(reqs, "22.00"))

    result = run_cli("quote", path)

    assert result.code == 0, result.err
    assert result.json()["refund"]


def _unsubscribe(reqs: Any, paid: Any) -> dict[str, Any]:
    return reqs.make(
        "upgrade",
        {
            "action": "unsubscribe",
            "on": "2024-06-20",
            "current": {"paid": paid, "purchased_at": "2024-06-08T10:00:00+08:00"},
            "target": DELETE,
        },
    )


def test_money_as_a_json_number_is_read_exactly(reqs: Any, write_json: Any, run_cli: Any) -> None:
    # Decision: a JSON number in a file is parsed as an exact Decimal (never a binary float), so it is
    # accepted; the Python API refuses a float, whose exact value is already lost.
    path = write_json(_unsubscribe(reqs, 22.5))

    result = run_cli("quote", path)

    assert result.code == 0, result.err
    assert json.loads(result.out)["refund"]["paid"] == "22.50"


def test_money_as_a_python_float_is_refused_by_the_api(reqs: Any) -> None:
    import planner

    result = planner.quote(_unsubscribe(reqs, 22.5))

    assert [(e.rule, e.field) for e in result.errors] == [("request.malformed", "current.paid")]


def test_no_command_exits_2(run_cli: Any) -> None:
    result = run_cli()

    assert result.code == 2
    assert "Traceback" not in result.err
    assert result.err_lines[-1].startswith("planner: ")
