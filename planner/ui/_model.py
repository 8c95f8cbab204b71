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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import planner
from planner import Catalog, Problem
from planner._settings import Settings

from ._fields import BILLING_MODE_LABELS, parse_amount, parse_query, parse_tags

#: The form's labels for each action, from the action registry (one home per action).
ACTION_LABELS: dict[str, str] = {name: action.label for name, action in planner.ACTIONS.items()}


#: What the form may ask for each action, beyond region, hosts and tags: the action's target fields
#: (SPEC B2). Whether a field is asked in a given state is the action's :meth:`~planner.Action.asks`.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {name: action.target_fields for name, action in planner.ACTIONS.items()}


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
    def shows(self, name: str, catalog: Catalog) -> bool:
        """Whether the form asks for ``name`` (a draft field) for the chosen action: the action says."""
        if name in ("region", "action", "hosts", "on", "tags", "accept_disclaimer"):
            return True
        action = planner.ACTIONS.get(self.action)
        if action is None:
            return False
        if name.startswith("current_"):
            return action.asks_current(name.removeprefix("current_"), current_billing_mode=self.current_billing_mode)
        return action.asks(
            name,
            catalog,
            current_edition=self.current_edition if action.needs_current else None,
            billing_mode_after=self.billing_mode_after(),
        )

    def billing_mode_after(self) -> str:
        action = planner.ACTIONS.get(self.action)
        if action is None:
            return self.billing_mode
        current = self.current_billing_mode if action.needs_current else None
        return action.billing_mode_after(current, self.billing_mode if "billing_mode" in action.target_fields else None)

    # -- the request ------------------------------------------------------------------------------
    def to_request(self, catalog: Catalog) -> tuple[dict[str, Any], list[Problem]]:
        """The SPEC B2 request, and the problems found reading the typed text (tags, amount paid)."""
        tags, problems = parse_tags(self.tags)
        request: dict[str, Any] = {"region": self.region, "hosts": self.hosts, "action": self.action}
        if self.on is not None:
            request["on"] = self.on.isoformat()
        action = planner.ACTIONS[self.action]
        if action.needs_current:
            current: dict[str, Any] = {
                "edition": self.current_edition,
                "billing_mode": self.current_billing_mode,
                "quota": self.current_quota,
            }
            if self.current_start is not None:
                current["start"] = self.current_start.isoformat()
            if self.shows("current_term", catalog):
                current["term"] = self.current_term
                if self.current_expires is not None:
                    current["expires"] = self.current_expires.isoformat()
            if self.shows("current_paid", catalog):
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
            if not self.shows(name, catalog):
                continue
            if name == "packages":
                chosen = {pkg: size for pkg, size in self.packages.items() if size}
                if chosen or "packages" in action.required:
                    target["packages"] = chosen
            else:
                target[name] = getattr(self, name)
        if target or action.required:
            request["target"] = target
        if tags:
            request["tags"] = tags
        request["accept_disclaimer"] = self.accept_disclaimer
        return request, problems


def orders_dir() -> Path:
    """Where exports go: ``PLANNER_ORDERS_DIR``, else ``orders/`` in the project (the planner's settings)."""
    return Settings.from_env().orders_dir


Listener = Callable[["OrderModel"], None]


class OrderModel:
    """The draft plus its latest quote. Every :meth:`update` re-prices through :func:`planner.quote`."""

    def __init__(self, draft: OrderDraft, catalog: Catalog, *, today: date | None = None) -> None:
        self.catalog = catalog
        self.today = today or catalog.today()
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
        today = today or catalog.today()
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
        action = planner.ACTIONS[draft.action]
        if "edition" in values and "current_edition" not in values and action.needs_current:
            # The nearest running edition the action can take to the edition asked for (an upgrade's source).
            sources = [
                e
                for e in action.current_offers(catalog, draft.region)
                if draft.edition in action.target_editions(catalog, draft.region, e)
            ]
            if sources:
                draft.current_edition = max(sources, key=catalog.edition_rank)
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
        """``(label, value)`` pairs for a select field of the draft: what the action and the region allow."""
        d, c = self.draft, self.catalog
        action = planner.ACTIONS[d.action] if d.action in planner.ACTIONS else planner.ACTIONS["purchase"]
        sells = c.regions[d.region].sells if d.region in c.regions else {}
        terms = [(_term_label(t.count, t.unit), t.code) for t in c.terms]
        if name == "region":
            return [(f"{region.name} ({rid})", rid) for rid, region in c.regions.items()]
        if name == "action":  # only what can be done in the region (nothing renews where nothing is prepaid)
            return [
                (label, name)
                for name, label in ACTION_LABELS.items()
                if not planner.ACTIONS[name].needs_current or planner.ACTIONS[name].current_offers(c, d.region)
            ]
        if name in ("term", "current_term"):
            return terms
        # The running subscription's fields are hidden when the action starts none; they keep any sold value.
        running = action.current_offers(c, d.region) if action.needs_current else sells
        if name == "current_edition":
            return [(c.editions[e].name, e) for e in c.editions if e in running]
        if name == "current_billing_mode":
            modes = running.get(d.current_edition, ())
            return [(BILLING_MODE_LABELS[m], m) for m in BILLING_MODE_LABELS if m in modes]
        if name == "edition":
            editions = action.target_editions(c, d.region, d.current_edition) or tuple(
                e for e in c.editions if e in sells
            )
            return [(c.editions[e].name, e) for e in editions]
        if name == "billing_mode":
            current = d.current_billing_mode if action.needs_current else None
            edition = action.edition_after(d.current_edition if action.needs_current else None, d.edition)
            modes = action.target_billing_modes(c, d.region, edition, current) or sells.get(edition, ())
            return [(BILLING_MODE_LABELS[m], m) for m in BILLING_MODE_LABELS if m in modes]
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
        self.request, self.input_problems = self.draft.to_request(self.catalog)
        self.quote = planner.quote(self.request, self.catalog, today=self.today)

    # -- what the view shows ----------------------------------------------------------------------
    @property
    def action(self) -> planner.Action[Any]:
        """The chosen action, from the registry."""
        return planner.ACTIONS[self.draft.action]

    def shows(self, name: str) -> bool:
        """Whether the form asks for the draft field ``name`` now."""
        return self.draft.shows(name, self.catalog)

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


__all__ = [
    "ACTION_FIELDS",
    "ACTION_LABELS",
    "BILLING_MODE_LABELS",
    "OrderDraft",
    "OrderModel",
    "orders_dir",
]
