"""Hostile requests (issue 10, item 6): refused with rule codes, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import planner

ROOT = Path(__file__).resolve().parents[2]
SEED = json.loads((ROOT / "examples" / "seed-upgrade.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("region", ["", "*", "\u0000", "xx-nowhere-1"])
def test_an_unknown_region_with_a_running_subscription_is_region_unknown(region: str) -> None:
    result = planner.quote({**SEED, "region": region})

    assert [(e.rule, e.field) for e in result.errors] == [("region.unknown", "region")]


@pytest.mark.parametrize("where", ["region", "tags"])
def test_a_lone_surrogate_is_not_text(where: str) -> None:
    request = {**SEED, "region": "\ud800"} if where == "region" else {**SEED, "tags": {"env": "\ud800"}}

    result = planner.quote(request)

    field = "region" if where == "region" else "tags.env"
    assert [(e.rule, e.field) for e in result.errors] == [("request.malformed", field)]
