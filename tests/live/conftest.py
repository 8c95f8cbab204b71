"""Fixtures for the live tests: a fake Huawei on 127.0.0.1, fake credentials, the CLI run in-process.

Nothing here reaches the network: every call goes to the fake through ``--endpoint``, through Huawei's
real SDK clients. The credentials are fake and distinctive, so a test can grep all output for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner import cli

from .fake_huawei import FakeHuawei

FAKE_AK = "FAKEAKLIVETEST0001"
FAKE_SK = "fakeSecretKeyLiveTest0002xyz"
FAKE_DOMAIN = "fake-domain-0003"
FAKE_PROJECT = "fake-project-cn-north-4"
SECRETS = (FAKE_AK, FAKE_SK, FAKE_DOMAIN)
LIVE_ENV = ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_DOMAIN_ID", "HUAWEICLOUD_SDK_PROJECT_ID")


@pytest.fixture
def fake() -> Iterator[FakeHuawei]:
    with FakeHuawei() as server:
        yield server


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in zip(LIVE_ENV, (FAKE_AK, FAKE_SK, FAKE_DOMAIN, FAKE_PROJECT), strict=True):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PLANNER_HUAWEI_ENDPOINT", raising=False)


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*LIVE_ENV, "PLANNER_HUAWEI_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line]


@pytest.fixture
def planner_run(capfd: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``planner`` in-process; stdout and stderr are captured at the file descriptors (loggers too)."""

    def run(*args: str | Path) -> Run:
        capfd.readouterr()
        code = cli.main([str(a) for a in args])
        out, err = capfd.readouterr()
        return Run(code, out, err)

    return run
