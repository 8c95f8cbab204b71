"""docs/pricing.md's worked examples are what the real CLI answers, so the page cannot drift.

Each example on the page is a fenced ``json request <id>`` block (a request file) followed by a fenced
``json quote`` block: the fields ``planner quote --format json`` must give. In that block an object lists
only the fields it checks, a list must match item by item, and ``null`` means "absent". Every request is
run through ``python -m planner quote FILE`` in a subprocess, exactly as a user would.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import planner

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "pricing.md"
_BLOCK = re.compile(
    r"^```json request (?P<id>[a-z0-9-]+)\n(?P<request>.*?)^```\n(?P<between>.*?)^```json quote\n"
    r"(?P<quote>.*?)^```$",
    re.S | re.M,
)


@dataclass(frozen=True)
class Example:
    id: str
    request: dict[str, Any]
    expected: dict[str, Any]


def read_examples() -> list[Example]:
    text = DOC.read_text(encoding="utf-8")
    examples = []
    for match in _BLOCK.finditer(text):
        assert "```" not in match["between"], f"{match['id']}: another block between the request and its quote"
        examples.append(Example(match["id"], json.loads(match["request"]), json.loads(match["quote"])))
    return examples


EXAMPLES = read_examples()


def mismatches(expected: Any, actual: Any, path: str = "") -> dict[str, str]:
    """Every difference between the expected fields and the answer, by field path."""
    found: dict[str, str] = {}
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return {path: f"expected an object, got {actual!r}"}
        for key, value in expected.items():
            where = f"{path}.{key}" if path else key
            if value is None:
                if key in actual:
                    found[where] = f"expected absent, got {actual[key]!r}"
            elif key not in actual:
                found[where] = f"expected {value!r}, absent"
            else:
                found.update(mismatches(value, actual[key], where))
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return {path: f"expected {len(expected)} items, got {actual!r}"}
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found.update(mismatches(want, got, f"{path}[{index}]"))
    elif type(expected) is not type(actual) or expected != actual:
        found[path] = f"expected {expected!r}, got {actual!r}"
    return found


@cache
def cli_answer(example_id: str) -> tuple[int, dict[str, Any], str]:
    """``planner quote`` of the example's request: exit code, the JSON printed, stderr."""
    example = next(e for e in EXAMPLES if e.id == example_id)
    folder = ROOT / "test-output" / "pricing-doc"
    folder.mkdir(parents=True, exist_ok=True)
    request_file = folder / f"{example.id}.json"
    request_file.write_text(json.dumps(example.request, indent=2), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "planner", "quote", str(request_file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    return run.returncode, json.loads(run.stdout) if run.stdout.strip() else {}, run.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.id for example in EXAMPLES])
def test_the_worked_example_is_what_the_cli_answers(example: Example) -> None:
    code, answer, stderr = cli_answer(example.id)
    assert code == 0, f"planner quote exited {code}: {stderr}"
    found = mismatches(example.expected, answer)
    assert not found, f"{example.id}: " + "; ".join(f"{path}: {why}" for path, why in found.items())


def test_the_page_works_an_example_of_every_action() -> None:
    ids = [example.id for example in EXAMPLES]
    assert len(ids) == len(set(ids)), "two examples share an id"
    assert {example.request["action"] for example in EXAMPLES} == set(planner.ACTIONS)
    assert DOC.read_text(encoding="utf-8").count("```json request") == len(EXAMPLES), "a request without its quote"


def test_mismatches_names_every_kind_of_difference() -> None:
    expected = {"total": "1.00", "gone": None, "lines": [{"amount": "1.00"}], "flag": False}
    assert mismatches(expected, {"total": "1.00", "lines": [{"amount": "1.00", "x": 1}], "flag": False}) == {}
    found = mismatches(expected, {"total": "1.01", "gone": "x", "lines": [], "flag": "false"})
    assert set(found) == {"total", "gone", "lines", "flag"}
    assert set(mismatches({"lines": [{"amount": "1.00"}]}, {"lines": [{"amount": "2.00"}]})) == {"lines[0].amount"}
    assert set(mismatches({"refund": {"amount": "1"}}, {"refund": {"refund": "1"}})) == {"refund.amount"}
