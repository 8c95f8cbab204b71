"""A quote as the planner page shows it: the headline (due now, a refund, an hourly rate) and the lines with
their math. Every figure is the core's; this only writes it for people.
"""

from __future__ import annotations

from typing import Any

from . import _html
from ._words import amount, grouped, refund_parts, remaining_words


def quote_headline(quote: Any) -> str:
    """The headline: what is due now (or the refund, or the hourly rate), and the dates around it."""
    currency = quote.currency
    refund = quote.refund
    if refund is not None:
        # An unsubscribe gives money back: "Refund: 21,229.49 USD", never a negative amount due (SPEC B3).
        parts = [
            f"<div class='planner-total-line'>Refund: <span class='planner-total-amount'>"
            f"{_html.esc(grouped(refund.amount))}</span> {_html.esc(currency)}</div>",
            _html.table(
                ["How the refund is worked out", ""], refund_parts(refund, currency), css="planner-table planner-refund"
            ),
        ]
    else:
        parts = [
            f"<div class='planner-total-line'>Due now: <span class='planner-total-amount'>"
            f"{_html.esc(grouped(quote.total))}</span> {_html.esc(currency)}</div>"
        ]
    facts = []
    if quote.monthly_estimate is not None:
        facts.append(f"about {amount(quote.monthly_estimate, currency)} a month (730 hours)")
    if quote.hourly is not None:
        facts.append(f"{quote.hourly.normalize():,f} {currency} an hour, billed by the second")
    if quote.expires is not None:
        facts.append(f"{'ends' if refund is not None else 'expires'} {quote.expires.isoformat()}")
    if quote.auto_renew_charge is not None:
        facts.append(f"auto-renewal charged on {quote.auto_renew_charge.isoformat()}")
    if refund is not None:
        facts.append(f"as of {refund.as_of:%Y-%m-%d %H:%M}")
    if facts:
        parts.append(f"<div class='planner-muted planner-facts'>{_html.esc('; '.join(facts))}</div>")
    return "".join(parts)


def quote_lines(quote: Any) -> str:
    """One row per line with its figures, then its math and (for a change mid-term) its remaining period."""
    currency = quote.currency
    rows = []
    for line in quote.lines:
        quantity = f"{line.quantity:,} {line.unit}"
        # Money flowing back is written as such, never as a negative amount due (SPEC B3).
        due = f"{grouped(-line.amount)} back" if line.amount < 0 else grouped(line.amount)
        cells = (
            f"<td>{_html.esc(line.description)}</td>"
            f"<td class='num'>{_html.esc(quantity)}</td>"
            f"<td class='num'>{_html.esc(f'{line.unit_price:,}')}/{_html.esc(line.period)}</td>"
            f"<td class='num'>{_html.esc(line.periods)}</td>"
            f"<td class='num'>{_html.esc(line.discount)}</td>"
            f"<td class='num'>{_html.esc(due)}</td>"
        )
        rows.append(f"<tr>{cells}</tr>")
        remaining = remaining_words(line)
        if remaining:
            rows.append(
                f"<tr class='math planner-remaining'><td colspan='6'>remaining period: {_html.esc(remaining)}"
                f" {_html.esc(line.period)}s</td></tr>"
            )
        rows.append(f"<tr class='math'><td colspan='6'>{_html.esc(line.math)}</td></tr>")
    head = "".join(
        f"<th class='{c}'>{_html.esc(t)}</th>"
        for t, c in (
            ("Line", ""),
            ("Quantity", "num"),
            (f"Unit price ({currency})", "num"),
            ("Periods", "num"),
            ("Discount", "num"),
            (f"Amount ({currency})", "num"),
        )
    )
    return f"<table class='planner-table'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


__all__ = ["quote_headline", "quote_lines"]
