"""The README's worked example is what the command really prints."""

import re
from pathlib import Path

from planner.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_shows_the_seed_quote_as_printed(capsys, monkeypatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ \.venv/bin/planner (quote [^\n]+)\n(.*?)```", readme, re.S)
    assert block, "the README lost its worked example"
    monkeypatch.chdir(ROOT)

    assert main(block.group(1).split()[:]) == 0

    printed = "\n".join(line.rstrip() for line in capsys.readouterr().out.splitlines())
    assert printed == block.group(2).rstrip("\n")
