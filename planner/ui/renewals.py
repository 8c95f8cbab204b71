"""The renewals page: a portfolio's expiries on a timeline, renewal costs per region, renewal orders."""

from __future__ import annotations

from datetime import date
from typing import Any

import ipywidgets as w

import planner
from planner import Catalog

from . import _html
from ._model import orders_dir
from ._portfolio import ILLUSTRATIVE, PORTFOLIO_COLUMNS, SAMPLE_PORTFOLIO, Portfolio
from ._words import grouped, term_words

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
        self.sample = w.Button(description="Use the sample", layout=w.Layout(width="auto"))
        self.sample.add_class("planner-renewals-sample")
        self.sample.on_click(lambda _b: self._load(None, "the sample portfolio"))
        self.term = w.Dropdown(
            description="Renew for",
            options=[(term_words(t.code), t.code) for t in catalog.terms],
            value=portfolio.term,
            style=_STYLE,
        )
        self.term.add_class("planner-renewals-term")
        self.term.observe(self._term_changed, names="value")
        self.source = w.HTML()
        self.source.add_class("planner-renewals-source")
        self.errors = w.HTML()
        self.errors.add_class("planner-renewals-errors")
        self.banner = w.HTML()
        self.banner.add_class("planner-renewals-banner")
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
        self.export = w.Button(
            description="Export renewal orders",
            icon="download",
            button_style="primary",
            layout=w.Layout(width="max-content"),  # its own width: full words, not the column's
        )
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
                self.banner,
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
        # Too large or not, the bytes go to Portfolio.read, which refuses them with a problem: the page then
        # shows that problem and nothing of the previous file.
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
        if p.problems:  # the file cannot be used: nothing of the previous file stays on screen
            self.errors.value = _html.problem_list(p.problems, css="planner-bad", title="This file cannot be used:")
            self.banner.value = self.total.value = self.table.value = ""
            _html.draw(self.timeline, None)
            _html.draw(self.costs, None)
            self._render_export()
            return
        rows = p.rows()
        broken = rows[~rows["ok"]]
        self.errors.value = (
            "<div class='planner-section'>Not renewable</div>"
            + _html.table(
                ["Line", "Subscription", "Region", "Why"],
                broken[["line", "name", "region", "problems"]].values.tolist(),
                numeric=["Line"],
            )
            if len(broken)
            else ""
        )
        renewable = rows[rows["ok"]]
        self.banner.value = self._banner(renewable)
        self.total.value = (
            f"<div class='planner-total-line'>Renewing {len(renewable)} subscriptions for "
            f"{_html.esc(term_words(p.term))}: <span class='planner-renewals-amount'>"
            f"{_html.esc(grouped(p.total()))}</span> {_html.esc(currency)}"
            f"{' ✱' if renewable['illustrative'].any() else ''}</div>"
        )
        self.table.value = _html.table(
            [
                "Subscription",
                "Region",
                "Edition",
                "Quota",
                "Hosts",
                "Expires",
                "Auto-renew charge",
                f"Renewal ({currency})",
                "New expiry",
                "Notes",
            ],
            [
                (
                    r.name,
                    r.region,
                    r.edition,
                    r.quota,
                    r.hosts,
                    r.expires,
                    r.auto_renew_charge or "— (not renewed automatically)",
                    grouped(r.renewal_cost) + (" ✱" if r.illustrative else ""),
                    r.new_expiry,
                    r.notes or "—",
                )
                for r in renewable.itertuples()
            ],
            numeric=["Quota", "Hosts", f"Renewal ({currency})"],
        )
        from planner import charts

        dated = rows[rows["expires"].notna() & rows["start"].notna()]
        _html.draw(self.timeline, charts.bundle(charts.renewals_figure(dated, today=p.on or self.catalog.today())))
        by_region = p.cost_by_region()
        _html.draw(
            self.costs,
            charts.bundle(charts.renewal_cost_figure(by_region, currency=currency, term=term_words(p.term)))
            if len(by_region)
            else None,
        )
        self._render_export()

    def _banner(self, renewable: Any) -> str:
        """What the exported renewal orders carry that a reader must know, said once above the table."""
        parts = []
        noted = renewable[renewable["notes"] != ""]
        if len(noted):
            items = "".join(f"<li><b>{_html.esc(r.name)}</b>: {_html.esc(r.notes)}</li>" for r in noted.itertuples())
            parts.append(
                f"<div class='planner-box planner-warn'><b>{len(noted)} of the renewal orders need attention:</b>"
                f"<ul>{items}</ul></div>"
            )
        marked = int(renewable["illustrative"].sum())
        if marked:  # the priced frame's price.illustrative codes, in the core's words for that rule
            catalog_page = next(href for key, _title, href in _html.PAGES if key == "explore")
            parts.append(
                "<div class='planner-box planner-warn planner-renewals-illustrative'>"
                f"Illustrative figures behind the total (✱): in {marked} of the {len(renewable)} renewals, "
                f"{_html.esc(planner.RULES[ILLUSTRATIVE])} (<code>{ILLUSTRATIVE}</code>). The "
                f"<a href='{_html.esc(catalog_page)}'>Catalog page</a> marks each such figure; check them "
                "against the Huawei Cloud console before you rely on them.</div>"
            )
        return "".join(parts)

    def _render_export(self) -> None:
        renewable = bool(self.portfolio.rows()["ok"].any())
        self.export.disabled = not (renewable and self.accept.value and not self.portfolio.problems)

    def _export(self, _button: w.Button) -> None:
        folder = orders_dir()
        try:
            written, skipped = self.portfolio.export(folder, accept_disclaimer=self.accept.value)
        except OSError as exc:
            self.message.value = _html.notice(
                f"Not exported: cannot write the orders ({exc.strerror}).", css="planner-bad"
            )
            return
        parts = [
            # The names and the links say it all: the server's folder is not the visitor's business.
            f"Wrote {len(written)} renewal orders: " + ", ".join(f.json_path.name for f in written) + "."
        ]
        if skipped:
            parts.append(
                "Skipped: " + "; ".join(f"{name} ({', '.join(p.rule for p in probs)})" for name, probs in skipped)
            )
        self.message.value = _html.notice(" ".join(parts), css="planner-ok" if written else "planner-warn")
        if written:
            self.message.value += _html.download_links([f.json_path for f in written] + [f.csv_path for f in written])
