"""The catalog page, for a person: pick a region, read its prices per edition and billing mode with their
unit, currency and source, see which figures are illustrative and where a region has its own price.

Every figure is the catalog's own (:meth:`planner.Catalog.price`); nothing is computed here.
``planner.ui.explore`` keeps the same data as pandas frames for JupyterLab users.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ipywidgets as w

import planner
from planner import Catalog

from . import _html
from ._fields import BILLING_MODE_LABELS
from ._words import term_words

_STYLE = {"description_width": "80px"}


def price_words(value: Decimal, currency: str) -> str:
    """A list price as the catalog has it, with separators and the currency; never rounded ("0.000005 USD").

    >>> price_words(Decimal("1200.5"), "USD"), price_words(Decimal("0.0362"), "USD")
    ('1,200.5 USD', '0.0362 USD')
    """
    return f"{value.normalize():,f} {currency}"


def source_html(source: str) -> str:
    """A price's source: a link to Huawei's page, or an "illustrative" mark for a figure Huawei does not publish."""
    if source == "illustrative":
        return "<span class='planner-badge planner-illustrative-mark'>illustrative ✱</span>"
    if source.startswith(("https://", "http://")):
        page = source.rstrip("/").rsplit("/", 1)[-1] or source
        return f"<a href='{_html.esc(source)}' target='_blank' rel='noopener noreferrer'>{_html.esc(page)}</a>"
    return _html.esc(source)


class CatalogView:
    """A region picker, the region's price table, the term discounts and a chart of regional differences."""

    def __init__(self, catalog: Catalog, *, region: str | None = None) -> None:
        self.catalog = catalog
        first = "cn-north-4" if "cn-north-4" in catalog.regions else next(iter(catalog.regions))
        self.region = w.Dropdown(
            description="Region",
            options=[(f"{r.name} ({rid})", rid) for rid, r in catalog.regions.items()],
            value=region if region in catalog.regions else first,
            style=_STYLE,
            layout=w.Layout(width="420px"),
        )
        self.region.add_class("planner-catalog-region")
        self.region.observe(lambda _change: self.render(), names="value")
        self.facts = w.HTML(self._facts())
        self.facts.add_class("planner-catalog-facts")
        self.prices = w.HTML()
        self.prices.add_class("planner-catalog-prices")
        self.chart = w.Output()
        self.chart.add_class("planner-catalog-chart")
        self.terms = w.HTML(self._terms())
        self.terms.add_class("planner-catalog-terms")
        self.widget = w.VBox(
            [
                w.HTML(_html.nav("explore")),
                self.facts,
                self.region,
                self.prices,
                self.chart,
                self.terms,
            ]
        )
        self.widget.add_class("planner-catalog-app")
        self.render()
        from planner import catalog_charts, charts  # plotly only once the page is drawn

        _html.draw(self.chart, charts.bundle(catalog_charts.regional_prices_figure(catalog)))

    def _facts(self) -> str:
        c = self.catalog
        return (
            f"<div class='planner-section' style='font-size:18px'>{_html.esc(c.name)}</div>"
            f"<div class='planner-muted'>Version {_html.esc(c.version)}, effective {c.effective}; prices in "
            f"{_html.esc(c.currency)}; each amount due is cut to cents ({_html.esc(c.rounding)}). After expiry: "
            f"{c.grace_days} days of grace, then {c.retention_days} days of retention; auto-renewal charges "
            f"{c.auto_renew_lead_days} days before expiry. ECS quota {c.limits.quota_min:,}–{c.limits.quota_max:,}; "
            f"at most {c.limits.tags_max} tags. Figures marked ✱ are illustrative: Huawei does not publish them.</div>"
        )

    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """The chosen region's prices: (item, billing mode, price, per, where the price applies, source)."""
        c, region = self.catalog, self.region.value
        holders = planner.ACTIONS["buy_package"].current_offers(c, region)  # packages come with these editions
        out = []
        for item in [*planner.EDITIONS, *c.packages]:
            for mode in planner.BILLING_MODES:
                price = c.price(region, item, mode)
                if price is None:
                    continue
                if item in planner.EDITIONS:
                    sold = c.sells(region, item, mode)
                    name = c.editions[item].name + " edition"
                else:
                    sold = any(mode in modes for modes in holders.values())
                    name = c.packages[item].name
                if not sold:
                    continue
                per = f"per {price.unit} per {price.period}"
                scope = "this region's own price" if price.region == region else "every region"
                out.append(
                    (name, BILLING_MODE_LABELS[mode], price_words(price.price, c.currency), per, scope, price.source)
                )
        return out

    def render(self) -> None:
        c, region = self.catalog, self.region.value
        rows = self.rows()
        body = "".join(
            f"<tr><td>{_html.esc(item)}</td><td>{_html.esc(mode)}</td><td class='num'>{_html.esc(price)}</td>"
            f"<td>{_html.esc(per)}</td><td>{_html.esc(scope)}</td><td>{source_html(source)}</td></tr>"
            for item, mode, price, per, scope, source in rows
        )
        head = "".join(
            f"<th class='{cls}'>{_html.esc(text)}</th>"
            for text, cls in (
                ("Item", ""),
                ("Billing mode", ""),
                ("List price", "num"),
                ("Unit", ""),
                ("Applies to", ""),
                ("Source", ""),
            )
        )
        unsold = [c.editions[e].name for e in planner.EDITIONS if not c.sells(region, e)]
        note = (
            f"<div class='planner-muted'>Not sold in {_html.esc(c.regions[region].name)}: "
            f"{_html.esc(', '.join(unsold))} edition.</div>"
            if unsold
            else ""
        )
        self.prices.value = (
            f"<div class='planner-section'>Prices in {_html.esc(c.regions[region].name)} ({_html.esc(region)})</div>"
            f"<table class='planner-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"
        )

    def _terms(self) -> str:
        c = self.catalog
        mark = " ✱" if c.discount_illustrative else ""
        return "<div class='planner-section'>Term discounts (yearly/monthly)</div>" + _html.table(
            ["Term", "Factor on the list price"],
            [(term_words(t.code), f"{c.discount(t).normalize():f}{mark}") for t in c.terms],
            numeric=["Factor on the list price"],
        )


def regional_note(catalog: Catalog) -> list[tuple[str, str, str]]:
    """``(region, item, billing mode)`` of every price a region has of its own (not the ``*`` row)."""
    return [(p.region, p.item, p.billing_mode) for p in catalog.prices.values() if p.region != "*"]


def catalog_page(catalog: Catalog | None = None, *, region: str | None = None) -> Any:
    """The catalog page's widget."""
    return CatalogView(catalog or planner.load_catalog(), region=region).widget


__all__ = ["CatalogView", "catalog_page", "price_words", "regional_note", "source_html"]
