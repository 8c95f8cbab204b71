"""The options page: every valid way to cover N hosts in a region, ranked over a horizon, with a chart."""

from __future__ import annotations

from datetime import date
from typing import Any

import ipywidgets as w

import planner
from planner import Catalog, Problem

from . import _html
from ._analysis import HORIZONS, OptionsQuery
from ._fields import parse_percent, parse_whole
from ._words import amount, grouped, option_words

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
        # Text, not IntText: a number box silently turns "12.5" into 125; the page refuses it instead.
        self.hosts = w.Text(description="Hosts", value=str(query.hosts), style=_STYLE, continuous_update=False)
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
        # Whatever cannot be read empties the results: the page never shows figures for older inputs.
        self.query.region = self.region.value
        self.query.horizon_months = int(self.horizon.value)
        hosts = parse_whole(self.hosts.value)
        growth = parse_percent(self.growth.value, "growth")
        if hosts is None or isinstance(growth, Problem):
            problems = []
            if hosts is None:
                problems.append(f"Hosts: “{self.hosts.value.strip()}” is not a whole number.")
            if isinstance(growth, Problem):
                problems.append(f"Growth: {growth.message}.")
            self._clear("".join(_html.notice(p, css="planner-bad") for p in problems))
            return
        self.query.hosts = hosts
        self.query.growth_pct = growth
        self.refresh()

    def _clear(self, errors: str) -> None:
        self.options = []
        self.errors.value = errors
        self.summary.value = self.table.value = ""
        _html.draw(self.chart, None)

    def refresh(self) -> None:
        """Ask the core for the options and redraw the summary, the table and the chart."""
        self.options, problems = self.query.run(self.catalog)
        if problems:
            self._clear(_html.problem_list(problems, css="planner-bad", title="Fix this to compare options:"))
            return
        self.errors.value = ""
        currency = self.catalog.currency
        self.summary.value = self._summary(currency)
        self.table.value = self._table(currency)
        from planner import charts  # plotly loads only when there is something to draw

        _html.draw(
            self.chart, charts.bundle(charts.options_figure(self.options, currency=currency, label=option_words))
        )

    def _summary(self, currency: str) -> str:
        from planner.charts import break_evens

        months = self.query.horizon_months
        paid = [o for o in self.options if o.total > 0]
        free = [o for o in self.options if o.total == 0]
        parts = []
        if paid:
            best = paid[0]
            parts.append(
                f"Cheapest paid way over {months} months: <b>{_html.esc(option_words(best))}</b>, "
                f"{_html.esc(amount(best.total, currency))}."
            )
        if free:
            parts.append(
                f" The free {_html.esc(free[0].edition)} edition costs nothing but only shows the security "
                "situation; it is listed apart below."
            )
        for ppu, rival, day in break_evens(self.options):
            parts.append(
                f"<br>Break-even: {_html.esc(option_words(ppu))} overtakes {_html.esc(option_words(rival))} in "
                f"<b>{day:%Y-%m}</b> (from then on, prepaying would have been cheaper)."
            )
        if any(o.illustrative for o in self.options):
            parts.append("<br><i>Some figures are illustrative (not published by Huawei): marked ✱.</i>")
        html = f"<div class='planner-box planner-info'>{''.join(parts)}</div>"
        uncovered = [o.uncovered_from for o in self.options if o.uncovered_from]
        if uncovered:
            html = (
                _html.notice(
                    f"Over {self.catalog.limits.quota_max:,} hosts from {min(uncovered):%Y-%m}: the hosts outgrow the "
                    "largest quota one subscription can have within the horizon, so no option below covers them "
                    "all from then on (each affected option is flagged).",
                    css="planner-bad planner-options-uncovered",
                )
                + html
            )
        return html

    def _table(self, currency: str, top: int = 5) -> str:
        quota_max = self.catalog.limits.quota_max
        cost, cash = f"Cost over horizon ({currency})", f"Cash paid ({currency})"
        columns = ["#", "Option", cost, cash, "Quota increases", "Covers the hosts?"]

        def row(o: Any) -> tuple[object, ...]:
            covers = f"no: over {quota_max:,} hosts from {o.uncovered_from:%Y-%m}" if o.uncovered_from else "yes"
            return (
                o.rank,
                option_words(o) + (" ✱" if o.illustrative else ""),
                grouped(o.total),
                grouped(o.cash),
                len(o.increases),
                covers,
            )

        paid = [o for o in self.options if o.total > 0]
        free = [o for o in self.options if o.total == 0]
        numeric = ["#", cost, cash, "Quota increases"]
        html = "<div class='planner-section'>Top choices</div>" + _html.table(
            columns, [row(o) for o in paid[:top]], numeric=numeric
        )
        rest = paid[top:]
        if rest:
            html += (
                f"<details class='planner-more'><summary>{len(rest)} more options</summary>"
                + _html.table(columns, [row(o) for o in rest], numeric=numeric)
                + "</details>"
            )
        if free:
            html += "<div class='planner-section'>Free edition (situation view only)</div>" + _html.table(
                columns, [row(o) for o in free], numeric=numeric
            )
        return html
