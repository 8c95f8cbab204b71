"""Which of the engine's rule checks (each ``error``/``warn`` call in :mod:`planner._batch_rules` and
:mod:`planner._batch_rules_actions`) actually decided a row: a counter the tests use to show that every
mask is met by some row the engine decided, not just written."""

from __future__ import annotations

import ast
import inspect
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from planner import _batch_rules, _batch_rules_actions

MODULES = (_batch_rules, _batch_rules_actions)


def sites() -> dict[tuple[str, int], tuple[str, str]]:
    """Every place a rule code is said — ``(module, line)`` of each ``….error(…)`` / ``….warn(…)`` call —
    with the function it is in and the code it says."""
    found = {}
    for module in MODULES:
        tree = ast.parse(inspect.getsource(module))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                names = [func] if not isinstance(func, ast.IfExp) else [func.body, func.orelse]
                if any(isinstance(f, ast.Attribute) and f.attr in ("error", "warn") for f in names):
                    code = node.args[0]
                    said = code.value if isinstance(code, ast.Constant) else ast.unparse(code)
                    found[(module.__name__, node.lineno)] = (function.name, str(said))
    return found


@contextmanager
def counting_sites(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[tuple[str, int]]]:
    """Count, for each site, the rows it said something of that the engine then decided."""
    hits: Counter[tuple[str, int]] = Counter()
    made: list[Any] = []

    class Counting(_batch_rules.RuleChecks):
        def __init__(self, rows: Any) -> None:
            super().__init__(rows)
            self.said_at: list[tuple[tuple[str, int], np.ndarray]] = []
            made.append(self)

        def _note(self, where: np.ndarray) -> None:
            frame = sys._getframe(2)
            self.said_at.append(((frame.f_globals["__name__"], frame.f_lineno), where))

        def error(self, code: str, rows: np.ndarray) -> None:
            self._note(rows)
            super().error(code, rows)

        def warn(self, code: str, rows: np.ndarray) -> None:
            self._note(rows)
            super().warn(code, rows)

    original = _batch_rules.decide

    def decide(rows: Any, action: str) -> Any:
        decided = original(rows, action)
        checks = made.pop()
        for site, where in checks.said_at:
            hits[site] += int((where & decided.by_rules).sum())
        return decided

    monkeypatch.setattr(_batch_rules, "RuleChecks", Counting)
    monkeypatch.setattr(_batch_rules, "decide", decide)
    yield hits
