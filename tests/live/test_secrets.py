"""Credentials are never printed, logged, written or put into a message (SPEC B8)."""

from __future__ import annotations

import pytest

from .conftest import FAKE_AK, FAKE_DOMAIN, FAKE_SK, SECRETS
from .fake_huawei import PERIOD_PATH

pytestmark = pytest.mark.usefixtures("credentials")


def test_no_output_and_no_file_holds_a_credential(planner_run, fake, tmp_path):
    leaky = {"error_code": "CBC.0151", "error_msg": f"Access denied for AK {FAKE_AK} in domain {FAKE_DOMAIN}."}
    runs = []
    base = ("--endpoint", fake.url)
    fake.fail_next(PERIOD_PATH, 429, {"error_code": "CBC.0250", "error_msg": f"slow down {FAKE_AK}"})
    runs.append(planner_run("catalog", "fetch", "--out", tmp_path / "a", "--regions", "cn-north-4",
                            "--record", tmp_path / "a.json", *base))  # fmt: skip
    fake.fail_next(PERIOD_PATH, 403, leaky)
    runs.append(planner_run("catalog", "fetch", "--out", tmp_path / "b", "--regions", "cn-north-4", *base))
    fake.fail_next(PERIOD_PATH, 500, None, raw=f"<html>{FAKE_SK}</html>".encode())
    runs.append(planner_run("catalog", "fetch", "--out", tmp_path / "c", "--regions", "cn-north-4", *base))
    runs.append(planner_run("account", "show", "--region", "cn-north-4", "--record", tmp_path / "d.json", *base))
    runs.append(planner_run("account", "show", "--all-regions", "--out", tmp_path / "e.csv", *base))
    runs.append(planner_run("catalog", "fetch", "--out", tmp_path / "f", "--endpoint", "http://127.0.0.1:9"))
    assert [r.code for r in runs] == [0, 2, 2, 0, 0, 2]
    assert "<redacted>" in runs[1].err  # Huawei's own message echoed the key: it is cut out
    written = [p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) >= 5
    for text in [r.out for r in runs] + [r.err for r in runs] + written:
        for secret in SECRETS:
            assert secret not in text
    # the SDK's own logger (its lines carry URLs) says nothing: stderr is the planner's lines only
    for run in runs:
        assert all(line.startswith("planner: ") for line in run.err_lines), run.err


def test_the_fake_did_receive_signed_requests(planner_run, fake):
    """The credentials are used (the SDK signs with them) even though they are never shown."""
    assert planner_run("account", "show", "--region", "cn-north-4", "--endpoint", fake.url).code == 0
    authorization = fake.state.seen[-1].headers.get("Authorization", "")
    assert authorization.startswith("SDK-HMAC-SHA256") and f"Access={FAKE_AK}" in authorization
