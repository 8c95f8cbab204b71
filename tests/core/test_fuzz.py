"""Fuzzing requests and orders with hypothesis (issue 10): whatever arrives, the planner answers with rule codes.

Never a traceback, every refusal rule-coded, every answer writable as UTF-8 JSON, every request it accepts
exports an order that verifies, and no changed order verifies. ``PLANNER_FUZZ_EXAMPLES`` sets the examples
per property (default 150, what CI runs; e.g. ``PLANNER_FUZZ_EXAMPLES=5000 pytest tests/core/test_fuzz.py``).
"""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner import cli

ROOT = Path(__file__).resolve().parents[2]
BASES = [
    json.loads(path.read_text(encoding="utf-8"))
    for path in [ROOT / "examples" / "seed-upgrade.json", *sorted((Path(__file__).parent / "requests").glob("*.json"))]
]
CATALOG = planner.load_catalog()
EXAMPLES = int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Text of any code point, lone surrogates included (JSON's "\ud800" escape gives one).
any_text = st.text(st.characters(blacklist_categories=()), max_size=20)
words = st.sampled_from(
    ["", "*", "\u0000", "cn-north-4", "ae-ad-1", "standard", "professional", "basic", "pay_per_use",
     "yearly_monthly", "1m", "1y", "3y", "0m", "2024-06-18", "2024-02-30", "9999-12-31", "2_2", "1e3", "NaN",
     "data_collection", "upgrade", "renew", "unsubscribe", "<b>x</b>", "\ud800"]
)  # fmt: skip
numbers = st.one_of(
    st.integers(-(10**6), 10**6),
    st.integers(-(10**45), 10**45),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**6), max_value=10**6),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, words, any_text)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(words, any_text), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(_paths(value, (*prefix, key)))
    return out


@st.composite
def requests(draw: st.DrawFn) -> Any:
    """A real request with a few of its values (or keys) replaced by anything JSON can hold."""
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        if not paths or not isinstance(data, dict):
            break
        path = draw(st.sampled_from(paths))
        holder = data
        for part in path[:-1]:
            holder = holder[part]
        choice = draw(st.integers(0, 3))
        if choice == 0:
            del holder[path[-1]]
        elif choice == 1:
            holder[draw(st.one_of(words, any_text))] = draw(json_values)  # an extra (unknown?) key
        else:
            holder[path[-1]] = draw(json_values)
    return draw(st.one_of(st.just(data), st.just(data), st.just(data), json_values))


def _writable(value: Any) -> None:
    json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")  # raises on a lone surrogate


@FUZZ
@given(request=requests())
def test_any_request_gets_a_quote_or_rule_coded_errors(request: Any) -> None:
    result = planner.quote(request, CATALOG)

    answer = result.to_dict()
    _writable(answer)
    if result.ok:
        assert result.total is not None and isinstance(result.total, Decimal)
    else:
        assert result.errors
    for problem in [*result.errors, *result.warnings]:
        assert problem.rule in planner.RULES, problem
        assert isinstance(problem.field, str) and problem.message
    if result.ok and result.request is not None and result.request.accept_disclaimer:
        with tempfile.TemporaryDirectory() as folder:
            files = planner.export_order(request, folder, CATALOG)
            assert planner.verify_order(files.json_path, CATALOG) == []


@FUZZ
@given(request=requests())
def test_any_request_file_is_exit_0_or_2_with_planner_lines(
    request: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "request.json"
    file.write_text(json.dumps(request, ensure_ascii=True, default=str), encoding="utf-8")
    capsys.readouterr()

    code = cli.main(["quote", str(file)])

    err = capsys.readouterr().err
    assert code in (0, 2)
    assert all(line.startswith("planner: ") for line in err.splitlines()), err
    if code == 2:
        assert err


@FUZZ
@given(content=st.binary(max_size=200) | any_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_as_a_request_file_are_exit_0_or_2(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "request.json"
    file.write_bytes(content)
    capsys.readouterr()

    code = cli.main(["quote", str(file)])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("planner: ") and "Traceback" not in err


# -- orders ---------------------------------------------------------------------------------------------
EXPORTED = Path(tempfile.mkdtemp(prefix="planner-fuzz-orders-"))
atexit.register(shutil.rmtree, EXPORTED, True)
ORDER = planner.export_order(BASES[0], EXPORTED, CATALOG)  # the seed upgrade
ORIGINAL = json.loads(ORDER.json_path.read_text(encoding="utf-8"))


@st.composite
def tampered(draw: st.DrawFn) -> Any:
    data = json.loads(json.dumps(ORIGINAL))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)))
        holder = data
        for part in path[:-1]:
            holder = holder[part]
        choice = draw(st.integers(0, 2))
        if choice == 0:
            del holder[path[-1]]
        elif choice == 1:
            holder[draw(words)] = draw(json_values)
        else:
            holder[path[-1]] = draw(json_values)
    return data


@FUZZ
@given(order=tampered())
def test_a_tampered_order_is_refused_with_rule_codes(order: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        json_path = Path(folder) / ORDER.json_path.name
        shutil.copy(ORDER.csv_path, Path(folder) / ORDER.csv_path.name)
        json_path.write_text(json.dumps(order, ensure_ascii=True, default=str), encoding="utf-8")
        try:
            problems = planner.verify_order(json_path, CATALOG)
        except planner.PlannerError as exc:
            problems = exc.problems
            assert problems

    assert all(p.rule in planner.RULES for p in problems), problems
    if order != ORIGINAL:
        assert problems, "a changed order verified"
