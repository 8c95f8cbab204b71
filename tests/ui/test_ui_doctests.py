"""The runnable examples in the app's docstrings must stay true."""

import doctest
import importlib

import pytest

MODULES = [
    "planner._app",
    "planner.charts",
    "planner.ui._model",
    "planner.ui._fields",
    "planner.ui._words",
    "planner.ui.explore",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
