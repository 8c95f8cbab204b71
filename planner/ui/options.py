"""The options page: every valid way to cover N hosts in a region, ranked over a horizon, with a chart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import ipywidgets as w
from IPython.display import display

import planner
from planner import Catalog

from . import _html
from ._analysis import HORIZONS, OptionsQuery

_STYLE = {"description_width": "130px"}


class OptionsView:
    """Inputs on top; the ranked table and the cumulative-cost chart below. Built by :meth:`start`."""

    def __init__(self, query: OptionsQuery, catalog: Catalog, *, notices: list[str] | None = None) -> None:
        self.query = query
        self.catalog = catalog
        self.options: list[Any] = []
        self.region = w.Dropdown(
            description="Region",
            options=[(f"{r.name} ({rid})", rid) for rid, r in catalog.regions.items()],
            value=query.region,
            style=_STYLE,
            layout=w.Layout(width="420px"),
        )
        self.hosts = w.IntText(description="Hosts", value=query.hosts, style=_STYLE)
        self.growth = w.Text(
            description="Growth %/month", value=str(query.growth_pct), style=_STYLE, continuous_update=False
        )
        self.horizon = w.Dropdown(
            description="Horizon",
            options=[(f"{m} months", m) for m in HORIZONS],
            value=query.horizon_months,
            style=_STYLE,
        )
        for name, widget in (
            ("region", self.region),
            ("hosts", self.hosts),
            ("growth", self.growth),
            ("horizon", self.horizon),
        ):
            widget.add_class(f"planner-options-{name}")
            widget.observe(self._changed, names="value")
        self.notices = w.HTML("".join(_html.notice(n) for n in notices or []))
        self.errors = w.HTML()
        self.errors.add_class("planner-options-errors")
        self.summary = w.HTML()
        self.summary.add_class("planner-options-summary")
        self.table = w.HTML()
        self.table.add_class("planner-options-table")
        self.chart = w.Output()
        self.chart.add_class("planner-options-chart")
        self.widget = w.VBox(
            [
                w.HTML(_html.nav("options")),
                self.notices,
                w.HBox([self.region, self.hosts], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.growth, self.horizon], layout=w.Layout(flex_flow="row wrap")),
                self.errors,
                self.summary,
                self.chart,
                self.table,
            ]
        )
        self.widget.add_class("planner-options-app")
        self.refresh()

    @classmethod
    def start(cls, catalog: Catalog | None = None, *, query: str = "", today: date | None = None) -> OptionsView:
        catalog = catalog or planner.load_catalog()
        parsed, notices = OptionsQuery.from_query(query, catalog, today=today)
        return cls(parsed, catalog, notices=notices)

    def _changed(self, _change: dict[str, Any]) -> None:
        self.query.region = self.region.value
        self.query.hosts = int(self.hosts.value)
        self.query.horizon_months = int(self.horizon.value)
        try:
            growth = Decimal(self.growth.value.strip() or "0")
        except InvalidOperation:
            self.errors.value = _html.notice(
                f"Growth must be a number of percent per month, not {self.growth.value!r}.", css="planner-bad"
            )
            return
        self.query.growth_pct = growth if growth.is_finite() else Decimal("-1")
        self.refresh()

    def refresh(self) -> None:
        """Ask the core for the options and redraw the table and the chart."""
        self.options, problems = self.query.run(self.catalog)
        self.errors.value = _html.problem_list(problems, css="planner-bad", title="Fix this to compare options:")
        self.chart.clear_output(wait=True)
        if problems:
            self.table.value = ""
            self.summary.value = ""
            return
        currency = self.catalog.currency
        best = self.options[0]
        paid = [o for o in self.options if o.total > 0]
        lines = [
            f"Cheapest over {self.query.horizon_months} months: <b>{_html.esc(best.label)}</b>, "
            f"{_html.esc(best.total)} {_html.esc(currency)}."
        ]
        if best.total == 0 and paid:
            lines.append(
                f" Cheapest paid edition: <b>{_html.esc(paid[0].label)}</b>, {_html.esc(paid[0].total)} "
                f"{_html.esc(currency)} (basic is free but only shows the security situation)."
            )
        if any(o.illustrative for o in self.options):
            lines.append(" <i>Some figures are illustrative (not published by Huawei): marked ✱.</i>")
        self.summary.value = f"<div class='planner-box planner-info'>{''.join(lines)}</div>"
        rows = [
            (
                o.rank,
                o.label + (" ✱" if o.illustrative else ""),
                f"{o.total}",
                f"{o.cash}",
                len(o.increases),
            )
            for o in self.options
        ]
        self.table.value = _html.table(
            ["#", "Option", f"Cost over horizon ({currency})", f"Cash paid ({currency})", "Quota increases"],
            rows,
            numeric=["#", f"Cost over horizon ({currency})", f"Cash paid ({currency})", "Quota increases"],
        )
        from planner import charts  # plotly and pandas load only when there is something to draw

        with self.chart:
            display(charts.bundle(charts.options_figure(self.options, currency=currency)), raw=True)
