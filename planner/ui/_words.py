"""How the views write the core's figures for a person: money with thousands separators and the currency,
terms in words, a remaining period as Huawei writes it, a refund's parts. Nothing here computes a price:
every amount is already cut to cents by the core (:mod:`planner._money`), and is only laid out here.

>>> amount(Decimal("21229.49"), "USD")
'21,229.49 USD'
>>> term_words("1y"), term_words("3m")
('1 year', '3 months')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from planner import Term
from planner._dates import month_fractions, remaining_months, remaining_years
from planner._money import fmt, money
from planner._pricing import QuoteLine, Refund


def grouped(value: Decimal) -> str:
    """A money amount with two decimals and thousands separators ("21,229.49"); the core's cents, unchanged.

    >>> grouped(Decimal("-1234567.5"))
    '-1,234,567.50'
    """
    return format(Decimal(money(value)), ",f")


def amount(value: Decimal, currency: str) -> str:
    """A money amount and its currency ("13.02 USD", "21,229.49 USD")."""
    return f"{grouped(value)} {currency}"


def term_words(code: str | None) -> str:
    """A term code in words ("1y" → "1 year", "3m" → "3 months"); an unknown code is shown as given."""
    if not code:
        return ""
    try:
        term = Term.parse(code)
    except ValueError:
        return code
    return f"{term.count} {term.unit}{'s' if term.count > 1 else ''}"


def option_words(option: Any) -> str:
    """An option of :func:`planner.options` in words ("professional yearly/monthly, 3 years")."""
    mode = "pay-per-use" if option.pay_per_use else "yearly/monthly"
    return f"{option.edition} {mode}" + (f", {term_words(option.term)}" if option.term else "")


def remaining_words(line: QuoteLine) -> str:
    """A co-terminated line's remaining period as Huawei writes it (``12/30 + 8/31 = 0.65806452``).

    The fractions come from the line's service dates (``from`` is the change day, ``to`` the expiry); they
    are shown only when the line's period count is a fraction and they give it, i.e. when the line is a
    prorated change. Otherwise (a whole term, pay-per-use) the text is empty.
    """
    if line.service_from is None or line.service_to is None or line.periods == line.periods.to_integral_value():
        return ""  # a whole term (or pay-per-use) has no fraction to explain
    if line.period == "month" and remaining_months(line.service_from, line.service_to) == line.periods:
        parts = month_fractions(line.service_from, line.service_to)
        if not parts:
            return ""
        return " + ".join(f"{days}/{month}" for days, month in parts) + f" = {line.periods:.8f}"
    if line.period == "year" and remaining_years(line.service_from, line.service_to) == line.periods:
        days = (line.periods * 365).to_integral_value()
        return f"{days}/365 = {line.periods:.8f}"
    return ""


def refund_parts(refund: Refund, currency: str) -> list[tuple[str, str]]:
    """A refund's parts (SPEC A7, B3) as ``(what, figure)`` rows, in the order they are taken off."""
    if refund.full_refund:
        return [
            ("Paid", amount(refund.paid, currency)),
            ("Within the full-refund window", "yes: everything paid comes back"),
            ("Refund", amount(refund.amount, currency)),
        ]
    return [
        ("Paid", amount(refund.paid, currency)),
        ("Used", f"{refund.used_hours:,} of {refund.ordered_hours:,} ordered hours"),
        ("Used amount", f"{Decimal(fmt(refund.used_amount)):,} {currency}"),
        ("Handling fee rate", f"{fmt(refund.handling_fee_rate * 100)} % (year {refund.fee_year} of use)"),
        ("Handling fee", f"{Decimal(fmt(refund.handling_fee)):,} {currency}"),
        ("Refund", amount(refund.amount, currency)),
    ]


__all__ = ["amount", "grouped", "option_words", "refund_parts", "remaining_words", "term_words"]
