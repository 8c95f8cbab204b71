"""Readable terminal tables (``--format table``), drawn with rich."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ._catalog import Catalog
from ._money import ZERO, fmt, money
from ._options import Option
from ._pricing import Refund
from ._quote import Quote


def _console() -> Console:
    return Console(soft_wrap=False, width=160, highlight=False)


def print_quote(result: Quote) -> None:
    console = _console()
    # Everything from the request is escaped: rich would read "[/x]" in a region as markup.
    title = escape(f"SecMaster {result.action or 'request'} in {result.region or '?'}")
    if result.on:
        title += f" on {result.on}"
    if not result.ok:
        console.print(f"[bold red]{title}: cannot be priced[/]")
        errors = Table("rule", "field", "problem", title="Broken rules")
        for problem in result.errors:
            errors.add_row(escape(problem.rule), escape(problem.field), escape(problem.message))
        console.print(errors)
        return
    table = Table(title=title, show_lines=True)  # title is escaped above
    for column in (
        "item",
        "description",
        "qty",
        "unit price",
        "periods",
        "discount",
        f"amount {result.currency}",
        "math",
    ):
        table.add_column(column, justify="right" if column in ("qty", "unit price", "periods") else "left")
    for line in result.lines:
        data = line.to_dict()
        table.add_row(
            *(
                escape(cell)
                for cell in (
                    data["item"],
                    data["description"],
                    f"{data['quantity']} {data['unit']}",
                    f"{data['unit_price']}/{data['period']}",
                    data["periods"],
                    data["discount"],
                    data["amount"],
                    data["math"],
                )
            )
        )
    console.print(table)
    if result.refund:
        console.print(f"[bold]Refund: {money(result.refund.amount)} {result.currency}[/]")
    else:
        console.print(f"[bold]Total due now: {money(result.total or ZERO)} {result.currency}[/]")
    facts = result.to_dict()
    for key, words in (
        ("expires", "Expires"),
        ("quota_expires", "Added quota expires"),
        ("auto_renew_charge", "Auto-renew charges on"),
        ("hourly", f"Hourly ({result.currency})"),
        ("monthly_estimate", f"Monthly estimate, 730 h ({result.currency})"),
    ):
        if key in facts:
            console.print(escape(f"{words}: {facts[key]}"))
    if result.refund:
        console.print(escape(refund_words(result.refund, result.currency)))
    if "fetched" in result.catalog:
        console.print(escape(f"Prices fetched from Huawei at {result.catalog['fetched']}"))
    for warning in result.warnings:
        console.print(f"[yellow]warning {escape(warning.rule)}[/] ({escape(warning.field)}): {escape(warning.message)}")


def refund_words(refund: Refund, currency: str) -> str:
    """The parts of a refund in plain words (SPEC B3): what was paid, used, charged and given back."""
    if refund.full_refund:
        return f"Full refund of {money(refund.paid)} {currency}: unsubscribed within the full-refund window"
    return (
        f"Paid {money(refund.paid)}; used {refund.used_hours:,} of {refund.ordered_hours:,} hours = "
        f"{fmt(refund.used_amount)}; handling fee {fmt(refund.handling_fee_rate * 100)} % (year {refund.fee_year} "
        f"of use) = {fmt(refund.handling_fee)}; refund {money(refund.amount)} {currency}"
    )


def print_options(options: Sequence[Option], catalog: Catalog, *, region: str, hosts: int, horizon: int) -> None:
    console = _console()
    table = Table(
        title=escape(f"Ways to cover {hosts:,} hosts in {region} over {horizon} months ({catalog.currency})"),
        caption="total = cost of the horizon (the last term prorated by days); cash = all paid within it",
    )
    for column in ("#", "edition", "billing", "term", "total", "cash", "quota increases", "offers"):
        table.add_column(column, justify="right" if column in ("#", "total", "cash") else "left")
    for option in options:
        increases = ", ".join(f"{d:%Y-%m} →{b}" for d, _a, b in option.increases[:3])
        if len(option.increases) > 3:
            increases += f" … ({len(option.increases)} in all)"
        if option.uncovered_from:
            increases += f" ! over {catalog.limits.quota_max:,} hosts from {option.uncovered_from:%Y-%m}"
        table.add_row(
            str(option.rank),
            option.edition,
            "pay-per-use" if option.billing_mode == "pay_per_use" else "yearly/monthly",
            option.term or "—",
            money(option.total) + (" *" if option.illustrative else ""),
            money(option.cash),
            increases or "—",
            escape(option.offers),
        )
    console.print(table)
    if any(o.uncovered_from for o in options):
        console.print(
            f"[red]! the hosts outgrow the largest quota ({catalog.limits.quota_max:,}) within the horizon: "
            "one subscription cannot cover them all from then on[/]"
        )
    if any(o.illustrative for o in options):
        console.print("[yellow]* uses illustrative figures (term discounts, pay-per-use or package prices)[/]")
