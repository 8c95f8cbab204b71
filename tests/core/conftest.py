"""Fixtures for the core tests: request files on disk and the CLI run in-process.

The base requests live in ``tests/core/requests/`` as the JSON a user would write; a test takes one,
changes what it is about (``with_changes``), writes it to ``tmp_path`` and runs ``planner`` on it.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from planner import cli

REQUESTS_DIR = Path(__file__).parent / "requests"
DELETE = "__delete__"  # a change that removes the key


def _merge(request: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(request))
    for key, value in changes.items():
        if value is DELETE:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping) and key not in ("tags", "packages"):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class Requests:
    """Base requests from ``tests/core/requests/<name>.json``, with changes merged in.

    ``requests.make("upgrade", {"target": {"edition": "basic"}})``: nested objects merge, ``tags`` and
    ``packages`` are replaced whole, and ``requests.DELETE`` removes a key.
    """

    DELETE = DELETE

    def base(self, name: str) -> dict[str, Any]:
        return json.loads((REQUESTS_DIR / f"{name}.json").read_text(encoding="utf-8"))

    def make(self, name: str, changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return _merge(self.base(name), changes or {})


@pytest.fixture
def reqs() -> Requests:
    return Requests()


@dataclass
class Run:
    """The outcome of one ``planner`` run: exit code, stdout, stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``planner ARGS…`` in-process (``planner.cli.main``); argparse's own exits are caught too."""

    def run(*args: str | Path) -> Run:
        capsys.readouterr()  # drop anything printed before
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    """Write a JSON object to a file under ``tmp_path`` and return its path."""

    def write(data: Any, name: str = "request.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A writable copy of a shipped catalog (``intl-usd`` or ``cn-cny``) to break on purpose."""
    from planner._catalog import DATA_DIR

    def copy_of(name: str = "intl-usd") -> Path:
        target = tmp_path / f"catalog-{name}"
        shutil.copytree(DATA_DIR / name, target)
        return target

    return copy_of
