"""The app's views: ipywidgets over plain model objects. Each notebook cell is one call here.

Called with no ``query``, a page reads the URL's query string; in a preheated Voila kernel it first does
everything that does not depend on the visitor, then waits for one (:mod:`planner.ui._visitor`).

>>> from planner import ui
>>> page = ui.order_app(query="region=cn-north-4&hosts=120")   # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date
from typing import Any

import planner

from . import _guard, _visitor
from ._fields import parse_query, parse_tags
from ._model import ACTION_FIELDS, ACTION_LABELS, OrderDraft, OrderModel, orders_dir

# Every page imports this package: in a kernel, a refused widget message answers without a traceback.
_guard.install()


def order_app(*, query: str | None = None, catalog: Any = None, today: date | None = None) -> Any:
    """The planner page (a widget), pre-filled from ``query`` (default: the page URL's query string)."""
    from ._form import OrderForm

    catalog = catalog or planner.load_catalog()
    if query is None:
        _visitor.warm_order_page(catalog, today)
        query = _visitor.visitor_query()
    return OrderForm(OrderModel.start(catalog, query=query, today=today)).widget


def options_app(*, query: str | None = None, catalog: Any = None, today: date | None = None) -> Any:
    """The options page: every valid way to cover N hosts, ranked, with cumulative cost lines."""
    from .options import OptionsView

    catalog = catalog or planner.load_catalog()
    if query is None:
        _visitor.warm_options_page(catalog, today)
        query = _visitor.visitor_query()
    return OptionsView.start(catalog, query=query, today=today).widget


def renewals_app(*, catalog: Any = None, today: date | None = None, portfolio: Any = None) -> Any:
    """The renewals page: a portfolio's expiry timeline and renewal costs, and the renewal orders.

    Nothing on it depends on the visitor, so a preheated kernel builds all of it ahead of time, and
    builds it again only when the day changed while the kernel waited.
    """
    from .renewals import RenewalsView

    catalog = catalog or planner.load_catalog()
    built_on = catalog.today()
    view = RenewalsView.start(catalog, today=today, portfolio=portfolio)
    if today is None and _visitor.preheated():
        _visitor.visitor_query()
        if catalog.today() != built_on:
            view = RenewalsView.start(catalog, portfolio=portfolio)
    return view.widget


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
