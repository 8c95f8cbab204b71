"""The catalog as pandas DataFrames, for JupyterLab users (and the app's Catalog page).

Only what the catalog says is shown: list prices, discount factors and where each comes from.

>>> import planner
>>> prices_frame(planner.load_catalog()).columns.tolist()[:4]
['region', 'region_name', 'item', 'billing_mode']
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import display

import planner
from planner import Catalog, charts

from . import _html


def nav() -> Any:
    """The app's navigation bar. A widget: links in plain HTML outputs do not navigate inside Voila."""
    import ipywidgets as w

    return w.HTML(_html.nav("explore"))


def prices_frame(catalog: Catalog) -> pd.DataFrame:
    """One row per region, item and billing mode the catalog prices (``*`` rows applied to each region)."""
    items = [*planner.EDITIONS, *catalog.packages]
    rows = []
    for region_id, region in catalog.regions.items():
        # Packages come with the editions that can hold them, in the edition's billing mode [C].
        holders = planner.ACTIONS["buy_package"].current_offers(catalog, region_id)
        for item in items:
            for mode in planner.BILLING_MODES:
                price = catalog.price(region_id, item, mode)
                if price is None:
                    continue
                if item in planner.EDITIONS:
                    sold = catalog.sells(region_id, item, mode)
                else:
                    sold = any(mode in modes for modes in holders.values())
                rows.append(
                    {
                        "region": region_id,
                        "region_name": region.name,
                        "item": item,
                        "billing_mode": mode,
                        "sold_here": sold,
                        "price": price.price,
                        "unit": price.unit,
                        "period": price.period,
                        "illustrative": price.illustrative,
                        "source": price.source,
                    }
                )
    return pd.DataFrame(rows)


def discounts_frame(catalog: Catalog) -> pd.DataFrame:
    """The discount factor of each term (1 = list price), and whether it is illustrative."""
    return pd.DataFrame(
        [
            {
                "term": t.code,
                "months": t.months,
                "discount_factor": catalog.discount(t),
                "illustrative": catalog.discount_illustrative,
            }
            for t in catalog.terms
        ]
    )


def edition_pivot(catalog: Catalog) -> pd.DataFrame:
    """Yearly/monthly list price per quota per month: regions down, editions across (blank: not sold)."""
    prices = prices_frame(catalog)
    editions = prices[(prices["item"].isin(planner.EDITIONS)) & (prices["period"] == "month")]
    editions = editions[editions["sold_here"].astype(bool)]
    return editions.pivot_table(index="region", columns="item", values="price", aggfunc="first").reindex(
        columns=[e for e in planner.EDITIONS if e in set(editions["item"])]
    )


def show_price_chart(catalog: Catalog) -> None:
    """Grouped bars of the editions' monthly list price per quota, by region."""
    prices = prices_frame(catalog)
    rows = prices[
        prices["item"].isin(planner.EDITIONS) & (prices["period"] == "month") & prices["sold_here"].astype(bool)
    ].rename(columns={"item": "edition"})
    figure = charts.prices_figure(rows, currency=catalog.currency)
    display(charts.bundle(figure), raw=True)


def summary(catalog: Catalog) -> Any:
    """Catalog name, version, currency and lifecycle facts, as a small frame."""
    return pd.DataFrame(
        {
            "value": [
                catalog.name,
                catalog.version,
                str(catalog.effective),
                catalog.currency,
                catalog.rounding,
                catalog.grace_days,
                catalog.retention_days,
                catalog.auto_renew_lead_days,
                catalog.limits.quota_max,
            ]
        },
        index=[
            "catalog",
            "version",
            "effective",
            "currency",
            "rounding",
            "grace days",
            "retention days",
            "auto-renew lead days",
            "quota max",
        ],
    )
