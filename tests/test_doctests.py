"""The runnable examples in the core's docstrings are part of the documentation: they must stay true."""

import doctest
import importlib

import pytest

MODULES = [
    "planner",
    "planner._money",
    "planner._dates",
    "planner._catalog",
    "planner._request",
    "planner._quote",
    "planner._actions",
    "planner._settings",
    "planner._limits",
    "planner._batch",
    "planner._explain",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
