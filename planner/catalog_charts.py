"""Charts of the catalog: list prices by edition and region, and where a region's price differs.

Nothing here prices anything: every figure is a price the catalog holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from planner._domain import MODE_WORDS
from planner.charts import _LAYOUT, EDITION_COLOURS, _styled

if TYPE_CHECKING:
    import pandas as pd

    from planner import Catalog


def prices_figure(prices: pd.DataFrame, *, currency: str) -> go.Figure:
    """Monthly list price per quota by edition and region (``region``, ``edition``, ``price`` columns)."""
    figure = go.Figure()
    for edition, rows in prices.groupby("edition", sort=False):
        figure.add_trace(
            go.Bar(
                x=rows["region"],
                y=[float(v) for v in rows["price"]],
                name=str(edition),
                marker_color=EDITION_COLOURS.get(str(edition)),
            )
        )
    figure.update_layout(
        title={"text": f"Yearly/monthly list price per quota per month, {currency}"},
        barmode="group",
        height=380,
        **_LAYOUT,
    )
    return _styled(figure)


def regional_prices_figure(catalog: Catalog) -> go.Figure:
    """What differs between regions: for each item and billing mode that some region prices on its own, the
    price in every region that sells it, the regions with their own price highlighted. When no region
    differs, the editions' list prices (the same everywhere)."""
    from plotly.subplots import make_subplots

    from planner import ACTIONS, BILLING_MODES, EDITIONS

    pairs = sorted({(p.item, p.billing_mode) for p in catalog.prices.values() if p.region != "*"})
    currency = catalog.currency
    if not pairs:
        figure = go.Figure()
        for edition in EDITIONS:
            price = catalog.price(next(iter(catalog.regions)), edition, BILLING_MODES[0])  # the monthly list price
            if price is not None:
                figure.add_trace(
                    go.Bar(x=[edition], y=[float(price.price)], name=edition, marker_color=EDITION_COLOURS[edition])
                )
        figure.update_layout(title={"text": f"Every region has the same list prices ({currency} per quota-month)"})
        return _styled(figure)
    figure = make_subplots(rows=len(pairs), cols=1, vertical_spacing=0.25)
    titles = []
    for row, (item, mode) in enumerate(pairs, start=1):
        regions, values, own = [], [], []
        for region_id in catalog.regions:
            if item in catalog.editions:
                sold = catalog.sells(region_id, item, mode)
            else:
                holders = ACTIONS["buy_package"].current_offers(catalog, region_id)
                sold = any(mode in modes for modes in holders.values())
            price = catalog.price(region_id, item, mode)
            if sold and price is not None:
                regions.append(region_id)
                values.append(price.price)
                own.append(price.region == region_id)
        unit = catalog.price(regions[0], item, mode) if regions else None
        per = f"{currency}/{unit.unit}/{unit.period}" if unit else currency
        figure.add_trace(
            go.Bar(
                x=regions,
                y=[float(v) for v in values],
                marker_color=["#fb8c00" if mine else "#90a4ae" for mine in own],
                text=[f"{v.normalize():f}" for v in values],
                textposition="outside",
                hovertemplate="%{x}: %{text} " + per + "<extra></extra>",
                showlegend=False,
            ),
            row=row,
            col=1,
        )
        figure.update_yaxes(title_text=per, rangemode="tozero", row=row, col=1)
        titles.append(f"{item} {MODE_WORDS.get(mode, mode)}")
    figure.update_layout(
        title={
            "text": "Where regions differ: "
            + "; ".join(titles)
            + " (orange: the region's own price, grey: every region's)"
        },
        height=160 + 300 * len(pairs),
        **_LAYOUT,
    )
    return _styled(figure)


__all__ = ["prices_figure", "regional_prices_figure"]
