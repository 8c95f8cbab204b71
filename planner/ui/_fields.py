"""The planner form's fields, in one table, and the parsers of what a visitor types or puts in the URL.

:data:`FIELDS` drives the form (which widget, which label, which hint), the URL pre-fill (which fields a
query string may set, and how each is read) and where a rule problem is shown (the request path each field
fills). Limits in hints come from the catalog; rules stay in the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import parse_qsl

import planner
from planner import Catalog, Problem
from planner._money import read_decimal

Kind = Literal["choice", "int", "date", "text", "flag"]

BILLING_MODE_LABELS: dict[str, str] = {"yearly_monthly": "Yearly/monthly", "pay_per_use": "Pay-per-use"}


@dataclass(frozen=True)
class FormField:
    """One field of the planner form."""

    name: str  # the draft's field (``current_`` prefix for the running subscription)
    kind: Kind
    label: str  # in the console's words; rule problems about the field use it too
    path: str  # where the field lands in the request, so a problem at that path is shown beside it
    hint: str = ""  # may name catalog limits: {hosts_max}, {quota_max}, {currency}
    from_url: bool = True  # a URL query string may pre-fill it
    hook: str = ""  # the widget's stable CSS class, when not planner-<name with dashes>

    @property
    def css(self) -> str:
        return self.hook or "planner-" + self.name.replace("_", "-")


FIELDS: dict[str, FormField] = {
    f.name: f
    for f in (
        FormField("region", "choice", "Region", "region"),
        FormField("action", "choice", "What to do", "action"),
        FormField("hosts", "int", "Hosts to cover", "hosts", "Hosts in the account (0–{hosts_max:,})"),
        FormField("on", "date", "Priced on", "on", "The day the action is priced and paid"),
        FormField("current_edition", "choice", "Edition", "current.edition"),
        FormField("current_billing_mode", "choice", "Billing mode", "current.billing_mode"),
        FormField("current_quota", "int", "ECS quota", "current.quota", "The quota bought"),
        FormField("current_term", "choice", "Term", "current.term"),
        FormField("current_start", "date", "Started on", "current.start"),
        FormField("current_expires", "date", "Expires on", "current.expires"),
        FormField("current_paid", "text", "Amount paid ({currency})", "current.paid", "e.g. 3300.00", False),
        FormField("current_purchased_at", "date", "Purchased on", "current.purchased_at", from_url=False),
        FormField("edition", "choice", "Edition", "target.edition"),
        FormField("billing_mode", "choice", "Billing mode", "target.billing_mode"),
        FormField("quota", "int", "ECS quota", "target.quota", "At least the host count; at most {quota_max:,}"),
        FormField("term", "choice", "Term", "target.term"),
        FormField("auto_renew", "flag", "Renew automatically", "target.auto_renew", from_url=False),
        FormField("tags", "text", "Tags", "tags", "key=value, key=value", False),
        FormField(
            "accept_disclaimer",
            "flag",
            "I accept the disclaimer",
            "accept_disclaimer",
            from_url=False,
            hook="planner-disclaimer",
        ),
    )
}


def words(field: FormField, catalog: Catalog, text: str) -> str:
    """A label or hint with the catalog's limits filled in."""
    return text.format(
        hosts_max=catalog.limits.hosts_max, quota_max=catalog.limits.quota_max, currency=catalog.currency
    )


def field_at(path: str) -> FormField | None:
    """The form field a request path (``target.quota``, ``target.packages.x``) belongs to, if any."""
    best: FormField | None = None
    for f in FIELDS.values():
        if (path == f.path or path.startswith(f.path + ".")) and (best is None or len(f.path) > len(best.path)):
            best = f
    return best


def choice_values(name: str, catalog: Catalog) -> Mapping[str, Any]:
    """Every value a choice field can ever hold (the form narrows them to the current state)."""
    terms = {t.code: t for t in catalog.terms}
    table: dict[str, Mapping[str, Any]] = {
        "region": catalog.regions,
        "action": planner.ACTIONS,
        "edition": catalog.editions,
        "current_edition": catalog.editions,
        "billing_mode": BILLING_MODE_LABELS,
        "current_billing_mode": BILLING_MODE_LABELS,
        "term": terms,
        "current_term": terms,
    }
    return table[name]


def parse_query(query: str, catalog: Catalog) -> tuple[dict[str, Any], list[str]]:
    """Draft values from a URL query string, and a notice for each parameter that was not used.

    >>> parse_query("region=cn-north-4&hosts=120&colour=red", planner.load_catalog())
    ({'region': 'cn-north-4', 'hosts': 120}, ["Ignored the URL parameter 'colour': not a planner field."])
    """
    values: dict[str, Any] = {}
    notices: list[str] = []
    for key, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        field = FIELDS.get(key)
        text = text.strip()
        if field is None or not field.from_url:
            notices.append(f"Ignored the URL parameter {key[:40]!r}: not a planner field.")
        elif field.kind == "choice":
            allowed = choice_values(key, catalog)
            if text in allowed:
                values[key] = text
            else:
                notices.append(f"Ignored {key}={text[:40]!r}: use one of {', '.join(allowed)}.")
        elif field.kind == "int":
            number = parse_whole(text)
            if number is None:
                notices.append(f"Ignored {key}={text[:40]!r}: not a whole number.")
            else:
                values[key] = number
        elif field.kind == "date":
            try:
                values[key] = date.fromisoformat(text)
            except ValueError:
                notices.append(f"Ignored {key}={text[:40]!r}: not a date (YYYY-MM-DD).")
    return values, notices


def parse_whole(text: str) -> int | None:
    """A whole number typed by a person (digits, an optional sign, thousands commas); else ``None``.

    >>> parse_whole("1,200"), parse_whole("12.5"), parse_whole("1e3")
    (1200, None, None)
    """
    cleaned = text.strip().replace(",", "")
    digits = cleaned[1:] if cleaned[:1] in "+-" else cleaned
    if not digits.isascii() or not digits.isdigit() or len(digits) > 12:
        return None
    return int(cleaned)


def parse_tags(text: str) -> tuple[dict[str, str], list[Problem]]:
    """Tags typed as ``key=value`` pairs, separated by commas or new lines. Limits are the core's job.

    >>> parse_tags("env=prod, team = sec")
    ({'env': 'prod', 'team': 'sec'}, [])
    """
    tags: dict[str, str] = {}
    problems: list[Problem] = []
    for raw in text.replace("\n", ",").split(","):
        if not raw.strip():
            continue
        key, sep, value = raw.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            problems.append(Problem("tags.key", "tags", f"write each tag as key=value, not {raw.strip()!r}"))
        elif key in tags:
            problems.append(Problem("tags.key", f"tags.{key}", f"the tag key {key!r} is given twice"))
        else:
            tags[key] = value
    return tags, problems


def parse_amount(text: str, where: str) -> tuple[Decimal | None, list[Problem]]:
    """A decimal amount typed by the user (the core's one decimal reader); empty is ``None`` (the core then
    says it is required)."""
    if not text.strip():
        return None, []
    value = read_decimal(text, where, places=2, low=Decimal(0), thousands=True, what="an amount such as 1200.00")
    if isinstance(value, Problem):
        return None, [value]
    return value, []


def parse_percent(text: str, where: str) -> Decimal | Problem:
    """A monthly growth rate typed by the user, 0 to 100 %; empty is 0."""
    return read_decimal(
        text.strip().rstrip("%") or "0", where, low=Decimal(0), high=Decimal(100), what="a number of percent per month"
    )


__all__ = [
    "BILLING_MODE_LABELS",
    "FIELDS",
    "FormField",
    "field_at",
    "parse_amount",
    "parse_percent",
    "parse_query",
    "parse_tags",
    "parse_whole",
    "words",
]
