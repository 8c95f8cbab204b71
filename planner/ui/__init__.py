"""The app's views: ipywidgets over plain model objects. Each notebook cell is one call here.

>>> from planner import ui
>>> page = ui.order_app(query="region=cn-north-4&hosts=120")   # doctest: +SKIP
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from . import _guard
from ._fields import parse_query, parse_tags
from ._model import ACTION_FIELDS, ACTION_LABELS, OrderDraft, OrderModel, orders_dir

# Every page imports this package: in a kernel, a refused widget message answers without a traceback.
_guard.install()


def _query(query: str | None) -> str:
    # Voila hands each kernel the page's query string in QUERY_STRING.
    return os.environ.get("QUERY_STRING", "") if query is None else query


def order_app(*, query: str | None = None, catalog: Any = None, today: date | None = None) -> Any:
    """The planner page (a widget), pre-filled from ``query`` (default: the page URL's query string)."""
    from ._form import OrderForm

    return OrderForm(OrderModel.start(catalog, query=_query(query), today=today)).widget


def options_app(*, query: str | None = None, catalog: Any = None, today: date | None = None) -> Any:
    """The options page: every valid way to cover N hosts, ranked, with cumulative cost lines."""
    from .options import OptionsView

    return OptionsView.start(catalog, query=_query(query), today=today).widget


def renewals_app(*, catalog: Any = None, today: date | None = None, portfolio: Any = None) -> Any:
    """The renewals page: a portfolio's expiry timeline and renewal costs, and the renewal orders."""
    from .renewals import RenewalsView

    return RenewalsView.start(catalog, today=today, portfolio=portfolio).widget


def catalog_app(*, catalog: Any = None, region: str | None = None) -> Any:
    """The catalog page: a region's prices per edition and billing mode, their sources, regional differences."""
    from .catalog import catalog_page

    return catalog_page(catalog, region=region)


def nav(current: str) -> Any:
    """The navigation bar between the app's pages, as an HTML widget."""
    import ipywidgets as w

    from ._html import nav as nav_html

    return w.HTML(nav_html(current))


__all__ = [
    "ACTION_FIELDS",
    "ACTION_LABELS",
    "OrderDraft",
    "OrderModel",
    "catalog_app",
    "nav",
    "options_app",
    "order_app",
    "orders_dir",
    "parse_query",
    "parse_tags",
    "renewals_app",
]
