"""The planner page: a form over :class:`OrderModel`, the quote beside it, and the export.

Widgets only forward what the user typed to the model and draw what the model holds; the price always
comes from :func:`planner.quote`. Stable CSS classes (``planner-region`` …) are the hooks for tests and
automation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as w

import planner

from . import _html
from ._fields import FIELDS, FormField, words
from ._model import OrderModel
from ._quote_html import quote_headline, quote_lines
from ._words import amount

DISCLAIMER = (
    "Disclaimer: this is a plan, not a purchase. Amounts come from the price catalog {catalog} "
    "(version {version}); figures marked illustrative are not published by Huawei, and Huawei Cloud's "
    "own bill is what counts. Nothing is paid or ordered from here."
)

_STYLE = {"description_width": "150px"}


def _field() -> w.Layout:
    # One Layout per widget: a shared one would show or hide them all together.
    return w.Layout(width="400px")


class OrderForm:
    """The planner page. ``OrderForm(model).widget`` is what a notebook displays."""

    def __init__(self, model: OrderModel) -> None:
        self.model = model
        self._syncing = False
        catalog = model.catalog
        self.inputs: dict[str, w.ValueWidget] = {}
        self.notes: dict[str, w.HTML] = {}  # under each field: its broken rules, or a choice made for the user
        self.rows: dict[str, w.VBox] = {}  # a field and its note, shown or hidden together

        self.header = w.HTML(_html.nav("planner"))
        self.notices = w.HTML()
        self.notices.add_class("planner-notices")

        for field in FIELDS.values():
            if field.kind != "flag":
                self._widget(field)
        self.packages: dict[str, w.ValueWidget] = {}
        for pkg_id, package in catalog.packages.items():
            if package.max == 1:
                box: w.ValueWidget = w.Checkbox(description=package.name, indent=False, layout=_field())
            else:
                box = w.Text(  # text, not IntText: see the whole-number fields below
                    continuous_update=False,
                    description=f"{package.unit}",
                    style=_STYLE,
                    layout=_field(),
                    tooltip=f"{package.name}: {package.min}–{package.max:,} in steps of {package.step}; 0 for none",
                )
            box.add_class(f"planner-package-{pkg_id.replace('_', '-')}")
            box.observe(self._package_changed(pkg_id), names="value")
            self.packages[pkg_id] = box
        self.package_box = w.VBox(
            [
                w.VBox([w.HTML(f"<span class='planner-muted'>{_html.esc(p.name)}</span>"), self.packages[k]])
                if p.max != 1
                else self.packages[k]
                for k, p in catalog.packages.items()
            ]
        )
        self.package_box.add_class("planner-packages")
        self.notes["packages"] = w.HTML()
        self.notes["packages"].add_class("planner-note-packages")
        self._hook("auto_renew", w.Checkbox(description=FIELDS["auto_renew"].label, indent=False))
        self.disclaimer_text = w.HTML(
            "<div class='planner-muted'>"
            + _html.esc(DISCLAIMER.format(catalog=catalog.name, version=catalog.version))
            + "</div>"
        )
        self._hook(
            "accept_disclaimer",
            w.Checkbox(description=FIELDS["accept_disclaimer"].label, indent=False, layout=w.Layout(width="auto")),
        )

        # Results
        self.errors = w.HTML()
        self.errors.add_class("planner-errors")
        self.banner = w.HTML()
        self.banner.add_class("planner-illustrative")
        self.warnings = w.HTML()
        self.warnings.add_class("planner-warnings")
        self.total = w.HTML()
        self.total.add_class("planner-total")
        self.lines = w.HTML()
        self.lines.add_class("planner-quote")
        self.chart = w.Output(layout=w.Layout(min_height="0px"))
        self.chart.add_class("planner-chart")
        self.export_button = w.Button(
            description="Export order", icon="download", button_style="primary", layout=w.Layout(width="auto")
        )
        self.export_button.add_class("planner-export")
        self.export_button.on_click(self._export)
        self.export_hint = w.HTML()
        self.export_hint.add_class("planner-export-hint")
        self.message = w.HTML()
        self.message.add_class("planner-message")
        self.download = w.HTML()
        self.download.add_class("planner-download")
        self._chart_key: object = None

        self.current_box = w.VBox(
            [self._section("Your current subscription")]
            + [
                self.rows[n]
                for n in (
                    "current_edition",
                    "current_billing_mode",
                    "current_quota",
                    "current_term",
                    "current_start",
                    "current_expires",
                    "current_paid",
                    "current_purchased_at",
                )
            ]
        )
        self.target_title = self._section("The change")
        self.packages_title = self._section("Value-added packages")
        form = w.VBox(
            [
                self._section("Where and what"),
                self.rows["region"],
                self.rows["action"],
                self.rows["hosts"],
                self.rows["on"],
                self.current_box,
                self.target_title,
                self.rows["edition"],
                self.rows["billing_mode"],
                self.rows["quota"],
                self.rows["term"],
                self.rows["auto_renew"],
                self.packages_title,
                self.package_box,
                self.notes["packages"],
                self._section("Order details"),
                self.rows["tags"],
            ],
            layout=w.Layout(width="430px", flex="0 0 auto"),
        )
        form.add_class("planner-form")
        results = w.VBox(
            [
                self.errors,
                self.banner,
                self.total,
                self.lines,
                self.chart,
                self.warnings,
                self.disclaimer_text,
                self.rows["accept_disclaimer"],
                w.HBox([self.export_button, self.export_hint]),
                self.message,
                self.download,
            ],
            layout=w.Layout(flex="1 1 480px", min_width="320px", padding="0 0 0 16px"),
        )
        results.add_class("planner-results")
        self.widget = w.VBox(
            [
                self.header,
                self.notices,
                w.HBox([form, results], layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
            ]
        )
        self.widget.add_class("planner-app")
        model.observe(self.render)
        self.render(model)

    # -- building ---------------------------------------------------------------------------------
    @staticmethod
    def _section(title: str) -> w.HTML:
        return w.HTML(f"<div class='planner-section'>{_html.esc(title)}</div>")

    def _hook(self, name: str, widget: w.ValueWidget) -> None:
        widget.add_class(FIELDS[name].css)
        widget.observe(self._changed(name), names="value")
        self.inputs[name] = widget
        note = w.HTML()
        note.add_class(f"planner-note-{name.replace('_', '-')}")
        self.notes[name] = note
        self.rows[name] = w.VBox([widget, note], layout=w.Layout(margin="0"))

    def _widget(self, field: FormField) -> None:
        """The widget of one field of the table: its kind picks the widget, the table gives the words."""
        catalog = self.model.catalog
        label, hint = words(field, catalog, field.label), words(field, catalog, field.hint)
        common: dict[str, Any] = {"description": label, "style": _STYLE, "layout": _field()}
        widget: w.ValueWidget
        if field.kind == "choice":
            widget = w.Dropdown(**common)
        elif field.kind == "int":
            # Text, not IntText: the browser's number box turns "12.5" into 125 and "1e3" into 13 without a
            # word; the model reads the text and refuses what is not a whole number, at the field.
            widget = w.Text(**common, placeholder=hint, tooltip=hint, continuous_update=False)
        elif field.kind == "date":
            widget = w.DatePicker(**common, tooltip=hint)
        else:
            widget = w.Text(**common, placeholder=hint, continuous_update=False)
        self._hook(field.name, widget)

    # -- widget → model ---------------------------------------------------------------------------
    def _changed(self, name: str) -> Callable[[dict[str, Any]], None]:
        def forward(change: dict[str, Any]) -> None:
            if self._syncing:
                return
            value = change["new"]
            if FIELDS[name].kind == "int":
                self.model.type_number(name, str(value))
                return
            # An emptied (or half-typed) date is None: the model reports it, it never keeps the old date.
            if isinstance(value, dt.datetime):
                value = value.date()
            self.model.update(**{name: value})

        return forward

    def _package_changed(self, pkg_id: str) -> Callable[[dict[str, Any]], None]:
        def forward(change: dict[str, Any]) -> None:
            if self._syncing:
                return
            if isinstance(change["new"], bool):  # an on/off package (a checkbox) is 1 or nothing
                self.model.update(packages={**self.model.draft.packages, pkg_id: int(change["new"])})
            else:
                self.model.type_package(pkg_id, str(change["new"]))

        return forward

    # -- model → widgets --------------------------------------------------------------------------
    def render(self, model: OrderModel) -> None:
        self._syncing = True
        try:
            self._render_inputs(model)
        finally:
            self._syncing = False
        self._render_results(model)

    def _render_inputs(self, model: OrderModel) -> None:
        draft = model.draft
        for name in model.SELECTS:
            widget = self.inputs[name]
            options = model.choices(name)
            if list(widget.options) != options:
                widget.options = options
            value = getattr(draft, name) if options else None  # nothing offered: nothing chosen
            if widget.value != value:
                widget.value = value
        for name, widget in self.inputs.items():
            if name in model.SELECTS:
                continue
            value = getattr(draft, name)
            if FIELDS[name].kind == "int":
                value = draft.unreadable.get(name, str(value))
            if widget.value != value:
                widget.value = value
        beside = model.beside()
        for name, row in self.rows.items():
            row.layout.display = None if model.shows(name) else "none"
            self._note(name, beside.get(name, []), model.changed.get(name, ""))
        self._note("packages", beside.get("packages", []), "")
        for pkg_id, box in self.packages.items():
            size = draft.packages.get(pkg_id, 0)
            typed = draft.unreadable.get(f"packages.{pkg_id}")
            shown: Any = bool(size) if isinstance(box, w.Checkbox) else (typed if typed is not None else str(size))
            if box.value != shown:
                box.value = shown
        self.current_box.layout.display = None if model.action.needs_current else "none"
        shows_packages = model.shows("packages")
        self.package_box.layout.display = None if shows_packages else "none"
        self.packages_title.layout.display = None if shows_packages else "none"
        target_fields = ("edition", "billing_mode", "quota", "term", "auto_renew")
        self.target_title.layout.display = None if any(model.shows(n) for n in target_fields) else "none"
        self.notices.value = "".join(_html.notice(text) for text in model.notices)

    def _note(self, name: str, problems: list[str], changed: str) -> None:
        """The words under a field: its broken rules (the field outlined in red), or a choice made for the user."""
        widget = self.inputs.get(name, self.package_box)
        if problems:
            widget.add_class("planner-invalid")
            html = "".join(f"<div class='planner-field-error'>{_html.esc(p)}</div>" for p in problems)
        else:
            widget.remove_class("planner-invalid")
            html = f"<div class='planner-field-note'>{_html.esc(changed)}</div>" if changed else ""
        if self.notes[name].value != html:
            self.notes[name].value = html

    def _render_results(self, model: OrderModel) -> None:
        quote = model.quote
        # Whatever the last export said belongs to the last request: a change clears it.
        self.message.value = ""
        self.download.value = ""
        self.errors.value = _html.problem_list(
            model.shown_errors, css="planner-bad", title="Fix these to get a price:", label=model.label_of
        )
        self.banner.value = (
            _html.notice(
                "Illustrative prices: some figures in this quote are not published by Huawei "
                "(see the notes below). Check them against the Huawei Cloud console before you rely on them.",
                css="planner-warn",
            )
            if model.priced and quote.illustrative
            else ""
        )
        notes = [p for p in model.warnings if p.rule != "price.illustrative"]
        illustrative = [p for p in model.warnings if p.rule == "price.illustrative"]
        self.warnings.value = _html.problem_list(notes, css="planner-warn", title="Notes:") + (
            _html.problem_list(illustrative, css="planner-info", title="Illustrative figures used:")
            if model.priced
            else ""
        )
        if model.priced:
            self.total.value = quote_headline(quote)
            self.lines.value = quote_lines(quote)
        else:
            self.total.value = "<div class='planner-muted'>No price until the problems are fixed.</div>"
            self.lines.value = ""
        self._render_chart(model)
        self.export_button.disabled = not model.can_export
        self.export_hint.value = f"<span class='planner-muted'>{_html.esc(model.export_hint)}</span>"

    def _render_chart(self, model: OrderModel) -> None:
        key = (model.priced, repr(model.quote.to_dict()["lines"]) if model.priced else None)
        if key == self._chart_key:
            return
        self._chart_key = key
        if not model.priced or not model.quote.lines or model.quote.refund is not None:
            # (a refund has its own table: a bar "due now" would say the opposite)
            _html.draw(self.chart, None)  # no chart of an old price under "No price until …"
            return
        from planner import charts  # plotly is imported only once a chart is needed

        _html.draw(self.chart, charts.bundle(charts.quote_figure(model.quote)))

    # -- export -----------------------------------------------------------------------------------
    def _export(self, _button: w.Button) -> None:
        self.message.value = ""
        self.download.value = ""
        try:
            files = self.model.export()
        except planner.PlannerError as exc:
            self.message.value = _html.problem_list(exc.problems, css="planner-bad", title="Not exported:")
            return
        except OSError as exc:
            self.message.value = _html.notice(
                f"Not exported: cannot write the files ({exc.strerror}).", css="planner-bad"
            )
            return
        quote = self.model.quote
        money = (
            f"refund {amount(quote.refund.amount, quote.currency)}"
            if quote.refund
            else (f"total {amount(quote.total, quote.currency)}")
        )
        self.message.value = _html.notice(
            # The server's folder is not the visitor's business (nor an attacker's): the names and the links say it all.
            f"Order written: {files.json_path.name} and {files.csv_path.name} ({money}); download them below.",
            css="planner-ok",
        )
        self.download.value = _html.download_links([files.json_path, files.csv_path])
