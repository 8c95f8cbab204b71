"""SecMaster cost and upgrade planner: price Huawei Cloud SecMaster changes in advance, with the math shown.

>>> import planner
>>> q = planner.quote({"region": "cn-north-4", "hosts": 120, "on": "2024-06-18", "action": "purchase",
...     "target": {"edition": "professional", "billing_mode": "yearly_monthly", "quota": 150, "term": "1m"}})
>>> q.ok, str(q.total), str(q.expires)
(True, '3300.00', '2024-07-18')

The pricing core imports neither pandas, plotly nor ipywidgets, and ``import planner`` itself loads
nothing else: each name is imported from its module the first time it is used (PEP 562), so a script or a
kernel pays only for what it touches.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Each public name and the module that defines it.
_HOMES: dict[str, str] = {
    "ACTIONS": "_actions",
    "price_frame": "_batch",
    "Action": "_actions",
    "Catalog": "_catalog",
    "Edition": "_catalog",
    "Limits": "_catalog",
    "Package": "_catalog",
    "Price": "_catalog",
    "Region": "_catalog",
    "load_catalog": "_catalog",
    "Explanation": "_explain",
    "explain_row": "_explain",
    "tag_problems": "_explain",
    "Term": "_dates",
    "add_months": "_dates",
    "remaining_months": "_dates",
    "remaining_period": "_dates",
    "remaining_years": "_dates",
    "term_end": "_dates",
    "BILLING_MODES": "_domain",
    "EDITIONS": "_domain",
    "ActionName": "_domain",
    "BillingMode": "_domain",
    "EditionName": "_domain",
    "cut_to_cents": "_money",
    "Option": "_options",
    "break_even": "_options",
    "options": "_options",
    "OrderFiles": "_order",
    "export_order": "_order",
    "verify_order": "_order",
    "QuoteLine": "_pricing",
    "Refund": "_pricing",
    "RULES": "_problems",
    "PlannerError": "_problems",
    "Problem": "_problems",
    "Quote": "_quote",
    "quote": "_quote",
    "Request": "_request",
    "Subscription": "_request",
    "Target": "_request",
    "parse_request": "_request",
    "read_json_file": "_request",
    "validate_request": "_request",
    "Lifecycle": "_rules",
    "DEFAULT_CATALOG_DIR": "_settings",
}

__all__ = [
    "ACTIONS",
    "BILLING_MODES",
    "DEFAULT_CATALOG_DIR",
    "EDITIONS",
    "RULES",
    "Action",
    "ActionName",
    "BillingMode",
    "Catalog",
    "Edition",
    "EditionName",
    "Explanation",
    "Lifecycle",
    "Limits",
    "Option",
    "OrderFiles",
    "Package",
    "PlannerError",
    "Price",
    "Problem",
    "Quote",
    "QuoteLine",
    "Refund",
    "Region",
    "Request",
    "Subscription",
    "Target",
    "Term",
    "__version__",
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
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'planner' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # found once; plain attribute access from then on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from ._actions import ACTIONS, Action
    from ._batch import price_frame
    from ._catalog import Catalog, Edition, Limits, Package, Price, Region, load_catalog
    from ._dates import Term, add_months, remaining_months, remaining_period, remaining_years, term_end
    from ._domain import BILLING_MODES, EDITIONS, ActionName, BillingMode, EditionName
    from ._explain import Explanation, explain_row, tag_problems
    from ._money import cut_to_cents
    from ._options import Option, break_even, options
    from ._order import OrderFiles, export_order, verify_order
    from ._pricing import QuoteLine, Refund
    from ._problems import RULES, PlannerError, Problem
    from ._quote import Quote, quote
    from ._request import Request, Subscription, Target, parse_request, read_json_file, validate_request
    from ._rules import Lifecycle
    from ._settings import DEFAULT_CATALOG_DIR
