"""The request being edited on the planner page, as a plain object: no widgets here.

:class:`OrderDraft` holds what the user typed, field by field; :meth:`OrderDraft.to_request` turns it into
the SPEC B2 request, sending only what the chosen action takes. :class:`OrderModel` prices every change
with :func:`planner.quote` and tells its listeners; the widgets in ``_form.py`` are one such listener, and
tests, scripts or another UI can be others.

>>> model = OrderModel.start(today=date(2024, 6, 18))
>>> model.update(hosts=120, quota=100)
>>> [problem.rule for problem in model.errors]
['quota.below_hosts']
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import planner
from planner import Catalog, Problem

ACTION_LABELS: dict[str, str] = {
    "purchase": "Buy a new subscription",
    "upgrade": "Upgrade the edition",
    "increase_quota": "Increase the ECS quota",
    "renew": "Renew",
    "buy_package": "Buy value-added packages",
    "change_billing_mode": "Change pay-per-use to yearly/monthly",
    "unsubscribe": "Unsubscribe (refund)",
}
BILLING_MODE_LABELS: dict[str, str] = {"yearly_monthly": "Yearly/monthly", "pay_per_use": "Pay-per-use"}

#: What the form asks for each action, beyond region, hosts and tags (SPEC B2: ``target`` holds only what
#: the action changes or needs). Everything not listed is neither shown nor sent.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "purchase": ("edition", "billing_mode", "quota", "term", "packages", "auto_renew"),
    "upgrade": ("edition", "quota", "packages"),
    "increase_quota": ("quota",),
    "renew": ("term",),
    "buy_package": ("packages",),
    "change_billing_mode": ("billing_mode", "term", "auto_renew"),
    "unsubscribe": (),
}
#: Fields that only make sense for a yearly/monthly subscription.
YEARLY_MONTHLY_ONLY = frozenset({"term", "auto_renew"})

#: URL parameters that pre-fill the form (``?region=cn-north-4&hosts=120&edition=professional``).
QUERY_FIELDS: dict[str, str] = {
    "region": "choice",
    "action": "choice",
    "hosts": "int",
    "edition": "choice",
    "billing_mode": "choice",
    "quota": "int",
    "term": "choice",
    "on": "date",
    "current_edition": "choice",
    "current_billing_mode": "choice",
    "current_quota": "int",
    "current_term": "choice",
    "current_start": "date",
    "current_expires": "date",
}


@dataclass
class OrderDraft:
    """Every field of the planner form, as typed. Field names follow the request (``current_`` prefix)."""

    region: str
    action: str = "purchase"
    hosts: int = 50
    on: date | None = None
    edition: str = "professional"
    billing_mode: str = "yearly_monthly"
    quota: int = 50
    term: str = "1y"
    packages: dict[str, int] = field(default_factory=dict)
    auto_renew: bool = False
    current_edition: str = "standard"
    current_billing_mode: str = "yearly_monthly"
    current_quota: int = 50
    current_term: str = "1y"
    current_start: date | None = None
    current_expires: date | None = None
    current_paid: str = ""
    current_purchased_at: date | None = None
    tags: str = ""
    accept_disclaimer: bool = False

    # -- what the form shows ----------------------------------------------------------------------
    def shows(self, name: str) -> bool:
        """Whether the form asks for ``name`` (a draft field) for the chosen action."""
        if name in ("region", "action", "hosts", "on", "tags", "accept_disclaimer"):
            return True
        if name.startswith("current_"):
            if self.action == "purchase":
                return False
            if name in ("current_term", "current_expires"):
                return self.current_billing_mode == "yearly_monthly"
            if name in ("current_paid", "current_purchased_at"):
                return self.action == "unsubscribe"
            return True
        if name not in ACTION_FIELDS.get(self.action, ()):
            return False
        if name == "quota" and self.action == "upgrade" and self.current_edition == "basic":
            return False  # upgrading from basic changes the edition only [C: Table 3]
        if name in YEARLY_MONTHLY_ONLY:
            return self.billing_mode_after() == "yearly_monthly"
        return True

    def billing_mode_after(self) -> str:
        if self.action in ("purchase", "change_billing_mode"):
            return self.billing_mode
        return self.current_billing_mode

    # -- the request ------------------------------------------------------------------------------
    def to_request(self) -> tuple[dict[str, Any], list[Problem]]:
        """The SPEC B2 request, and the problems found reading the typed text (tags, amount paid)."""
        tags, problems = parse_tags(self.tags)
        request: dict[str, Any] = {"region": self.region, "hosts": self.hosts, "action": self.action}
        if self.on is not None:
            request["on"] = self.on.isoformat()
        if self.action != "purchase":
            current: dict[str, Any] = {
                "edition": self.current_edition,
                "billing_mode": self.current_billing_mode,
                "quota": self.current_quota,
            }
            if self.current_start is not None:
                current["start"] = self.current_start.isoformat()
            if self.shows("current_term"):
                current["term"] = self.current_term
                if self.current_expires is not None:
                    current["expires"] = self.current_expires.isoformat()
            if self.action == "unsubscribe":
                paid, paid_problems = parse_amount(self.current_paid, "current.paid")
                problems += paid_problems
                if paid is not None:
                    current["paid"] = str(paid)
                if self.current_purchased_at is not None:
                    when = datetime.combine(self.current_purchased_at, time(0, 0))
                    current["purchased_at"] = when.isoformat()
            request["current"] = current
        target: dict[str, Any] = {}
        for name in ACTION_FIELDS[self.action]:
            if not self.shows(name):
                continue
            if name == "packages":
                chosen = {pkg: size for pkg, size in self.packages.items() if size}
                if chosen or self.action == "buy_package":
                    target["packages"] = chosen
            else:
                target[name] = getattr(self, name)
        if target or self.action != "unsubscribe":
            request["target"] = target
        if tags:
            request["tags"] = tags
        request["accept_disclaimer"] = self.accept_disclaimer
        return request, problems


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
    """A decimal amount typed by the user; empty is ``None`` (the core then says it is required)."""
    text = text.strip()
    if not text:
        return None, []
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, [Problem("request.malformed", where, f"not an amount: {text!r} (e.g. 1200.00)")]
    if not amount.is_finite():
        return None, [Problem("request.malformed", where, f"not an amount: {text!r}")]
    return amount, []


def orders_dir() -> Path:
    """Where exports go: ``PLANNER_ORDERS_DIR``, else ``orders/`` in the project."""
    configured = os.environ.get("PLANNER_ORDERS_DIR", "").strip()
    return Path(configured) if configured else Path(planner.__file__).resolve().parent.parent / "orders"


Listener = Callable[["OrderModel"], None]


class OrderModel:
    """The draft plus its latest quote. Every :meth:`update` re-prices through :func:`planner.quote`."""

    def __init__(self, draft: OrderDraft, catalog: Catalog, *, today: date | None = None) -> None:
        self.catalog = catalog
        self.today = today or date.today()
        self.draft = draft
        self.notices: list[str] = []  # things the user should know that are not rule problems
        self._listeners: list[Listener] = []
        self.request: dict[str, Any] = {}
        self.input_problems: list[Problem] = []
        self.quote: Any = None
        self._requote()

    @classmethod
    def start(
        cls,
        catalog: Catalog | None = None,
        *,
        query: str = "",
        today: date | None = None,
    ) -> OrderModel:
        """A fresh draft with sensible defaults, pre-filled from a URL query string."""
        catalog = catalog or planner.load_catalog()
        today = today or date.today()
        region = "cn-north-4" if "cn-north-4" in catalog.regions else next(iter(catalog.regions))
        draft = OrderDraft(region=region, on=today, term=_default_term(catalog))
        start = planner.add_months(today, -3)
        draft.current_term = draft.term
        draft.current_start = start
        draft.current_expires = _expiry(catalog, start, draft.current_term)
        draft.current_purchased_at = start
        values, notices = parse_query(query, catalog)
        for name, value in values.items():
            setattr(draft, name, value)
        if ("current_start" in values or "current_term" in values) and "current_expires" not in values:
            draft.current_expires = _expiry(catalog, draft.current_start, draft.current_term)
        if "edition" in values and "current_edition" not in values and draft.action == "upgrade":
            lower = [e for e, ed in catalog.editions.items() if ed.rank < catalog.editions[draft.edition].rank]
            if lower:
                draft.current_edition = lower[-1]
        if "hosts" in values:  # a quota that covers the hosts, unless the URL says otherwise
            covering = max(draft.hosts, catalog.limits.quota_min)
            draft.quota = values.get("quota", covering)
            draft.current_quota = values.get("current_quota", covering)
        model = cls(draft, catalog, today=today)
        model.notices = notices
        return model

    # -- observing --------------------------------------------------------------------------------
    def observe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def update(self, **changes: Any) -> None:
        """Set draft fields and re-price. Unknown field names are a programming error."""
        names = {f.name for f in dataclasses.fields(OrderDraft)}
        unknown = set(changes) - names
        if unknown:
            raise AttributeError(f"OrderDraft has no field {', '.join(sorted(unknown))}")
        for name, value in changes.items():
            setattr(self.draft, name, value)
        if ("current_start" in changes or "current_term" in changes) and "current_expires" not in changes:
            # The console shows start and term; the expiry follows from them [A4] unless typed.
            self.draft.current_expires = _expiry(self.catalog, self.draft.current_start, self.draft.current_term)
        self._requote()
        for listener in list(self._listeners):
            listener(self)

    # -- the choices the form offers (catalog data, so the form cannot ask for what is not sold) ---
    def choices(self, name: str) -> list[tuple[str, str]]:
        """``(label, value)`` pairs for a select field of the draft."""
        d, c = self.draft, self.catalog
        sells = c.regions[d.region].sells if d.region in c.regions else {}
        terms = [(_term_label(t.count, t.unit), t.code) for t in c.terms]
        if name == "region":
            return [(f"{region.name} ({rid})", rid) for rid, region in c.regions.items()]
        if name == "action":
            return [(label, action) for action, label in ACTION_LABELS.items()]
        if name in ("term", "current_term"):
            return terms
        if name == "current_edition":
            return [(c.editions[e].name, e) for e in c.editions if e in sells]
        if name == "edition":
            sold = [e for e in c.editions if e in sells]
            if d.action == "upgrade" and d.current_edition in c.editions:
                rank = c.editions[d.current_edition].rank
                sold = [e for e in sold if c.editions[e].rank > rank] or sold
            return [(c.editions[e].name, e) for e in sold]
        if name in ("billing_mode", "current_billing_mode"):
            edition = d.edition if name == "billing_mode" else d.current_edition
            if d.action == "change_billing_mode" and name == "billing_mode":
                edition = "professional"
            modes = [m for m in BILLING_MODE_LABELS if m in sells.get(edition, ())]
            if d.action == "change_billing_mode" and name == "billing_mode":
                modes = [m for m in modes if m == "yearly_monthly"]
            return [(BILLING_MODE_LABELS[m], m) for m in modes]
        raise KeyError(name)

    SELECTS: tuple[str, ...] = (
        "region",
        "action",
        "current_edition",
        "current_billing_mode",
        "current_term",
        "edition",
        "billing_mode",
        "term",
    )

    def _normalize(self) -> None:
        # A select whose value is no longer offered (another region, another action) takes the first
        # offered value, in dependency order: region, then editions, then billing modes.
        for name in self.SELECTS:
            values = [value for _, value in self.choices(name)]
            if values and getattr(self.draft, name) not in values:
                setattr(self.draft, name, values[0])

    def _requote(self) -> None:
        self._normalize()
        self.request, self.input_problems = self.draft.to_request()
        self.quote = planner.quote(self.request, self.catalog, today=self.today)

    # -- what the view shows ----------------------------------------------------------------------
    @property
    def errors(self) -> list[Problem]:
        """Every broken rule: the typed text's, then the core's."""
        return [*self.input_problems, *self.quote.errors]

    @property
    def warnings(self) -> list[Problem]:
        return [w for w in self.quote.warnings if w.rule != "disclaimer.not_accepted"]

    @property
    def priced(self) -> bool:
        return not self.errors and bool(self.quote.ok)

    @property
    def can_export(self) -> bool:
        return self.priced and self.draft.accept_disclaimer

    @property
    def export_hint(self) -> str:
        if self.errors:
            return "Fix the problems listed to export."
        if not self.draft.accept_disclaimer:
            return "Accept the disclaimer to export."
        return ""

    def export(self, out_dir: str | os.PathLike[str] | None = None) -> Any:
        """Write the order's JSON and CSV (``PLANNER_ORDERS_DIR`` by default); raise PlannerError if invalid."""
        if self.input_problems:
            raise planner.PlannerError(self.input_problems)
        folder = Path(out_dir) if out_dir is not None else orders_dir()
        return planner.export_order(self.request, folder, self.catalog)


def _term_label(count: int, unit: str) -> str:
    return f"{count} {unit}{'s' if count > 1 else ''}"


def _default_term(catalog: Catalog) -> str:
    codes = [term.code for term in catalog.terms]
    return "1y" if "1y" in codes else codes[0]


def _expiry(catalog: Catalog, start: date | None, term: str) -> date | None:
    codes = {t.code: t for t in catalog.terms}
    if start is None or term not in codes:
        return None
    try:
        return planner.term_end(start, codes[term])  # the core's calendar: clamped to the month's end [A4]
    except (ValueError, OverflowError):  # a start near the end of the calendar: the core reports the date
        return None


def parse_query(query: str, catalog: Catalog) -> tuple[dict[str, Any], list[str]]:
    """Draft values from a URL query string, and a notice for each parameter that was not used.

    >>> parse_query("region=cn-north-4&hosts=120&colour=red", planner.load_catalog())
    ({'region': 'cn-north-4', 'hosts': 120}, ["Ignored the URL parameter 'colour': not a planner field."])
    """
    choices: dict[str, Mapping[str, Any]] = {
        "region": catalog.regions,
        "action": ACTION_LABELS,
        "edition": catalog.editions,
        "current_edition": catalog.editions,
        "billing_mode": BILLING_MODE_LABELS,
        "current_billing_mode": BILLING_MODE_LABELS,
        "term": {t.code: t for t in catalog.terms},
        "current_term": {t.code: t for t in catalog.terms},
    }
    values: dict[str, Any] = {}
    notices: list[str] = []
    for key, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        kind = QUERY_FIELDS.get(key)
        text = text.strip()
        if kind is None:
            notices.append(f"Ignored the URL parameter {key[:40]!r}: not a planner field.")
        elif kind == "choice":
            if text in choices[key]:
                values[key] = text
            else:
                notices.append(f"Ignored {key}={text[:40]!r}: use one of {', '.join(choices[key])}.")
        elif kind == "int":
            try:
                values[key] = int(text)
            except ValueError:
                notices.append(f"Ignored {key}={text[:40]!r}: not a whole number.")
        else:
            try:
                values[key] = date.fromisoformat(text)
            except ValueError:
                notices.append(f"Ignored {key}={text[:40]!r}: not a date (YYYY-MM-DD).")
    return values, notices


__all__ = [
    "ACTION_FIELDS",
    "ACTION_LABELS",
    "BILLING_MODE_LABELS",
    "OrderDraft",
    "OrderModel",
    "orders_dir",
    "parse_query",
    "parse_tags",
]
