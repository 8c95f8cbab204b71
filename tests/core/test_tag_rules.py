"""Huawei's tag rules (TMS "Tag Naming Rules"), checked by the core: each row a tag, the rule it breaks
(or none) and why. The limits on lengths come from the catalog (128 / 255)."""

from __future__ import annotations

import pytest

import planner

CASES = [
    # (key, value, broken rule or None, why)
    ("env", "prod", None, "letters"),
    ("cost-center_1", "eu-west/2024:a=b+c@d.e", None, "every symbol a value may hold"),
    ("环境", "生产", None, "letters of any script are letters"),
    ("team name", "sec ops", None, "spaces inside are allowed"),
    ("env", "", None, "a value may be empty"),
    ("a/b", "x", "tags.key", "a key cannot hold /, a value can"),
    ("a<b>", "x", "tags.key", "no angle brackets"),
    (" env", "x", "tags.key", "a key does not start with a space"),
    ("env ", "x", "tags.key", "a key does not end with a space"),
    ("_sys_owner", "x", "tags.key", "_sys_ is kept for system tags"),
    ("k" * 129, "x", "tags.key", "a key has at most 128 characters"),
    ("env", "<script>", "tags.value", "no angle brackets in a value"),
    ("env", "a,b", "tags.value", "no commas"),
    ("env", "v" * 256, "tags.value", "a value has at most 255 characters"),
]


@pytest.mark.parametrize(("key", "value", "rule", "why"), CASES, ids=[c[3] for c in CASES])
def test_tag_rules(key: str, value: str, rule: str | None, why: str) -> None:
    request = {
        "region": "cn-north-4",
        "hosts": 5,
        "on": "2024-06-18",
        "action": "purchase",
        "target": {"edition": "standard", "billing_mode": "yearly_monthly", "quota": 5, "term": "1y"},
        "tags": {key: value},
    }
    rules = [p.rule for p in planner.quote(request).errors]
    assert rules == ([rule] if rule else []), why
