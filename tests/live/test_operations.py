"""Never an order, and Huawei's SDK stays out of ``import planner`` (SPEC B8; issue 11)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import planner.live
from planner.live import OPERATIONS, LiveError

LIVE_SOURCES = sorted((Path(planner.live.__file__).parent).glob("*.py"))
READ_ONLY = re.compile(r"^(List|Show)[A-Z]")


def test_every_operation_the_planner_may_call_is_an_inquiry_or_a_read() -> None:
    assert set(OPERATIONS) == {
        "ListRateOnPeriodDetail",
        "ListOnDemandResourceRatings",
        "ListSubscriptionProduct",
        "ListSubscriptionOrder",
        "ListSubscriptionGlobalOrder",
    }
    for name, (method, path) in OPERATIONS.items():
        assert READ_ONLY.match(name), name
        # the only POSTs are the two price inquiries, which rate and never order
        assert method == "GET" or path.startswith("/v2/bills/ratings/"), name


def _sdk_names_used() -> set[str]:
    """Every name the live package imports from Huawei's SDK packages, and every operation name it calls."""
    names: set[str] = set()
    for source in LIVE_SOURCES:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("huaweicloudsdk"):
                names |= {alias.name for alias in node.names}
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"[A-Z][A-Za-z]+Request", node.value)
            ):
                names.add(node.value)
            if isinstance(node, ast.JoinedStr):  # f"{operation}Request": the operation comes from OPERATIONS
                names.add("<dynamic>")
    return names


def test_the_code_can_reach_no_sdk_operation_beyond_the_list() -> None:
    requests = {n for n in _sdk_names_used() if n.endswith("Request")}
    assert requests == {
        "ListSubscriptionProductRequest",
        "ListSubscriptionOrderRequest",
        "ListSubscriptionGlobalOrderRequest",
    }  # the price inquiries' requests are built from OPERATIONS names (_inquiry._sdk_request)
    assert {r.removesuffix("Request") for r in requests} <= set(OPERATIONS)
    text = "\n".join(s.read_text(encoding="utf-8") for s in LIVE_SOURCES)
    calls = set(re.findall(r'\.call\(\s*"?([A-Za-z_]+)"?', text))
    assert calls <= {"operation", "ORDERS", "GLOBAL_ORDERS"}  # all routed through constants of OPERATIONS
    # no SDK client method is called directly: only Huawei.call reaches one, after checking OPERATIONS
    assert re.findall(r"client\.[a-z_]+\(", text) == []
    assert text.count("getattr(client, _snake(operation))") == 1


def test_the_client_refuses_any_other_operation() -> None:
    from planner.live._client import Huawei

    with pytest.raises(LiveError) as caught:
        Huawei(environ={}).call("CreateSubscriptionOrder", object(), object())
    assert caught.value.error_code == "refused"


def test_import_planner_loads_no_huawei_sdk_module() -> None:
    code = (
        "import sys, planner, planner.cli, planner.live; planner.cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.startswith('huaweicloudsdk') or m in ('requests', 'tomli_w')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
