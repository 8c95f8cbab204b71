"""Each action's rules and pricing over columns: the vectorised twin of :mod:`planner._rules` and
:mod:`planner._pricing` for the shapes the batch engine takes (see :mod:`planner._batch_vector`).

Each ``_action`` method returns ``(valid, cents, expires, illustrative)`` for every row; ``valid`` is
true only where the single path would find no broken rule. The rows left over go to the rules over
columns (:mod:`planner._batch_rules`), which give those that break rules the single path's codes;
``separate_term`` quota increases, price cuts and rare shapes go to the single path.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from ._batch import FIELDS
from ._batch_cells import Cells
from ._batch_packages import Packages
from ._batch_vector import (
    I64,
    NO_DAY,
    OVERFLOW_GUARD,
    PPU,
    WORK_PLACES,
    YM,
    Priced,
    _Catalogue,
    add_months,
    day_number,
    remaining_months,
    remaining_years,
    to_cents,
)
from ._domain import ACTION_NAMES as ACTIONS
from ._domain import BILLING_MODES, EDITIONS

BASIC, PROFESSIONAL = EDITIONS.index("basic"), EDITIONS.index("professional")
Result = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class Rows:
    """Rows of one chunk that ask for one action: their cells' readings (each column read once a chunk,
    :mod:`planner._batch_cells`), and the rules and prices of the action over them."""

    def __init__(self, cells: Cells, cat: _Catalogue, today: date) -> None:
        self.n, self.cat, self.cells = cells.n, cat, cells
        limits = cat.catalog.limits
        self.qmin, self.qmax = limits.quota_min, limits.quota_max
        #: A column's cells as Arrow text, for the few readings that need text (the refund's, the rules').

        self.given = {name: cells.given(name) for name in FIELDS}
        self.packages = Packages(self, cells)

        self.today = today
        self.action = cells.index("action", ACTIONS)
        self.region = cells.index("region", cat.regions)
        hosts_ok, self.hosts = cells.ints("hosts")
        on_ok, on = cells.dates("on")
        self.on = np.where(self.given["on"], on, day_number(today))
        auto_ok, _ = cells.bools("current_auto_renew")
        target_auto_ok, self.target_auto = cells.bools("target_auto_renew")
        self.base = (
            (self.action >= 0)
            & (self.region >= 0)
            & hosts_ok
            & (self.hosts <= limits.hosts_max)
            & (on_ok | ~self.given["on"])
            & self.packages.shape_ok
            & auto_ok
            & target_auto_ok
        )
        # the running subscription (planner._rules._Checker.current)
        self.ce = cells.index("current_edition", EDITIONS)
        self.cm = cells.index("current_billing_mode", BILLING_MODES)
        cq_ok, self.cq = cells.ints("current_quota")
        self.ct = cells.index("current_term", cat.terms)
        start_ok, start = cells.dates("current_start")
        self.start = start
        expires_ok, expires = cells.dates("current_expires")
        has_expires = self.given["current_expires"]
        self.expires = np.where(has_expires, expires, add_months(start, cat.months[self.ct]))
        ce, cm = np.maximum(self.ce, 0), np.maximum(self.cm, 0)
        self.ym = self.cm == YM
        self.current_ok = (
            (self.ce >= 0)
            & (self.cm >= 0)
            & cat.mode_fits[ce, cm]
            & cat.sells[self.region, ce, cm]
            & cq_ok
            & (self.cq >= self.qmin)
            & (self.cq <= self.qmax)
            & start_ok
            & (self.on >= start)
            & np.where(
                self.ym,
                (self.ct >= 0) & (expires_ok | ~has_expires) & (self.expires > start),
                ~self.given["current_term"] & ~has_expires,
            )
        )
        # paid and purchased_at describe the order an unsubscribe refunds; elsewhere they go to the single path
        self.no_refund_fields = ~self.given["current_paid"] & ~self.given["current_purchased_at"]
        self.no_current = ~np.logical_or.reduce([self.given[n] for n in FIELDS if n.startswith("current_")])
        # the target
        self.te = cells.index("target_edition", EDITIONS)
        self.tm = cells.index("target_billing_mode", BILLING_MODES)
        self.tq_ok, self.tq = cells.ints("target_quota")
        self.tt = cells.index("target_term", cat.terms)
        self._periods: np.ndarray | None = None

    # -- lines ------------------------------------------------------------------------------------
    def term_line(self, item: np.ndarray, quantity: np.ndarray, term: np.ndarray) -> Result:
        """monthly price (× 12 a year) × quantity × terms × discount: ``_Pricer.term_line``."""
        cat = self.cat
        places = cat.item_p[item]
        monthly = cat.price[self.region, item, YM] // 10 ** (cat.p - places)  # exact: at the item's own scale
        unit = monthly * np.where(cat.yearly[term], 12, 1)
        exact = unit * quantity * cat.count[term] * cat.factor[term]
        scale = places + cat.f
        size = unit.astype(float) * quantity * cat.count[term] * cat.factor[term] * 10.0 ** np.maximum(0, 8 - scale)
        illustrative = cat.illustrative[self.region, item, YM] | (cat.discount_warns[term] & (unit > 0))
        no_expiry = np.full(self.n, NO_DAY)  # a term line's expiry is the action's to say
        return size < OVERFLOW_GUARD, to_cents(exact, scale, cat.catalog.rounding), no_expiry, illustrative

    def periods(self) -> np.ndarray:
        """The remaining period of each row's running term (years or months, ×10^8), worked out once: an
        action's edition line and each package line share it."""
        if self._periods is None:
            yearly = self.cat.yearly[self.ct]
            self._periods = np.where(
                yearly, remaining_years(self.on, self.expires), remaining_months(self.on, self.expires)
            )
        return self._periods

    def change_line(self, item: np.ndarray, old_item: np.ndarray, quantity: np.ndarray, old: np.ndarray) -> Result:
        """(new configuration − old) × remaining period × discount: ``_Pricer.change_line``."""
        cat = self.cat
        yearly = cat.yearly[self.ct]
        per_period = np.where(yearly, 12, 1)
        places = np.maximum(cat.item_p[item], cat.item_p[old_item])
        new_unit = cat.price[self.region, item, YM] // 10 ** (cat.p - places) * per_period
        old_unit = cat.price[self.region, old_item, YM] // 10 ** (cat.p - places) * per_period
        diff = new_unit * quantity - old_unit * old
        periods = self.periods()
        factor = cat.factor[self.ct]
        size = diff.astype(float) * periods * factor
        fits = (diff >= 0) & (size < OVERFLOW_GUARD)  # a price cut (custom catalog) → the single path
        illustrative = (
            cat.illustrative[self.region, item, YM]
            | cat.illustrative[self.region, old_item, YM]
            | cat.discount_warns[self.ct]
        )
        cents = to_cents(diff * periods * factor, places + WORK_PLACES + cat.f, cat.catalog.rounding)
        return fits, cents, self.expires, illustrative

    def hourly(self, item: np.ndarray) -> Result:
        """Pay-per-use: nothing due now, no expiry; only whether its hourly price is illustrative."""
        zero = np.zeros(self.n, dtype=I64)
        return np.ones(self.n, dtype=bool), zero, np.full(self.n, NO_DAY), self.cat.illustrative[self.region, item, PPU]

    def quota_fits(self, quota: np.ndarray) -> np.ndarray:
        """``_Checker.quota(covering=True)`` finds nothing: within the limits and covering every host."""
        return (quota >= self.qmin) & (quota <= self.qmax) & (quota >= self.hosts)

    # -- actions ----------------------------------------------------------------------------------
    def _purchase(self) -> Result:
        te, tm, pk = np.maximum(self.te, 0), np.maximum(self.tm, 0), self.packages
        valid = (
            self.no_current
            & ~pk.any_current
            & (self.te >= 0)
            & (self.tm >= 0)
            & self.cat.mode_fits[te, tm]
            & self.cat.sells[self.region, te, tm]
            & self.tq_ok
            & self.quota_fits(self.tq)
            & np.where(tm == YM, self.tt >= 0, ~self.given["target_term"] & ~self.target_auto)
            & pk.target_ok(te, held=False)
        )
        fits, cents, _, illustrative = self.term_line(te, self.tq, self.tt)
        package_fits, package_cents, package_illustrative = pk.term_lines(self.tt)
        hourly = self.hourly(te)[3] | pk.hourly_illustrative()
        ym = tm == YM
        return (
            valid & np.where(ym, fits & package_fits, True),
            np.where(ym, cents + package_cents, 0),
            np.where(ym, add_months(self.on, self.cat.months[self.tt]), NO_DAY),
            np.where(ym, illustrative | package_illustrative, hourly),
        )

    def _upgrade(self) -> Result:
        g, ce, te, pk = self.given, np.maximum(self.ce, 0), np.maximum(self.te, 0), self.packages
        quota = np.where(g["target_quota"], self.tq, self.cq)
        valid = (
            self.current_ok
            & pk.current_ok(self.ce)
            & self.ym
            & (self.te >= 0)
            & (self.cat.rank[self.te] > self.cat.rank[self.ce])
            & (self.on <= self.expires)
            & (~g["target_billing_mode"] | (self.tm == self.cm))
            & (~g["target_term"] | (self.tt == self.ct))
            & self.cat.sells[self.region, te, YM]
            & (~g["target_quota"] | self.tq_ok)
            & np.where(self.ce == BASIC, quota == self.cq, quota >= self.cq)
            & self.quota_fits(quota)
            & pk.target_ok(te, held=True)
        )
        fits, cents, expires, illustrative = self.change_line(te, ce, quota, self.cq)
        package_fits, package_cents, package_illustrative = pk.change_lines()
        return valid & fits & package_fits, cents + package_cents, expires, illustrative | package_illustrative

    def _increase_quota(self) -> Result:
        g, ce, pk = self.given, np.maximum(self.ce, 0), self.packages
        coterminous = self.cat.catalog.quota_increase == "coterminous"
        valid = (
            self.current_ok
            & pk.current_ok(self.ce)
            & (~g["target_edition"] | (self.te == self.ce))
            & (~g["target_billing_mode"] | (self.tm == self.cm))
            & self.tq_ok
            & (self.tq > self.cq)
            & self.quota_fits(self.tq)
            & np.where(
                self.ym,
                (self.on <= self.expires) & coterminous & (~g["target_term"] | (self.tt == self.ct)),
                ~g["target_term"],
            )
            & pk.target_ok(self.ce, held=True)
        )
        fits, cents, expires, illustrative = self.change_line(ce, ce, self.tq, self.cq)
        package_fits, package_cents, package_illustrative = pk.change_lines()
        hourly = self.hourly(ce)[3] | pk.hourly_illustrative()
        return (
            valid & np.where(self.ym, fits & package_fits, True),
            np.where(self.ym, cents + package_cents, 0),
            np.where(self.ym, expires, NO_DAY),
            np.where(self.ym, illustrative | package_illustrative, hourly),
        )

    def _buy_package(self) -> Result:
        g, pk = self.given, self.packages
        valid = (
            self.current_ok
            & pk.current_ok(self.ce)
            & pk.any_target
            & (~g["target_edition"] | (self.te == self.ce))
            & (~g["target_billing_mode"] | (self.tm == self.cm))
            & ~g["target_quota"]
            & ~g["target_term"]
            & (~self.ym | (self.on <= self.expires))
            & pk.target_ok(self.ce, held=True)
        )
        fits, cents, illustrative = pk.change_lines()
        return (
            valid & np.where(self.ym, fits, True),
            np.where(self.ym, cents, 0),
            np.where(self.ym, self.expires, NO_DAY),
            np.where(self.ym, illustrative, pk.hourly_illustrative()),
        )

    def _renew(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        g, cat, pk = self.given, self.cat.catalog, self.packages
        changes = g["target_edition"] | g["target_billing_mode"] | g["target_quota"] | g["target_auto_renew"]
        new_expiry = add_months(self.expires, self.cat.months[self.tt])
        retention_ends = self.expires + (cat.grace_days + cat.retention_days)
        late = (self.on > self.expires) & (self.on <= retention_ends)
        valid = (
            self.current_ok
            & pk.current_ok(self.ce)
            & self.ym
            & ~changes
            & ~pk.any_target
            & (self.tt >= 0)
            & ((self.on <= self.expires) | (late & (new_expiry > self.on)))
        )
        fits, cents, _, illustrative = self.term_line(np.maximum(self.ce, 0), self.cq, self.tt)
        package_fits, package_cents, package_illustrative = pk.renewal_lines(self.tt)
        return valid & fits & package_fits, cents + package_cents, new_expiry, illustrative | package_illustrative, late

    def _change_billing_mode(self) -> Result:
        g = self.given
        valid = (
            self.current_ok
            & self.packages.current_ok(self.ce)
            & ~self.packages.any_target
            & (self.ce == PROFESSIONAL)
            & (self.cm == PPU)
            & ~g["target_edition"]
            & ~g["target_quota"]
            & (self.tm == YM)
            & (self.tt >= 0)
            & self.cat.sells[self.region, PROFESSIONAL, YM]
            & (self.cq >= self.hosts)
        )
        fits, cents, _, illustrative = self.term_line(np.full(self.n, PROFESSIONAL), self.cq, self.tt)
        return valid & fits, cents, add_months(self.on, self.cat.months[self.tt]), illustrative

    def run(self, action: str) -> Priced:
        """Price these rows, every one of which asks for ``action`` ("": none of the actions, whose rows the
        rules decide here). An action's rows not priced are left to :func:`decide_left` (no errors yet)."""
        from ._batch_refund import unsubscribe
        from ._batch_rules import decide

        if action not in ACTIONS:  # nothing to price: only the rules have something to say
            decided = decide(self, action)
            nothing = np.zeros(self.n, dtype=I64)
            return Priced(np.zeros(self.n, dtype=bool), nothing, nothing + NO_DAY, decided.warnings, decided.errors)
        pk = self.packages
        said: list[tuple[str, np.ndarray]] = []  # warnings in the order the single path gives them
        if action == "renew":
            valid, cents, expires, illustrative, late = self._renew()
            said += [("lifecycle.grace", late), ("quota.below_hosts", self.cq < self.hosts)]
        elif action == "unsubscribe":
            valid, cents, expires, illustrative, full = unsubscribe(self)
            valid = valid & pk.current_ok(self.ce) & ~pk.any_target  # a package's own refund: the single path
            said += [("unsubscribe.package", pk.kept_on_unsubscribe()), ("refund.full_refund_limit", full)]
        else:
            valid, cents, expires, illustrative = getattr(self, f"_{action}")()
            if action in ("purchase", "upgrade", "buy_package"):
                said.append(("package.sizing", pk.sizing(held=action != "purchase")))
            elif action == "change_billing_mode":
                said.append(("packages.unchanged_billing_mode", pk.any_current))
        said.append(("price.illustrative", illustrative))
        done = self.base & valid & (self.no_refund_fields if action != "unsubscribe" else True)
        # One bit a code; each combination's text is written once, then looked up (no string work per row).
        bits = np.zeros(self.n, dtype=I64)
        for i, (_, where) in enumerate(said):
            bits |= where.astype(I64) << i
        texts = np.array(
            [
                ";".join(["disclaimer.not_accepted"] + [code for i, (code, _) in enumerate(said) if combo >> i & 1])
                for combo in range(1 << len(said))
            ],
            dtype=object,
        )
        warnings, errors = texts[bits], np.full(self.n, "", dtype=object)
        # money flows back on an unsubscribe: the total is the refund as a negative amount
        return Priced(
            done=done,
            cents=np.where(done, cents, 0),
            expires=np.where(done, expires, NO_DAY),
            warnings=warnings,
            errors=errors,
        )


def decide_left(cells: Cells, left: list[tuple[str, np.ndarray]], cat: _Catalogue, today: date, out: Priced) -> None:
    """The rules over the rows each action left unpriced (``left``: the action, its rows' positions in the
    chunk): rows that break rules get the single path's codes (:mod:`planner._batch_rules`) in ``out``.
    Their cells lose the spaces and tabs around them (``request_of_row`` strips those; a cell with other
    white space at an end stays unread): each reading runs once over a column's distinct values, trimmed."""
    from ._batch_rules import decide

    every = np.concatenate([rows for _, rows in left]) if left else np.zeros(0, dtype=I64)
    if not len(every):
        return
    trimmed = cells.subset(every).trimmed()
    start = 0
    for action, rows in left:
        mine = np.arange(start, start + len(rows))
        start += len(rows)
        if not len(rows):
            continue
        decided = decide(Rows(trimmed.subset(mine), cat, today), action)
        out.errors[rows] = decided.errors
        out.warnings[rows[decided.rows]] = decided.warnings[decided.rows]
