"""The renewals page: a portfolio's expiries on a timeline, renewal costs per region, renewal orders."""

from __future__ import annotations

from datetime import date
from typing import Any

import ipywidgets as w
from IPython.display import display

import planner
from planner import Catalog

from . import _html
from ._analysis import MAX_UPLOAD_BYTES, PORTFOLIO_COLUMNS, SAMPLE_PORTFOLIO, Portfolio
from ._model import orders_dir

_STYLE = {"description_width": "110px"}


class RenewalsView:
    """Upload (or the sample) → the portfolio's timeline, costs and problems → export renewal orders."""

    def __init__(self, portfolio: Portfolio, *, today: date | None = None) -> None:
        self.portfolio = portfolio
        self.catalog = portfolio.catalog
        self.today = today
        catalog = self.catalog
        self.upload = w.FileUpload(accept=".csv", multiple=False, description="Upload CSV")
        self.upload.add_class("planner-renewals-upload")
        self.upload.observe(self._uploaded, names="value")
        self.sample = w.Button(description="Use the sample")
        self.sample.add_class("planner-renewals-sample")
        self.sample.on_click(lambda _b: self._load(None, "the sample portfolio"))
        self.term = w.Dropdown(
            description="Renew for",
            options=[(f"{t.count} {t.unit}{'s' if t.count > 1 else ''}", t.code) for t in catalog.terms],
            value=portfolio.term,
            style=_STYLE,
        )
        self.term.add_class("planner-renewals-term")
        self.term.observe(self._term_changed, names="value")
        self.source = w.HTML()
        self.errors = w.HTML()
        self.errors.add_class("planner-renewals-errors")
        self.total = w.HTML()
        self.total.add_class("planner-renewals-total")
        self.table = w.HTML()
        self.table.add_class("planner-renewals-table")
        self.timeline = w.Output()
        self.timeline.add_class("planner-renewals-timeline")
        self.costs = w.Output()
        self.costs.add_class("planner-renewals-costs")
        self.accept = w.Checkbox(
            description="I accept the disclaimer: these are plans, not purchases",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.accept.add_class("planner-renewals-disclaimer")
        self.accept.observe(lambda _c: self._render_export(), names="value")
        self.export = w.Button(description="Export renewal orders", icon="download", button_style="primary")
        self.export.add_class("planner-renewals-export")
        self.export.on_click(self._export)
        self.message = w.HTML()
        self.message.add_class("planner-renewals-message")
        help_text = (
            f"Columns: {', '.join(PORTFOLIO_COLUMNS)} (dates as YYYY-MM-DD; term empty for pay-per-use). "
            f"Start from the sample: data/{SAMPLE_PORTFOLIO.name}."
        )
        self.widget = w.VBox(
            [
                w.HTML(_html.nav("renewals")),
                w.HBox([self.upload, self.sample, self.term], layout=w.Layout(flex_flow="row wrap")),
                w.HTML(f"<div class='planner-muted'>{_html.esc(help_text)}</div>"),
                self.source,
                self.errors,
                self.total,
                self.timeline,
                self.costs,
                self.table,
                self.accept,
                self.export,
                self.message,
            ]
        )
        self.widget.add_class("planner-renewals-app")
        self._source_name = "the sample portfolio"
        self.render()

    @classmethod
    def start(
        cls, catalog: Catalog | None = None, *, today: date | None = None, portfolio: Any = None, term: str = "1y"
    ) -> RenewalsView:
        catalog = catalog or planner.load_catalog()
        return cls(Portfolio.read(portfolio, catalog, term=term, on=today), today=today)

    # -- events -----------------------------------------------------------------------------------
    def _uploaded(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        content = bytes(upload["content"])
        if len(content) > MAX_UPLOAD_BYTES:
            self.errors.value = _html.notice(
                f"{upload['name']} is larger than {MAX_UPLOAD_BYTES // 1000} kB.", css="planner-bad"
            )
            return
        self._load(content, str(upload["name"]))

    def _load(self, source: bytes | None, name: str) -> None:
        self._source_name = name
        self.portfolio = Portfolio.read(source, self.catalog, term=self.term.value, on=self.today)
        self.message.value = ""
        self.render()

    def _term_changed(self, change: dict[str, Any]) -> None:
        self.portfolio.term = change["new"]
        self.portfolio.price()
        self.render()

    # -- drawing ----------------------------------------------------------------------------------
    def render(self) -> None:
        p = self.portfolio
        currency = self.catalog.currency
        self.source.value = (
            f"<div class='planner-muted'>Showing {_html.esc(self._source_name)}: {len(p.frame)} subscriptions.</div>"
        )
        self.timeline.clear_output(wait=True)
        self.costs.clear_output(wait=True)
        if p.problems:
            self.errors.value = _html.problem_list(p.problems, css="planner-bad", title="This file cannot be used:")
            self.total.value = self.table.value = ""
            self._render_export()
            return
        rows = p.rows()
        broken = rows[~rows["ok"]]
        self.errors.value = (
            "<div class='planner-section'>Not renewable</div>"
            + _html.table(["Subscription", "Region", "Why"], broken[["name", "region", "problems"]].values.tolist())
            if len(broken)
            else ""
        )
        by_region = p.cost_by_region()
        self.total.value = (
            f"<div class='planner-total-line'>Renewing {int(rows['ok'].sum())} subscriptions for "
            f"{_html.esc(p.term)}: <span class='planner-renewals-amount'>{_html.esc(p.total())}</span> "
            f"{_html.esc(currency)}</div>"
        )
        renewable = rows[rows["ok"]]
        self.table.value = _html.table(
            ["Subscription", "Region", "Edition", "Quota", "Expires", "Auto-renew charge", "Renewal", "New expiry"],
            [
                (
                    r.name,
                    r.region,
                    r.edition,
                    r.quota,
                    r.expires,
                    r.auto_renew_charge or "—",
                    r.renewal_cost,
                    r.new_expiry,
                )
                for r in renewable.itertuples()
            ],
            numeric=["Quota", "Renewal"],
        )
        from planner import charts

        dated = rows[rows["expires"].notna()]
        with self.timeline:
            display(charts.bundle(charts.renewals_figure(dated, today=p.on or self.catalog.today())), raw=True)
        if len(by_region):
            with self.costs:
                display(charts.bundle(charts.renewal_cost_figure(by_region, currency=currency, term=p.term)), raw=True)
        self._render_export()

    def _render_export(self) -> None:
        renewable = bool(self.portfolio.quotes) and any(q.ok for q in self.portfolio.quotes)
        self.export.disabled = not (renewable and self.accept.value and not self.portfolio.problems)

    def _export(self, _button: w.Button) -> None:
        folder = orders_dir()
        try:
            written, skipped = self.portfolio.export(folder, accept_disclaimer=self.accept.value)
        except OSError as exc:
            self.message.value = _html.notice(
                f"Not exported: cannot write to {folder} ({exc.strerror}).", css="planner-bad"
            )
            return
        parts = [
            f"Wrote {len(written)} renewal orders to {folder}: " + ", ".join(f.json_path.name for f in written) + "."
        ]
        if skipped:
            parts.append(
                "Skipped: " + "; ".join(f"{name} ({', '.join(p.rule for p in probs)})" for name, probs in skipped)
            )
        self.message.value = _html.notice(" ".join(parts), css="planner-ok" if written else "planner-warn")
        if written:
            self.message.value += _html.download_links([f.json_path for f in written] + [f.csv_path for f in written])
