"""Each action's rules over columns: the vectorised :func:`planner._rules.check` and each action's ``check``
(:mod:`planner._actions`), in the order the single path records its problems (see
:mod:`planner._batch_rules`).

Every function takes ``live``, the rows on which the single path runs that check, and narrows it where
the single path returns early.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._actions import ACTIONS, TARGET_FIELDS
from ._batch_rules import RuleChecks
from ._batch_vector import PPU, YM, add_months
from ._domain import BILLING_MODE_CHANGES, BILLING_MODES, EDITIONS


def check(c: RuleChecks, action: str) -> None:
    """``planner._rules.check`` of rows that all ask for ``action`` (a known one)."""
    rows, spec = c.rows, ACTIONS[action]
    c.error("region.unknown", rows.region < 0)
    c.error("hosts.invalid", ~c.hosts_valid)
    c.warn("disclaimer.not_accepted", c.yes)
    for name in sorted(set(TARGET_FIELDS) - set(spec.target_fields)):
        c.error("renew.spec_change" if action == "renew" else "request.malformed", c.target_given(name))
    for name in spec.required:
        c.error("term.invalid" if name == "term" else "request.malformed", ~c.target_given(name))
    if not spec.needs_current:
        _CHECKS[action](c, c.yes)
        return
    has = c.has_current()
    c.error("action.current_missing", ~has)
    c.target_basics(~has)
    sound = c.current(has)
    c.target_basics(has & ~sound)
    _CHECKS[action](c, has & sound)


def purchase(c: RuleChecks, live: np.ndarray) -> None:
    rows, g = c.rows, c.rows.given
    c.error("purchase.exists", live & c.has_current())
    edition_ok = g["target_edition"] & (rows.te >= 0)
    c.error("edition.unknown", live & g["target_edition"] & (rows.te < 0))
    mode_ok = g["target_billing_mode"] & (rows.tm >= 0)
    c.error("request.malformed", live & g["target_billing_mode"] & (rows.tm < 0))
    hourly = mode_ok & (rows.tm == PPU)
    c.error("term.pay_per_use", live & hourly & g["target_term"])
    c.error("renew.pay_per_use", live & hourly & g["target_auto_renew"] & rows.target_auto)
    c.term(live & ~hourly, g["target_term"], rows.tt, required=mode_ok)
    both = live & edition_ok & mode_ok
    c.region_sells(both & c.billing_mode(both, rows.te, rows.tm), rows.te, rows.tm)
    c.quota(live & g["target_quota"], c.tq, covering=True)
    c.packages(live, np.where(edition_ok, rows.te, -1), held=False)
    c.collection_hint(live, held=False)


def upgrade(c: RuleChecks, live: np.ndarray) -> None:
    rows, g, rank = c.rows, c.rows.given, c.cat.rank
    named = g["target_edition"] & (rows.te >= 0)
    c.error("edition.unknown", live & g["target_edition"] & (rows.te < 0))
    c.target_basics(live & ~named)
    live = live & named
    rank_to, rank_from = rank[rows.te], rank[rows.ce]
    c.error("edition.downgrade", live & (rank_to < rank_from))
    c.error("upgrade.same_edition", live & (rank_to == rank_from))
    live = c.active(live & (rank_to > rank_from))
    c.same_billing_mode(live)
    c.same_term(live)
    fits = c.billing_mode(live, rows.te, rows.cm)
    c.region_sells(live & fits, rows.te, rows.cm)
    quota = np.where(g["target_quota"], c.tq, c.cq)
    from_free = rank_from == rank[: len(EDITIONS)].min()  # Upgrade.from_edition_only
    edition_only = from_free & (quota != c.cq)
    c.error("upgrade.basic_quota", live & edition_only)
    c.error("quota.decrease", live & ~edition_only & (quota < c.cq))
    c.quota(live, quota, covering=True)
    c.packages(live, rows.te, held=True)
    c.collection_hint(live, held=True)


def increase_quota(c: RuleChecks, live: np.ndarray) -> None:
    rows, g = c.rows, c.rows.given
    c.edition_kept(live)
    live = c.active(live)
    c.same_billing_mode(live)
    hourly_term = live & g["target_term"] & (rows.cm != YM)
    c.error("term.pay_per_use", hourly_term)
    rest = live & ~hourly_term
    if c.cat.catalog.quota_increase == "separate_term":
        own = rest & (rows.cm == YM)
        c.term(own, g["target_term"], rows.tt, required=c.yes)
        c.same_term(rest & ~own)
    else:
        c.same_term(rest)
    live = live & g["target_quota"]
    c.error("quota.decrease", live & (c.tq < c.cq))
    c.error("quota.unchanged", live & (c.tq == c.cq))
    c.quota(live, c.tq, covering=True)
    c.packages(live, rows.ce, held=True)


def renew(c: RuleChecks, live: np.ndarray) -> None:
    rows, g, catalog = c.rows, c.rows.given, c.cat.catalog
    c.error("renew.pay_per_use", live & (rows.cm != YM))
    live = live & (rows.cm == YM)
    term_ok = c.term(live, g["target_term"], rows.tt, required=c.yes)
    grace_ends = rows.expires + catalog.grace_days
    retention_ends = grace_ends + catalog.retention_days
    lapsed = (rows.on > rows.expires) & (rows.on <= retention_ends)  # grace or retention (Lifecycle.state)
    released = rows.on > retention_ends
    ends = add_months(rows.expires, c.cat.months[rows.tt])
    c.error("renew.too_short", live & term_ok & lapsed & (ends <= rows.on))
    c.error("renew.released", live & released)
    c.warn("lifecycle.grace", live & lapsed)
    c.quota(live, c.cq, covering=False)


def buy_package(c: RuleChecks, live: np.ndarray) -> None:
    rows = c.rows
    c.edition_kept(live)
    running = c.active(live)
    c.target_basics(live & ~running, term=False, quota=False)
    c.same_billing_mode(running, "package.billing_mode")
    buying = running & rows.packages.any_target
    c.packages(buying, rows.ce, held=True)
    c.collection_hint(buying, held=True)


def change_billing_mode(c: RuleChecks, live: np.ndarray) -> None:
    rows, g = c.rows, c.rows.given
    c.target_basics(live & ~g["target_billing_mode"], quota=False, packages=False)
    live = live & g["target_billing_mode"]
    allowed = np.zeros(c.n, dtype=bool)
    for (edition, mode), targets in BILLING_MODE_CHANGES.items():
        to = np.isin(rows.tm, [BILLING_MODES.index(t) for t in targets])
        allowed |= (rows.ce == EDITIONS.index(edition)) & (rows.cm == BILLING_MODES.index(mode)) & to
    c.error("billing_mode.change", live & ~allowed)
    c.target_basics(live & ~allowed, quota=False, packages=False)
    live = live & allowed
    c.region_sells(live, rows.ce, rows.tm)
    c.term(live, g["target_term"], rows.tt, required=c.yes)
    c.quota(live, c.cq, covering=True)
    c.warn("packages.unchanged_billing_mode", live & rows.packages.any_current)


def unsubscribe(c: RuleChecks, live: np.ndarray) -> None:
    from ._batch_refund import _local_moments

    rows, g, pk = c.rows, c.rows.given, c.rows.packages
    c.error("unsubscribe.pay_per_use", live & (rows.cm != YM))
    live = live & (rows.cm == YM)
    # An amount in cents is never negative here (a plain shape), so only a missing one is malformed.
    c.error("request.malformed", live & ~g["current_paid"])
    bought = g["current_purchased_at"]
    c.error("request.malformed", live & ~bought)
    offset = c.cat.catalog.timezone[3:]
    _, day, _ = rows.cells.read("current_purchased_at", ("moments", offset), lambda v: _local_moments(v, offset))
    after = bought & (day > rows.on)
    c.error("dates.order", live & after)
    c.error("dates.order", live & bought & ~after & ((day < rows.start) | (day > rows.expires)))
    c.active(live)
    named = np.zeros(c.n, dtype=int)
    for column in pk.target:
        named += column.given
    c.error("request.malformed", live & (named > 1))
    for column in pk.target:
        rows_of = live & column.given
        if not column.package.unsubscribable:
            c.error("unsubscribe.package", rows_of)
            continue
        has, _ = pk.held(column)
        c.error("package.unknown", rows_of & ~has)
        size = c.size(column)
        c.error("package.size", rows_of & has & ((size < 1) | (size > c.held_size(column))))
    c.warn("unsubscribe.package", live & (named == 0) & pk.kept_on_unsubscribe())


_CHECKS: dict[str, Callable[[RuleChecks, np.ndarray], None]] = {
    "purchase": purchase,
    "upgrade": upgrade,
    "increase_quota": increase_quota,
    "renew": renew,
    "buy_package": buy_package,
    "change_billing_mode": change_billing_mode,
    "unsubscribe": unsubscribe,
}
