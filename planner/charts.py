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

import json
from collections.abc import Sequence
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
    fig["config"] = {"displaylogo": False}
    return {"application/vnd.plotly.v1+json": fig, "text/plain": f"<{figure.layout.title.text or 'chart'}>"}


# -- a single quote ----------------------------------------------------------------------------------
def quote_figure(quote: Quote) -> go.Figure:
    """Bars of what each line of a quote costs: due now, or a month's estimate for pay-per-use."""
    data = quote.to_dict()
    lines = data["lines"]
    pay_per_use = data.get("monthly_estimate") is not None and Decimal(data["total"] or 0) == 0
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
        title={"text": f"Cost by line, {what}: {total} {data['currency']}"},
        xaxis_title=data["currency"],
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


def options_figure(options: Sequence[Option], *, currency: str, show: int = 6) -> go.Figure:
    """Cumulative cost lines of the ``show`` cheapest options (plus pay-per-use), break-evens marked.

    A break-even is where pay-per-use's running cost catches up with a yearly/monthly option's: from
    there on, prepaying would have been cheaper.
    """
    frame = timeline_frame(options)
    hourly = [o for o in options if o.billing_mode == "pay_per_use"]
    # Each pay-per-use line is compared with the cheapest prepaid option of its edition: always drawn.
    rivals = {
        ppu.label: next((o for o in options if o.edition == ppu.edition and o.billing_mode != "pay_per_use"), None)
        for ppu in hourly
    }
    keep = {o.label for o in rivals.values() if o is not None}
    chosen = [o for o in options if o.rank <= show or o.billing_mode == "pay_per_use" or o.label in keep]
    figure = go.Figure()
    for option in chosen:
        rows = frame[frame["option"] == option.label]
        dash = "dot" if option.billing_mode == "pay_per_use" else ("solid" if option.rank == 1 else "dash")
        figure.add_trace(
            go.Scatter(
                x=rows["month"],
                y=rows["cumulative"],
                name=f"#{option.rank} {option.label}",
                mode="lines",
                line={
                    "shape": "hv",
                    "dash": dash,
                    "color": EDITION_COLOURS.get(option.edition),
                    "width": 3 if option.rank == 1 else 1.5,
                },
                hovertemplate="%{x|%Y-%m}: %{y:,.2f} " + currency + "<extra>" + option.label + "</extra>",
            )
        )
    marks_x, marks_y, marks_text = [], [], []
    for ppu in hourly:
        rival = rivals[ppu.label]
        day = break_even(ppu, rival) if rival is not None else None
        if rival is not None and day is not None:
            cost = dict(ppu.timeline)[day]
            marks_x.append(day)
            marks_y.append(float(cost))
            marks_text.append(
                f"{ppu.label} has cost as much as {rival.label} by {day:%Y-%m}: prepaying is cheaper from here"
            )
    if marks_x:
        figure.add_trace(
            go.Scatter(
                x=marks_x,
                y=marks_y,
                mode="markers",
                name="break-even (pay-per-use catches up)",
                marker={"symbol": "x", "size": 11, "color": "#e53935"},
                text=marks_text,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    figure.update_layout(
        title={"text": f"Cumulative cost paid, {currency}"},
        xaxis_title="month",
        yaxis_title=currency,
        height=440,
        legend={"orientation": "h", "y": -0.2},
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
                y=frame["label"],
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
                y=charges["label"],
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


# -- the catalog -------------------------------------------------------------------------------------
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
    "bundle",
    "options_figure",
    "options_frame",
    "prices_figure",
    "quote_figure",
    "renewal_cost_figure",
    "renewals_figure",
    "timeline_frame",
]
