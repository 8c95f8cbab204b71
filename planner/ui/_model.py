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
from datetime import date
from pathlib import Path
from typing import Any

import planner
from planner import Catalog, Problem
from planner._settings import Settings

from ._draft import ACTION_FIELDS, ACTION_LABELS, OrderDraft
from ._fields import (
    BILLING_MODE_LABELS,
    FIELDS,
    field_at,
    parse_query,
    parse_whole,
    words,
)
from ._words import term_words


def where(path: str) -> str | None:
    """The form field (a draft field name, or ``packages``) a problem's request path is about."""
    if path.startswith(("target.packages", "current.packages")):
        return "packages"
    found = field_at(path)
    return found.name if found is not None else None


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
        self.changed: dict[str, str] = {}  # choices the last change had to make for the user (field → why)
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
        model.notices = notices + list(model.changed.values())
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

    def type_number(self, name: str, text: str) -> None:
        """A whole-number field as typed. A whole number ("1,200" too) sets the field; anything else
        ("12.5", "1e3", "abc", nothing) is kept as typed and sent to the core, which reports the field's
        rule: the form never prices a number the user did not type."""
        number = parse_whole(text)
        unreadable = dict(self.draft.unreadable)
        if number is None:
            unreadable[name] = text.strip()
            self.update(unreadable=unreadable)
        else:
            unreadable.pop(name, None)
            self.update(unreadable=unreadable, **{name: number})

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
        # offered value, in dependency order: region, then editions, then billing modes. The user is told
        # about each such change of a field the form shows.
        self.changed = {}
        for name in self.SELECTS:
            values = [value for _, value in self.choices(name)]
            old = getattr(self.draft, name)
            if values and old not in values:
                setattr(self.draft, name, values[0])
                if self.shows(name):
                    region = self.catalog.regions.get(self.draft.region)
                    where = f"{region.name} ({self.draft.region})" if region else self.draft.region
                    self.changed[name] = (
                        f"{FIELDS[name].label} changed from {self.choice_words(name, old)} to "
                        f"{self.choice_words(name, values[0])}: {self.choice_words(name, old)} is not offered "
                        f"for “{planner.ACTIONS[self.draft.action].label}” in {where}."
                    )

    def type_package(self, package: str, text: str) -> None:
        """A package size as typed: like :meth:`type_number`, for one package of ``packages``."""
        number = parse_whole(text)
        unreadable = dict(self.draft.unreadable)
        key = f"packages.{package}"
        if number is None:
            unreadable[key] = text.strip()
            self.update(unreadable=unreadable)
        else:
            unreadable.pop(key, None)
            self.update(unreadable=unreadable, packages={**self.draft.packages, package: number})

    def choice_words(self, name: str, value: str) -> str:
        """A choice's value in the words the form shows it with ("Professional", "Pay-per-use", "1 year")."""
        c = self.catalog
        if name.endswith("edition") and value in c.editions:
            return c.editions[value].name
        if name.endswith("billing_mode"):
            return BILLING_MODE_LABELS.get(value, value)
        if name.endswith("term"):
            return term_words(value)
        return value

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

    def words_for(self, problem: Problem) -> str:
        """A problem in plain words: what was typed when it could not be read, else the core's own message."""
        name = where(problem.field)
        typed = problem.field.removeprefix("target.") if name == "packages" else name
        if typed is not None and typed in self.draft.unreadable:
            text = self.draft.unreadable[typed]
            return f"“{text}” is not a whole number." if text else "Enter a whole number."
        if name in FIELDS and FIELDS[name].kind == "date" and getattr(self.draft, name, None) is None:
            return "Enter a date (YYYY-MM-DD)."
        return problem.message[:1].upper() + problem.message[1:]

    @property
    def shown_errors(self) -> list[Problem]:
        """:attr:`errors` with :meth:`words_for` as their messages (the side panel's list, rule codes kept)."""
        return [Problem(p.rule, p.field, self.words_for(p)) for p in self.errors]

    def beside(self) -> dict[str, list[str]]:
        """The broken rules to show beside each shown form field ("packages" for package sizes)."""
        out: dict[str, list[str]] = {}
        for problem in self.errors:
            name = where(problem.field)
            if name is None or not self.shows(name):
                continue
            words = self.words_for(problem)
            if words not in out.get(name, []):
                out.setdefault(name, []).append(words)
        return out

    def label_of(self, path: str) -> str:
        """A request path in the form's words ("target.quota" → "ECS quota"); the path when no field has it."""
        name = where(path)
        if name == "packages":
            return "Value-added packages"
        if name is None:
            return path
        label = words(FIELDS[name], self.catalog, FIELDS[name].label)
        if name.startswith("current_"):
            return f"{label} (current subscription)"
        return label

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
