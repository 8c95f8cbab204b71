"""SecMaster cost and upgrade planner: price Huawei Cloud SecMaster changes in advance, with the math shown.

>>> import planner
>>> q = planner.quote({"region": "cn-north-4", "hosts": 120, "on": "2024-06-18", "action": "purchase",
...     "target": {"edition": "professional", "billing_mode": "yearly_monthly", "quota": 150, "term": "1m"}})
>>> q.ok, str(q.total), str(q.expires)
(True, '3300.00', '2024-07-18')

The pricing core imports neither pandas, plotly nor ipywidgets: ``import planner`` stays light
(:func:`price_frame`, the batch engine, loads pandas when it is called).
"""

from __future__ import annotations

from ._batch import price_frame
from ._catalog import BILLING_MODES, DEFAULT_CATALOG_DIR, EDITIONS, Catalog, Package, Price, Region, load_catalog
from ._dates import Term, add_months, remaining_months, remaining_period, remaining_years, term_end
from ._money import cut_to_cents
from ._options import Option, break_even, options
from ._order import OrderFiles, export_order, verify_order
from ._pricing import QuoteLine
from ._problems import RULES, PlannerError, Problem
from ._quote import Quote, quote
from ._request import ACTIONS, Request, Subscription, Target, parse_request, read_json_file, validate_request
from ._rules import Lifecycle

__version__ = "0.1.0"

__all__ = [
    "ACTIONS",
    "BILLING_MODES",
    "DEFAULT_CATALOG_DIR",
    "EDITIONS",
    "RULES",
    "Catalog",
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
    "add_months",
    "break_even",
    "cut_to_cents",
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
    "term_end",
    "validate_request",
    "verify_order",
]
