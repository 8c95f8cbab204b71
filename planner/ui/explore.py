"""The catalog as pandas DataFrames, for JupyterLab users (and the app's Catalog page).

Only what the catalog says is shown: list prices, discount factors and where each comes from.

>>> import planner
>>> prices_frame(planner.load_catalog()).columns.tolist()[:4]
['region', 'region_name', 'item', 'billing_mode']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import display

import planner
from planner import Catalog, catalog_charts, charts

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
    figure = catalog_charts.prices_figure(rows, currency=catalog.currency)
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


#: Where fetched catalogs are looked for (``planner catalog fetch --out catalogs/NAME``), besides data/.
CATALOGS_DIR = planner.DEFAULT_CATALOG_DIR.parent.parent / "catalogs"


def catalog_choices() -> list[tuple[str, str]]:
    """The catalog folders a visitor may compare: the shipped ones and those in ``PLANNER_CATALOGS_DIR``.

    A closed list, not a free path: any visitor can set any widget value, and must not read other folders.
    """
    roots = [planner.DEFAULT_CATALOG_DIR.parent, Path(os.environ.get("PLANNER_CATALOGS_DIR") or CATALOGS_DIR)]
    found: list[tuple[str, str]] = []
    for root in roots:
        if root.is_dir():
            for folder in sorted(root.iterdir()):
                if (folder / "catalog.toml").is_file():
                    found.append((f"{root.name}/{folder.name}", str(folder.resolve())))
    return found


def diff_html(catalog: Catalog, other_dir: str) -> str:
    """What differs from ``catalog`` in the catalog at ``other_dir`` (or why it cannot be read), as HTML."""
    from planner.live import diff_catalogs

    try:
        other = planner.load_catalog(other_dir)
    except planner.PlannerError as exc:
        return _html.problem_list(exc.problems, css="planner-errors", title="This catalog cannot be used")
    fetched = f", prices fetched from Huawei at {other.pin()['fetched']}" if other.fetched else ""
    head = _html.notice(f"{other.name} {other.version}{fetched}")
    changes = diff_catalogs(catalog, other)
    if not changes:
        return head + _html.notice("No differences.")
    rows = [(c.kind, c.key, c.old, c.new) for c in changes]
    return head + _html.table(["kind", "what", "before", "after"], rows, css="planner-table planner-compare-table")


def compare_app(catalog: Catalog) -> Any:
    """Pick a catalog folder (e.g. one `planner catalog fetch` wrote) and see its differences from ``catalog``."""
    import ipywidgets as w

    choices = catalog_choices()
    picker = w.Dropdown(options=choices, description="Catalog", value=choices[0][1] if choices else None)
    picker.add_class("planner-compare-catalog")
    button = w.Button(description="Compare", disabled=not choices)
    button.add_class("planner-compare-button")
    result = w.HTML()
    result.add_class("planner-compare-result")

    def compare(_: Any = None) -> None:
        allowed = {path for _, path in catalog_choices()}
        if picker.value not in allowed:  # a value sent from the browser that is not on the list
            result.value = _html.notice("Pick a catalog from the list.")
            return
        result.value = diff_html(catalog, picker.value)

    button.on_click(compare)
    return w.VBox([w.HBox([picker, button]), result])
