"""Rule codes over whole columns: what the single path says of a row that breaks rules (SPEC B6, B7).

The vectorised engine prices the rows it proves valid (:mod:`planner._batch_actions`); this module decides
the others, for rows whose every cell has the plain shape the engine parses (whole numbers, ISO dates,
printable text with no space at either end, boolean words, amounts in cents, purchase times in the
catalog's own clock). For those it emits the exact error and warning codes :func:`planner.quote` gives,
each once, in the single path's order — so such a row never reaches ``planner.quote``. A row of any other
shape is left to the single path: slower, never wrong.

The checks are a column-wise transcription of :func:`planner._rules.check` and :class:`planner._rules.Checks`
(here) and of each action's ``check`` (:mod:`planner._batch_rules_actions`). Each check takes ``live``,
the rows on which the single path would run it, and records ``(code, rows)`` in the order the single path
appends its problems; :func:`codes_text` turns them into each row's ``;``-separated codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._batch import FIELDS
from ._batch_refund import _local_moments, _money_cents
from ._batch_vector import I64, PPU, YM, _flags
from ._domain import ACTION_NAMES as ACTIONS
from ._domain import EDITIONS

if TYPE_CHECKING:
    from ._batch_actions import Rows
    from ._batch_packages import Column

BASIC = EDITIONS.index("basic")
#: Printable ASCII with no space at either end: ``request_of_row`` strips cells, so only text that stripping
#: leaves alone is compared with the catalog's words here (anything else goes to the single path).
_PLAIN_TEXT = r"^[!-~](?:[ -~]*[!-~])?$"
#: Whole numbers as ``request_of_row`` reads them (``-5`` is a number, and the rules say what is wrong with it).
_SIGNED = r"^-?[0-9]{1,9}$"
#: What ``request_of_row`` reads as a whole number, of any length.
_ANY_INT = r"^[+-]?[0-9]+$"
_DATE_FIELDS = ("on", "current_start", "current_expires")
#: The fields a ``current`` block must hold (``Subscription``): a block without one is a shape error.
_CURRENT_REQUIRED = ("current_edition", "current_billing_mode", "current_quota", "current_start")


def signed_ints(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers, signed, at most 9 digits: (plain, value)."""
    ok = pc.match_substring_regex(text, _SIGNED)
    values = pc.cast(pc.if_else(ok, text, "0"), pa.int64())
    return _flags(ok), np.asarray(values.to_numpy(zero_copy_only=False), dtype=I64)


def _plain_text(values: pa.Array) -> tuple[np.ndarray]:
    return (_flags(pc.match_substring_regex(values, _PLAIN_TEXT)),)


def _not_a_number(values: pa.Array) -> tuple[np.ndarray]:
    """Text that is not a whole number ("1,200", "12.5")."""
    return (_plain_text(values)[0] & ~_flags(pc.match_substring_regex(values, _ANY_INT)),)


@dataclass
class Said:
    """What the single path says, in its order: ``(code, rows)`` for errors and for warnings."""

    errors: list[tuple[str, np.ndarray]] = field(default_factory=list)
    warnings: list[tuple[str, np.ndarray]] = field(default_factory=list)

    def any_error(self, n: int) -> np.ndarray:
        return np.logical_or.reduce([rows for _, rows in self.errors] + [np.zeros(n, dtype=bool)])


def codes_text(said: Sequence[tuple[str, np.ndarray]], picked: np.ndarray) -> np.ndarray:
    """Each picked row's codes, each once, in the order first said, ``;``-separated.

    Rows are grouped by which entries of ``said`` hold for them (one bit each, packed into bytes); each
    group's text is written once.
    """
    if not len(picked):
        return np.zeros(0, dtype=object)
    fired = np.zeros((len(picked), max(len(said), 1)), dtype=bool)
    for place, (_, rows) in enumerate(said):
        fired[:, place] = rows[picked]
    packed = np.ascontiguousarray(np.packbits(fired, axis=1))
    keys = packed.view(f"V{packed.shape[1]}").ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    texts = [
        ";".join(dict.fromkeys(code for place, (code, _) in enumerate(said) if fired[row, place])) for row in first
    ]
    return np.array(texts, dtype=object)[np.asarray(inverse).reshape(-1)]


class RuleChecks:
    """The vectorised :class:`planner._rules.Checks` over one chunk's rows (see the module's docstring)."""

    def __init__(self, rows: Rows) -> None:
        self.rows, self.n, self.cat = rows, rows.n, rows.cat
        catalog = rows.cat.catalog
        self.limits = catalog.limits
        self.said = Said()
        cells = rows.cells  # each reading runs once over a column's distinct values (planner._batch_cells)
        self.hosts_plain, self.hosts = cells.read("hosts", "signed", signed_ints)
        #: Hosts written otherwise than as a whole number ("1,200", "12.5"): the request model refuses the cell
        #: (hosts.invalid) and the single path checks the rest with 0 hosts (``salvage_request``).
        self.hosts_not_a_number = cells.read("hosts", "not_a_number", _not_a_number)[0]
        self.cq_plain, self.cq = cells.read("current_quota", "signed", signed_ints)
        self.tq_plain, self.tq = cells.read("target_quota", "signed", signed_ints)
        packages = [*rows.packages.target, *rows.packages.current.values()]
        self.sizes = {id(c): tuple(cells.read(c.name, "signed", signed_ints)) for c in packages}
        regions = rows.cat.regions
        self.sells_edition = np.zeros((len(regions) + 1, len(EDITIONS)), dtype=bool)
        for r, region in enumerate(regions):
            for e, edition in enumerate(EDITIONS):
                self.sells_edition[r, e] = catalog.sells(region, edition)
        self.hosts_valid = (self.hosts >= 0) & (self.hosts <= self.limits.hosts_max)
        self.yes = np.ones(self.n, dtype=bool)

    def error(self, code: str, rows: np.ndarray) -> None:
        self.said.errors.append((code, rows))

    def warn(self, code: str, rows: np.ndarray) -> None:
        self.said.warnings.append((code, rows))

    def size(self, column: Column) -> np.ndarray:
        return self.sizes[id(column)][1]

    # -- the shape: which rows this module may decide -----------------------------------------------
    def plain(self) -> np.ndarray:
        """Rows whose every request cell has a shape the engine reads exactly as the single path does."""
        rows, g, cells = self.rows, self.rows.given, self.rows.cells
        offset = self.cat.catalog.timezone[3:]
        ok = ~rows.packages.unknown_given
        for name, (_, _, kind) in FIELDS.items():
            if name in _DATE_FIELDS:
                fine = cells.dates(name)[0]
            elif name == "hosts":
                fine = self.hosts_plain | self.hosts_not_a_number
            elif kind == "int":
                fine = cells.read(name, "signed", signed_ints)[0]
            elif kind == "bool":
                fine = cells.bools(name)[0]
            elif name == "current_paid":
                fine = cells.read(name, "money", _money_cents)[0]
            elif name == "current_purchased_at":
                fine = cells.read(name, ("moments", offset), lambda values: _local_moments(values, offset))[0]
            else:
                fine = cells.read(name, "plain_text", _plain_text)[0]
            ok &= ~g[name] | fine
        for column in [*rows.packages.target, *rows.packages.current.values()]:
            ok &= ~column.given | self.sizes[id(column)][0]
        return ok

    def has_current(self) -> np.ndarray:
        return ~self.rows.no_current | self.rows.packages.any_current

    def missing(self) -> np.ndarray:
        """Rows the request model refuses for a missing field only (``request.malformed``, nothing else:
        :func:`planner._request.salvage_request` salvages nothing from a missing field)."""
        g = self.rows.given
        partial = self.has_current() & ~np.logical_and.reduce([g[name] for name in _CURRENT_REQUIRED])
        return partial | ~g["region"] | ~g["hosts"] | ~g["action"]

    def target_given(self, name: str) -> np.ndarray:
        return self.rows.packages.any_target if name == "packages" else self.rows.given[f"target_{name}"]

    # -- single fields (FieldChecks) ----------------------------------------------------------------
    def term(self, live: np.ndarray, given: np.ndarray, term: np.ndarray, *, required: np.ndarray) -> np.ndarray:
        """``FieldChecks.term``: a term of the catalog (only exact codes are: ``Term.parse`` takes no other
        spelling of one); returns where it is one."""
        self.error("term.invalid", live & ~given & required)
        self.error("term.invalid", live & given & (term < 0))
        return given & (term >= 0)

    def billing_mode(self, live: np.ndarray, edition: np.ndarray, mode: np.ndarray) -> np.ndarray:
        """``FieldChecks.billing_mode`` of a known edition: a billing mode, and one the edition is sold in."""
        known = mode >= 0
        self.error("request.malformed", live & ~known)
        fits = known & self.cat.mode_fits[np.maximum(edition, 0), np.maximum(mode, 0)]
        self.error("edition.billing_mode", live & known & ~fits)
        return fits

    def region_sells(self, live: np.ndarray, edition: np.ndarray, mode: np.ndarray) -> np.ndarray:
        """``FieldChecks.region_sells`` of a known edition and billing mode; returns where nothing was said."""
        region = self.rows.region
        live = live & (region >= 0)
        no_edition = live & ~self.sells_edition[region, np.maximum(edition, 0)]
        no_mode = live & ~no_edition & ~self.cat.sells[region, np.maximum(edition, 0), np.maximum(mode, 0)]
        self.error("region.edition_unavailable", no_edition)
        self.error("region.billing_mode_unavailable", no_mode)
        return ~(no_edition | no_mode)

    def quota(self, live: np.ndarray, quota: np.ndarray, *, covering: bool) -> None:
        """``FieldChecks.quota``: within the limits; below the hosts is an error, or a warning."""
        low = quota < self.limits.quota_min
        self.error("quota.invalid", live & low)
        self.error("quota.above_max", live & ~low & (quota > self.limits.quota_max))
        below = live & ~low & self.hosts_valid & (quota < self.hosts)
        (self.error if covering else self.warn)("quota.below_hosts", below)

    def packages(self, live: np.ndarray, edition: np.ndarray, *, held: bool) -> None:
        """``FieldChecks.packages`` (known ids only); ``edition`` -1 where the single path passes None."""
        pk = self.rows.packages
        for column in pk.target:
            p, size = column.package, self.size(column)
            rows = live & column.given
            basic = rows & (edition == BASIC)
            self.error("package.basic_edition", basic)
            rows &= ~basic
            if held and not p.stacks:
                has, _ = pk.held(column)
                smaller = rows & has & (size <= self.held_size(column))
                self.error("package.size", smaller)
                rows &= ~smaller
            self.error("package.size", rows & ((size < p.min) | (size > p.max)))
            self.error("package.step", rows & (size >= p.min) & (size % p.step != 0))

    def held_size(self, column: Column) -> np.ndarray:
        held = self.rows.packages.current.get(column.package.id)
        return np.zeros(self.n, dtype=I64) if held is None else np.where(held.given, self.size(held), 0)

    def collection_hint(self, live: np.ndarray, *, held: bool) -> None:
        """``FieldChecks.collection_hint``: hosts × MB a day of logs want at least this much collection."""
        for column in self.rows.packages.target:
            if column.package.id != "data_collection":
                continue
            total = self.size(column) + (self.held_size(column) if held else 0)
            need_gb = -(-(self.hosts * self.limits.collection_mb_per_host_day) // 1024)
            step = column.package.step
            hint = np.where(need_gb != 0, -(-need_gb // step) * step, 0)
            self.warn("package.sizing", live & column.given & (total < hint))

    def target_basics(self, live: np.ndarray, *, term: bool = True, quota: bool = True, packages: bool = True) -> None:
        """``FieldChecks.target_basics`` of the target's ``term``, ``quota`` and ``packages`` (as asked)."""
        rows, g = self.rows, self.rows.given
        if term:
            self.term(live, g["target_term"], rows.tt, required=np.zeros(self.n, dtype=bool))
        if quota:
            self.quota(live & g["target_quota"], self.tq, covering=True)
        if packages:
            self.packages(live, np.full(self.n, -1, dtype=I64), held=False)

    # -- the running subscription (Checks) ----------------------------------------------------------
    def current(self, live: np.ndarray) -> np.ndarray:
        """``Checks.current``: the running subscription's own rules; returns where it makes sense."""
        rows, g, limits = self.rows, self.rows.given, self.limits
        known = rows.ce >= 0
        self.error("edition.unknown", live & ~known)
        ok = known & self.billing_mode(live & known, rows.ce, rows.cm)
        bad_quota = (self.cq < limits.quota_min) | (self.cq > limits.quota_max)
        self.error("quota.invalid", live & bad_quota)
        early = rows.on < rows.start
        self.error("dates.order", live & early)
        ok &= ~bad_quota & ~early
        ok &= self.region_sells(live & ok, rows.ce, rows.cm)
        ppu = rows.cm == PPU
        for name in ("current_term", "current_expires"):
            self.error("term.pay_per_use", live & ppu & g[name])
            ok &= ~(ppu & g[name])
        ym = rows.cm == YM
        ok &= ~ym | self.term(live & ym, g["current_term"], rows.ct, required=self.yes)
        # current_expiry: as given, else start + term — even a term off the catalog's list, which ends after
        # its start; without either there is nothing to compare.
        reversed_dates = ym & g["current_expires"] & (rows.expires <= rows.start)
        self.error("dates.order", live & reversed_dates)
        ok &= ~reversed_dates
        for column in rows.packages.current.values():
            basic = column.given & (rows.ce == BASIC)
            self.error("package.basic_edition", live & basic)
            ok &= ~basic
        return ok

    def active(self, live: np.ndarray) -> np.ndarray:
        """``Checks.active``: a yearly/monthly subscription is changed before its expiry; returns where it is."""
        rows = self.rows
        expired = live & (rows.cm == YM) & (rows.on > rows.expires)
        self.error("upgrade.expired", expired)
        return live & ~expired

    def same_billing_mode(self, live: np.ndarray, rule: str = "billing_mode.change") -> None:
        self.error(rule, live & self.rows.given["target_billing_mode"] & (self.rows.tm != self.rows.cm))

    def same_term(self, live: np.ndarray) -> None:
        rows = self.rows
        given = live & rows.given["target_term"]
        self.error("term.pay_per_use", given & (rows.cm != YM))
        self.error("term.invalid", given & (rows.cm == YM) & (rows.tt != rows.ct))

    def edition_kept(self, live: np.ndarray) -> None:
        rows = self.rows
        self.error("action.edition_change", live & rows.given["target_edition"] & (rows.te != rows.ce))


@dataclass
class Decided:
    """Rows decided as invalid (``rows``: by a missing field, or ``by_rules``), with their ``;``-separated
    error and warning codes."""

    rows: np.ndarray
    by_rules: np.ndarray
    errors: np.ndarray
    warnings: np.ndarray


def decide(rows: Rows, action: str) -> Decided:
    """The rows (all asking for ``action``) that break a rule, with the single path's codes; see the module."""
    from ._batch_rules_actions import check

    checks = RuleChecks(rows)
    plain = checks.plain()
    known = action in ACTIONS
    odd_hosts = checks.hosts_not_a_number
    # A request without a known action is request.malformed, whether the shape or check() says so.
    missing = plain & ~odd_hosts & (checks.missing() if known else True)
    if known:
        check(checks, action)
    # Hosts that are not a number, with a field missing too: pydantic's order of the two is the single path's.
    unsure = odd_hosts & (checks.missing() if known else True)
    broken = plain & ~missing & ~unsure & (odd_hosts | checks.said.any_error(rows.n))
    picked = np.flatnonzero(broken)
    errors = np.full(rows.n, "", dtype=object)
    warnings = np.full(rows.n, "", dtype=object)
    errors[missing] = "request.malformed"  # the shape's error; no rule is checked, no warning given
    errors[picked] = codes_text(checks.said.errors, picked)
    warnings[picked] = codes_text(checks.said.warnings, picked)
    # The shape's hosts.invalid comes first; then the rules of the rest, and no warning (quote() stops early).
    shape = broken & odd_hosts
    errors[shape] = np.array(["hosts.invalid" + (";" if e else "") + e for e in errors[shape]], dtype=object)
    warnings[shape] = ""
    return Decided(missing | broken, broken, errors, warnings)
