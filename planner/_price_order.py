"""Editions are priced in rank order (issue 10, item 7): a catalog in which a higher edition costs less than
a lower one is refused when it is loaded.

Upgrades go basic → standard → professional only [C: Upgrading the Service Edition], and their fee is
``(new configuration price − old) × remaining period`` [SPEC A5]: with professional priced below standard
the seed upgrade would quote −0.78 due. An upgrade never costs less than nothing, so the catalog cannot say
otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Protocol

from ._problems import Problem


class PriceOrderError(LookupError):
    """A change that would cost less than nothing: only a catalog priced out of rank order leads here."""

    rule = "price.order"


class _Row(Protocol):
    @property
    def price(self) -> Decimal: ...

    @property
    def row(self) -> int: ...


def rank_order_problems(
    editions: Sequence[str],
    regions: Iterable[str],
    modes: Iterable[str],
    prices: Mapping[tuple[str, str, str], _Row],
) -> list[Problem]:
    """One problem per pair of price rows where a higher-ranked edition (later in ``editions``) costs less.

    Each region's effective price is its own row, else the ``*`` row, as :meth:`Catalog.price` reads it.
    """
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()
    for region in regions:
        for mode in modes:
            priced = [
                (edition, row)
                for edition in editions
                if (row := prices.get((region, edition, mode)) or prices.get(("*", edition, mode))) is not None
            ]
            for (lower, low), (higher, high) in pairwise(priced):
                if high.price < low.price and (low.row, high.row) not in seen:
                    seen.add((low.row, high.row))
                    problems.append(
                        Problem(
                            "catalog.invalid",
                            f"prices.csv:{high.row}:price",
                            f"{higher} ({high.price}) costs less than {lower} ({low.price}, row {low.row}) in "
                            f"{region} {mode}: editions are priced in rank order, or an upgrade would cost less "
                            "than nothing",
                        )
                    )
    return problems
