"""Value-added packages over columns (SPEC A3): the ``current_package_<id>`` / ``target_package_<id>``
columns, their rules (``_Checker.packages``, ``collection_hint``) and their lines (``_Pricer``).

A package column whose id the catalog does not know, or a size that is not a plain whole number, sends
its row to the single path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._batch import PACKAGE_PREFIXES
from ._batch_vector import I64, PPU
from ._catalog import Package
from ._domain import EDITIONS

if TYPE_CHECKING:
    from ._batch_actions import Rows
    from ._batch_cells import Cells

BASIC = EDITIONS.index("basic")


@dataclass
class Column:
    package: Package
    item: np.ndarray  # the package's index in the price table, one per row
    given: np.ndarray
    size: np.ndarray
    name: str
    cells: Cells


class Packages:
    """The package columns of one chunk, in the file's order (the order a request's packages have)."""

    def __init__(self, rows: Rows, cells: Cells) -> None:
        self.rows = rows
        n, catalog = rows.n, rows.cat.catalog
        self.shape_ok = np.ones(n, dtype=bool)
        self.unknown_given = np.zeros(n, dtype=bool)  # a size for a package id the catalog does not know
        self.target: list[Column] = []
        self.current: dict[str, Column] = {}
        for name in cells.names:
            prefix = next((p for p in PACKAGE_PREFIXES if name.startswith(p) and len(name) > len(p)), None)
            if prefix is None:
                continue
            pkg_id = name[len(prefix) :]
            given = cells.given(name)
            ok, size = cells.ints(name)
            if pkg_id not in catalog.packages:  # package.unknown: the single path words it
                self.shape_ok &= ~given
                self.unknown_given |= given
                continue
            self.shape_ok &= ~given | ok
            item = np.full(n, rows.cat.items.index(pkg_id), dtype=I64)
            column = Column(catalog.packages[pkg_id], item, given, np.where(given, size, 0), name, cells)
            if PACKAGE_PREFIXES[prefix] == "target":
                self.target.append(column)
            else:
                self.current[pkg_id] = column
        none = np.zeros(n, dtype=bool)
        self.any_target = np.logical_or.reduce([c.given for c in self.target] + [none])
        self.any_current = np.logical_or.reduce([c.given for c in self.current.values()] + [none])

    def held(self, column: Column) -> tuple[np.ndarray, np.ndarray]:
        current = self.current.get(column.package.id)
        if current is None:
            return np.zeros(self.rows.n, dtype=bool), np.zeros(self.rows.n, dtype=I64)
        return current.given, current.size

    def current_ok(self, edition: np.ndarray) -> np.ndarray:
        """``_Checker.current``: a basic subscription holds no packages."""
        return ~self.any_current | (edition != BASIC)

    def target_ok(self, edition: np.ndarray, *, held: bool) -> np.ndarray:
        """``_Checker.packages``: not basic, a bigger size than held (non-stacking), within min/max/step."""
        ok = np.ones(self.rows.n, dtype=bool)
        for column in self.target:
            p = column.package
            size = column.size
            fine = (edition != BASIC) & (size >= p.min) & (size <= p.max) & (size % p.step == 0)
            if held and not p.stacks:
                has, before = self.held(column)
                fine &= ~has | (size > before)
            ok &= ~column.given | fine
        return ok

    def sizing(self, *, held: bool) -> np.ndarray:
        """``_Checker.collection_hint``: hosts × MB a day of logs want at least this much collection."""
        rows, catalog = self.rows, self.rows.cat.catalog
        warn = np.zeros(rows.n, dtype=bool)
        for column in self.target:
            if column.package.id != "data_collection":
                continue
            total = column.size + (np.where(self.held(column)[0], self.held(column)[1], 0) if held else 0)
            need_gb = -(-(rows.hosts * catalog.limits.collection_mb_per_host_day) // 1024)
            step = column.package.step
            hint = np.where(need_gb > 0, -(-need_gb // step) * step, 0)
            warn |= column.given & (total < hint)
        return warn

    def _sum(
        self, lines: list[tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        fits = np.ones(self.rows.n, dtype=bool)
        cents = np.zeros(self.rows.n, dtype=I64)
        illustrative = np.zeros(self.rows.n, dtype=bool)
        for given, (line_fits, line_cents, _, line_illustrative) in lines:
            fits &= ~given | line_fits
            cents += np.where(given, line_cents, 0)
            illustrative |= given & line_illustrative
        return fits, cents, illustrative

    def term_lines(self, term: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A purchase's packages: a full term each."""
        return self._sum([(c.given, self.rows.term_line(c.item, c.size, term)) for c in self.target])

    def renewal_lines(self, term: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A renewal renews the packages held, each for the new term."""
        return self._sum([(c.given, self.rows.term_line(c.item, c.size, term)) for c in self.current.values()])

    def change_lines(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``_Pricer.packages_now``, yearly/monthly: co-terminated; a non-stacking package held is resized."""
        lines = []
        for c in self.target:
            has, before = self.held(c)
            old = np.zeros(self.rows.n, dtype=I64) if c.package.stacks else np.where(has, before, 0)
            lines.append((c.given, self.rows.change_line(c.item, c.item, c.size, old)))
        return self._sum(lines)

    def hourly_illustrative(self) -> np.ndarray:
        rows = self.rows
        out = np.zeros(rows.n, dtype=bool)
        for c in self.target:
            out |= c.given & rows.cat.illustrative[rows.region, c.item, PPU]
        return out

    def kept_on_unsubscribe(self) -> np.ndarray:
        """Packages that cannot be unsubscribed run to expiry: ``_Checker.unsubscribe`` warns."""
        out = np.zeros(self.rows.n, dtype=bool)
        for c in self.current.values():
            if not c.package.unsubscribable:
                out |= c.given
        return out
