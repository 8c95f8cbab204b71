"""The public surface of ``planner`` (after httpx's tests/test_exported_members.py).

These tests fail when a name is added to or dropped from the package by accident, and when ``import
planner`` starts pulling in the heavy view libraries (pandas, plotly, ipywidgets) that only the app needs.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import planner

EXPECTED = {
    # constants
    "ACTIONS",
    "BILLING_MODES",
    "DEFAULT_CATALOG_DIR",
    "EDITIONS",
    "RULES",
    # types
    "Action",
    "ActionName",
    "BillingMode",
    "EditionName",
    # values
    "Catalog",
    "Edition",
    "Explanation",
    "Limits",
    "Refund",
    "Lifecycle",
    "Option",
    "OrderFiles",
    "Package",
    "PlannerError",
    "Price",
    "Problem",
    "Quote",
    "QuoteLine",
    "Region",
    "Request",
    "Subscription",
    "Target",
    "Term",
    "__version__",
    # functions
    "add_months",
    "break_even",
    "cut_to_cents",
    "explain_row",
    "export_order",
    "load_catalog",
    "options",
    "parse_request",
    "price_frame",
    "quote",
    "read_json_file",
    "remaining_months",
    "remaining_period",
    "remaining_years",
    "tag_problems",
    "term_end",
    "validate_request",
    "verify_order",
}

#: What `import planner` must never import: the views' libraries (STYLE.md: one direction of flow).
HEAVY = ("pandas", "plotly", "ipywidgets", "voila", "anywidget", "IPython", "matplotlib")


def test_all_is_exactly_the_expected_set() -> None:
    assert sorted(planner.__all__) == sorted(EXPECTED)
    assert len(planner.__all__) == len(set(planner.__all__))


def test_every_public_name_is_in_all() -> None:
    public = {
        name
        for name in dir(planner)
        if not name.startswith("_")
        and name not in ("annotations", "importlib", "TYPE_CHECKING", "Any")
        and not inspect.ismodule(getattr(planner, name))
    }
    assert public | {"__version__"} == set(planner.__all__)


def test_every_name_in_all_has_a_home() -> None:
    assert set(planner.__all__) == set(planner._HOMES) | {"__version__"}


def test_an_unknown_name_is_an_attribute_error() -> None:
    assert not hasattr(planner, "qoute")


def test_every_exported_name_resolves() -> None:
    for name in planner.__all__:
        assert getattr(planner, name) is not None, name
    assert planner.__version__ == "0.1.0"


def test_exported_classes_are_defined_in_the_package() -> None:
    for name in planner.__all__:
        value = getattr(planner, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__.startswith("planner"), (name, value.__module__)


def _modules_after(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    return {name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}


def test_import_planner_stays_light() -> None:
    loaded = _modules_after("import planner")

    assert "planner" in loaded
    assert sorted(loaded & set(HEAVY)) == []
    # Each name is loaded when first used: a bare import pays for no validation or table library.
    assert sorted(loaded & {"pydantic", "rich", "dateutil"}) == []


def test_the_command_line_stays_light() -> None:
    loaded = _modules_after("import planner.cli")

    assert sorted(loaded & set(HEAVY)) == []
    assert "rich" not in loaded  # tables are drawn only for --format table


def test_the_check_itself_sees_heavy_imports() -> None:
    # Guards the guard: the subprocess check does report a heavy module when one is imported.
    loaded = _modules_after("import planner, plotly")

    assert "plotly" in loaded
