"""The README's live flow (fetch → diff → quote → account show → quote the change) is what the planner prints
against the fake Huawei; only the times of the answers differ from run to run."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from planner.cli import main

ROOT = Path(__file__).resolve().parents[2]
TIMES = [(re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "<time>"), (re.compile(r"\d{8}T\d{6}Z"), "<stamp>")]


def _normal(text: str) -> str:
    lines = [line.rstrip() for line in text.rstrip("\n").splitlines()]
    out = "\n".join(lines)
    for pattern, word in TIMES:
        out = pattern.sub(word, out)
    return out


def _steps() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Real prices and the real account", 1)[1].split("\n## ", 1)[0]
    steps = []
    for block in re.findall(r"```console\n(.*?)```", section, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            steps.append((command, output))
    return steps


@pytest.mark.usefixtures("credentials")
def test_the_readme_flow_is_what_the_planner_prints(fake, capfd, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_HUAWEI_ENDPOINT", fake.url)
    for name in ("examples", "data"):
        (tmp_path / name).symlink_to(ROOT / name)
    steps = _steps()
    assert [c.split()[1:3] for c, _ in steps if c.startswith(".venv/bin/planner")] == [
        ["catalog", "fetch"], ["quote", "examples/purchase-1y.json"], ["account", "show"], ["quote", "increase.json"]
    ]  # fmt: skip
    for command, expected in steps:
        args = shlex.split(command)
        capfd.readouterr()
        if args[0] == "cat":
            printed = Path(args[1]).read_text(encoding="utf-8")
        else:
            if args[1:3] == ["quote", "increase.json"]:  # step 5: account.json plus the change the README names
                request = json.loads(Path("account.json").read_text(encoding="utf-8"))
                request.update(on="2026-12-01", action="increase_quota", target={"quota": 200}, accept_disclaimer=True)
                Path("increase.json").write_text(json.dumps(request), encoding="utf-8")
            assert main(args[1:]) == 0, capfd.readouterr().err
            printed = capfd.readouterr().out
        assert _normal(printed) == _normal(expected), command
