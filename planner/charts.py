"""Plotly figures and pandas frames built from the core's answers (quotes, options, renewal quotes).

Nothing here prices anything: every amount comes from :func:`planner.quote` or :func:`planner.options`.
The pricing core never imports this module, so ``import planner`` stays free of plotly and pandas; pandas
itself is imported only by the frame builders (the planner page's chart does without it: 1.4 s saved).

>>> import planner
>>> q = planner.quote({"region": "cn-north-4", "hosts": 10, "on": "2024-06-18", "action": "purchase",
...     "target": {"edition": "standard", "billing_mode": "yearly_monthly", "quota": 10, "term": "1m"}})
>>> quote_figure(q).data[0].type
'bar'
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from planner import break_even

if TYPE_CHECKING:
    import pandas as pd

    from planner import Option, Quote

#: One colour per edition, the same on every chart.
EDITION_COLOURS = {"basic": "#9e9e9e", "standard": "#1e88e5", "professional": "#8e24aa"}
# A small explicit style instead of a named template: "plotly_white" adds ~15 kB to every figure sent.
_AXIS = {"gridcolor": "#e5e5e5", "zerolinecolor": "#bdbdbd", "automargin": True}
_LAYOUT: dict[str, Any] = {
    "template": "none",
    "plot_bgcolor": "white",
    "paper_bgcolor": "white",
    "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
    "font": {"size": 12},
}


def bundle(figure: go.Figure) -> dict[str, Any]:
    """The figure as a plotly mime bundle, for ``display(bundle, raw=True)`` in an ``Output`` widget.

    Cheaper than ``fig.show()`` (no renderer machinery) and than ``FigureWidget`` (no anywidget model).
    Not ``responsive``: that sizes the chart to 100 % of its output's height, which is 0 when the chart is
    drawn before Voila shows the page, as it is on a preheated kernel (the chart never appeared).
    """
    fig = json.loads(figure.to_json())
    # No "responsive": it sizes a chart to its container, which has no height while Voila lays out a page
    # drawn on a preheated kernel (the chart came up 0 px tall); each figure sets its own height.
    fig["config"] = {"displaylogo": False}
    return {"application/vnd.plotly.v1+json": fig, "text/plain": f"<{figure.layout.title.text or 'chart'}>"}


# -- a single quote ----------------------------------------------------------------------------------
def quote_figure(quote: Quote) -> go.Figure:
    """Bars of what each line of a quote costs: due now, or a month's estimate for pay-per-use."""
    data = quote.to_dict()
    lines = data["lines"]
    pay_per_use = quote.pay_per_use
    key = "monthly_estimate" if pay_per_use else "amount"
    names = [_short(line["description"]) for line in lines]
    amounts = [float(Decimal(line.get(key) or line["amount"])) for line in lines]
    colours = [EDITION_COLOURS.get(line["item"], "#43a047") for line in lines]
    what = "a month of pay-per-use (730 h)" if pay_per_use else "due now"
    total = data["monthly_estimate"] if pay_per_use else data["total"]
    figure = go.Figure(
        go.Bar(
            x=amounts,
            y=names,
            orientation="h",
            marker_color=colours,
            text=[f"{a:,.2f}" for a in amounts],
            textposition="auto",
            hovertemplate="%{y}: %{x:,.2f} " + data["currency"] + "<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": f"Cost by line, {what}: {Decimal(total):,} {data['currency']}"},
        xaxis={"title": {"text": data["currency"]}, "tickformat": ","},
        yaxis={"autorange": "reversed"},
        height=120 + 40 * len(lines),
        showlegend=False,
        **_LAYOUT,
    )
    return _styled(figure)


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- options -----------------------------------------------------------------------------------------
def options_frame(options: Sequence[Option]) -> pd.DataFrame:
    """One row per option, cheapest first: rank, label, edition, billing mode, term, total, cash paid."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "rank": o.rank,
                "option": o.label,
                "edition": o.edition,
                "billing_mode": o.billing_mode,
                "term": o.term or "",
                "total": o.total,
                "cash_paid": o.cash,
                "quota_increases": len(o.increases),
                "illustrative": o.illustrative,
            }
            for o in options
        ]
    )


def timeline_frame(options: Sequence[Option]) -> pd.DataFrame:
    """Long frame of cumulative cash paid: one row per option and month start."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "option": o.label,
                "rank": o.rank,
                "edition": o.edition,
                "billing_mode": o.billing_mode,
                "month": day,
                "cumulative": float(total),
            }
            for o in options
            for day, total in o.timeline
        ]
    )


def break_evens(options: Sequence[Option]) -> list[tuple[Option, Option, date]]:
    """Each pay-per-use option with the cheapest prepaid option of its edition and the month it catches up.

    From that month on pay-per-use has cost more since the start: prepaying would have been cheaper.
    """
    found = []
    for ppu in (o for o in options if o.pay_per_use):
        rival = next((o for o in options if o.edition == ppu.edition and not o.pay_per_use), None)
        day = break_even(ppu, rival) if rival is not None else None
        if rival is not None and day is not None:
            found.append((ppu, rival, day))
    return found


def options_figure(
    options: Sequence[Option], *, currency: str, show: int = 3, label: Callable[[Option], str] | None = None
) -> go.Figure:
    """Cumulative cost lines, one panel per paid edition (each on its own scale, so every line can be told
    apart): the ``show`` cheapest yearly/monthly terms of the edition and its pay-per-use, break-evens marked.
    The free basic edition costs nothing and is left out (the page shows it apart). ``label`` names an
    option (default: ``Option.label``).
    """
    name_of = label or (lambda option: option.label)
    from plotly.subplots import make_subplots

    paid = [o for o in options if o.total > 0]
    editions = list(dict.fromkeys(o.edition for o in paid))
    figure = make_subplots(
        rows=max(len(editions), 1),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=[f"{e} edition" for e in editions],
    )
    marks = {ppu.label: (rival, day) for ppu, rival, day in break_evens(options)}
    for row, edition in enumerate(editions, start=1):
        mine = [o for o in paid if o.edition == edition]
        chosen = [o for o in mine if not o.pay_per_use][:show] + [o for o in mine if o.pay_per_use]
        for index, option in enumerate(chosen):
            dash = "dot" if option.pay_per_use else ("solid", "dash", "dashdot", "longdash")[min(index, 3)]
            figure.add_trace(
                go.Scatter(
                    x=[day for day, _ in option.timeline],
                    y=[float(total) for _, total in option.timeline],
                    name=f"#{option.rank} {name_of(option)}",
                    legendgroup=edition,
                    mode="lines",
                    line={"shape": "hv", "dash": dash, "color": EDITION_COLOURS.get(edition), "width": 2},
                    hovertemplate="%{x|%Y-%m}: %{y:,.2f} " + currency + "<extra>" + name_of(option) + "</extra>",
                ),
                row=row,
                col=1,
            )
            if option.label in marks:
                rival, day = marks[option.label]
                figure.add_trace(
                    go.Scatter(
                        x=[day],
                        y=[float(dict(option.timeline)[day])],
                        mode="markers+text",
                        name=f"break-even: {name_of(option)} overtakes {name_of(rival)} in {day:%Y-%m}",
                        legendgroup=edition,
                        marker={"symbol": "x", "size": 12, "color": "#e53935"},
                        text=[f"break-even {day:%Y-%m}"],
                        textposition="top left",
                        hovertemplate=f"{name_of(option)} overtakes {name_of(rival)} in {day:%Y-%m}<extra></extra>",
                    ),
                    row=row,
                    col=1,
                )
        figure.update_yaxes(title_text=currency, tickformat=",", rangemode="tozero", row=row, col=1)
    uncovered = [o.uncovered_from for o in paid if o.uncovered_from]
    if uncovered:  # from then on one subscription cannot cover every host (the page says so too)
        outgrown = str(min(uncovered))
        for row in range(1, len(editions) + 1):
            figure.add_vline(x=outgrown, line={"color": "#c62828", "dash": "dot"}, row=row, col=1)
        figure.add_annotation(
            x=outgrown,
            y=1.0,
            yref="paper",
            text="hosts over the largest quota",
            showarrow=False,
            yanchor="bottom",
            font={"color": "#c62828"},
        )
    figure.update_layout(
        title={"text": f"Cumulative cost paid, {currency}, by edition"},
        height=200 + 260 * max(len(editions), 1),
        legend={"orientation": "h", "y": -0.12},
        **_LAYOUT,
    )
    return _styled(figure)


# -- renewals ----------------------------------------------------------------------------------------
def renewals_figure(frame: pd.DataFrame, *, today: date | None = None) -> go.Figure:
    """A timeline per subscription: running term, grace and retention windows, auto-renew charge dates.

    ``frame`` needs columns ``label``, ``start``, ``expires``, ``grace_ends``, ``retention_ends`` (dates)
    and ``auto_renew_charge`` (a date or empty), as :func:`planner.ui.renewals.portfolio_frame` builds.
    """
    figure = go.Figure()
    # Plotly reads a subset of HTML in labels: a name from an uploaded file is escaped ("<b>x" stays text).
    labels = [html.escape(str(label)) for label in frame["label"]]
    spans = (
        ("running", "start", "expires", "#43a047"),
        ("grace period", "expires", "grace_ends", "#fb8c00"),
        ("retention (frozen)", "grace_ends", "retention_ends", "#e53935"),
    )
    for name, begin, end, colour in spans:
        figure.add_trace(
            go.Bar(
                base=[_ms(d) for d in frame[begin]],
                x=[_duration_ms(b, e) for b, e in zip(frame[begin], frame[end], strict=True)],
                y=labels,
                orientation="h",
                name=name,
                marker_color=colour,
                customdata=[[str(b), str(e)] for b, e in zip(frame[begin], frame[end], strict=True)],
                hovertemplate="%{y}<br>" + name + ": %{customdata[0]} → %{customdata[1]}<extra></extra>",
            )
        )
    charges = frame[frame["auto_renew_charge"].notna() & (frame["auto_renew_charge"] != "")]
    if len(charges):
        figure.add_trace(
            go.Scatter(
                x=[_ms(d) for d in charges["auto_renew_charge"]],
                y=[html.escape(str(label)) for label in charges["label"]],
                mode="markers",
                name="auto-renew charge",
                marker={"symbol": "diamond", "size": 11, "color": "#1e88e5"},
                customdata=[str(d) for d in charges["auto_renew_charge"]],
                hovertemplate="%{y}<br>auto-renew charge on %{customdata}<extra></extra>",
            )
        )
    if today is not None:
        figure.add_vline(x=_ms(today), line={"color": "#555", "dash": "dot"})
        figure.add_annotation(x=_ms(today), y=1, yref="paper", text="today", showarrow=False, yanchor="bottom")
    figure.update_layout(
        title={"text": "Expiries, auto-renew charges, grace and retention"},
        barmode="overlay",
        xaxis={"type": "date"},
        yaxis={"autorange": "reversed"},
        height=160 + 34 * len(frame),
        legend={"orientation": "h", "y": -0.15},
        **_LAYOUT,
    )
    return _styled(figure)


def renewal_cost_figure(by_region: pd.DataFrame, *, currency: str, term: str) -> go.Figure:
    """Bars of the renewal cost per region (``region`` and ``cost`` columns)."""
    figure = go.Figure(
        go.Bar(
            x=by_region["region"],
            y=[float(v) for v in by_region["cost"]],
            text=[f"{float(v):,.2f}" for v in by_region["cost"]],
            textposition="auto",
            marker_color="#1e88e5",
        )
    )
    figure.update_layout(
        title={"text": f"Renewal cost per region for {term}, {currency}"},
        yaxis_title=currency,
        height=340,
        **_LAYOUT,
    )
    return _styled(figure)


def _styled(figure: go.Figure) -> go.Figure:
    figure.update_xaxes(**_AXIS)
    figure.update_yaxes(**_AXIS)
    return figure


def _ms(day: object) -> str:
    return str(day)


def _duration_ms(begin: object, end: object) -> float:
    start, stop = _as_date(begin), _as_date(end)
    return (stop - start) / timedelta(milliseconds=1)


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


__all__ = [
    "EDITION_COLOURS",
    "break_evens",
    "bundle",
    "options_figure",
    "options_frame",
    "quote_figure",
    "renewal_cost_figure",
    "renewals_figure",
    "timeline_frame",
]
