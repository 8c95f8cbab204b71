"""The README's "Running it for a team" nginx example is a real nginx configuration, and a safe one.

It is cut out of the README and parsed by ``crossplane`` (nginx's own parser in Python): a typo, a
missing semicolon or an unknown block fails here. Then what makes it safe is checked on the parsed
tree: a login before the app, sticky sessions over loopback-only processes, the websocket upgrade, the
Origin check and a loopback Host for Voila.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import crossplane
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    team = readme.split("## Running it for a team", 1)[1]
    block = re.search(r"```nginx\n(.*?)```", team, re.S)
    assert block, "the team section lost its nginx example"
    path = tmp_path_factory.mktemp("nginx") / "planner.conf"
    # a conf.d file lives inside nginx's http block
    path.write_text("http {\n" + block.group(1) + "}\n", encoding="utf-8")
    parsed = crossplane.parse(str(path), single=True, strict=False, check_ctx=True, check_args=True)
    assert parsed["status"] == "ok", parsed["errors"]
    return parsed["config"][0]["parsed"][0]["block"]


def _all(block: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [d for d in block if d["directive"] == name]


def _one(block: list[dict[str, Any]], name: str, *args: str) -> dict[str, Any]:
    found = [d for d in _all(block, name) if d["args"][: len(args)] == list(args)]
    assert len(found) == 1, f"{name} {args}: {len(found)} found"
    return found[0]


def test_the_upstream_is_sticky_and_loopback_only(config: list[dict[str, Any]]) -> None:
    upstream = _one(config, "upstream", "planner")["block"]
    assert _one(upstream, "hash")["args"][-1] == "consistent"
    assert "$cookie_" in _one(upstream, "hash")["args"][0]  # the login session picks the process
    servers = [d["args"][0] for d in _all(upstream, "server")]
    assert len(servers) >= 2
    assert all(s.startswith("127.0.0.1:") for s in servers), servers


def test_the_app_is_behind_a_login_with_websockets_and_checks(config: list[dict[str, Any]]) -> None:
    server = _one(config, "server")["block"]
    app = _one(server, "location", "/")["block"]
    assert _one(app, "auth_request")["args"] == ["/oauth2/auth"]
    assert _one(app, "proxy_pass")["args"] == ["http://planner"]
    headers = {d["args"][0]: d["args"][1] for d in _all(app, "proxy_set_header")}
    assert headers["Upgrade"] == "$http_upgrade" and headers["Connection"] == "$connection_upgrade"
    assert headers["Host"] in {"127.0.0.1", "localhost"}
    origin_check = _one(app, "if")
    assert "$http_origin" in origin_check["args"] and _one(origin_check["block"], "return")["args"] == ["403"]
    auth = _one(server, "location", "=", "/oauth2/auth")["block"]
    assert _all(auth, "internal")
    assert _one(server, "listen")["args"][:2] == ["443", "ssl"]
