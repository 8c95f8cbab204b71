"""The words behind a batch row's rule codes: the core's own checks, without pricing anything again.

:func:`planner.price_frame` answers each row with rule codes (SPEC B7). A view that shows those codes to a
person asks :func:`explain_row` for the same problems with their fields and messages: it runs the request
checks that :func:`planner.quote` runs before pricing — the request's shape, every purchasing rule, the
catalog's age — and stops there. Warnings that only pricing finds (``price.illustrative``: which of the
catalog's figures a price used) are not among them; the codes in the priced frame say those.

>>> import planner
>>> row = {"region": "cn-north-4", "hosts": "40", "on": "2026-11-26", "action": "renew",
...     "current_edition": "standard", "current_billing_mode": "yearly_monthly", "current_quota": "10",
...     "current_term": "1m", "current_start": "2026-10-20", "current_expires": "2026-11-20", "target_term": "1y"}
>>> found = explain_row(row, planner.load_catalog())
>>> found.errors, [w.rule for w in found.warnings]
([], ['disclaimer.not_accepted', 'lifecycle.grace', 'quota.below_hosts'])
>>> [p.rule for p in tag_problems({"subscription": "<b>odd</b>"}, planner.load_catalog())]
['tags.value']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ._batch import request_of_row
from ._catalog import Catalog
from ._problems import Problem
from ._quote import check_request
from ._request import validate_request
from ._rules import FieldChecks


@dataclass(frozen=True)
class Explanation:
    """Every broken rule (``errors``) and every rule warning of one row, each with its field and words."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def explain_row(row: Mapping[str, Any], catalog: Catalog, *, today: date | None = None) -> Explanation:
    """The problems of one SPEC B7 row in the core's words: what :func:`planner.quote` checks, unpriced.

    ``row`` maps B7 column names to cells, as :func:`planner.price_frame` reads them (other columns are
    ignored); ``today`` is the day used when the row's ``on`` is empty, as for ``price_frame``. The error
    codes are the row's ``errors`` column; the warnings are its ``warnings`` column less what only pricing
    finds (``price.illustrative``).
    """
    day = today or catalog.today()
    checked = check_request(request_of_row(row), catalog, today=day)
    if checked.errors:
        return Explanation(errors=checked.errors, warnings=checked.warnings)
    return Explanation(warnings=checked.warnings + catalog.stale_warnings(day))


def tag_problems(tags: Mapping[str, str], catalog: Catalog) -> list[Problem]:
    """What breaks Huawei's tag rules (TMS) in ``tags``, as a request carrying them would be told.

    For views that tag the orders of rows a B7 frame cannot tag (it has no tag columns).
    """
    carrier, problems = validate_request({"region": "", "hosts": 0, "action": "", "tags": dict(tags)})
    if carrier is None:  # a key or value that is not text
        return problems
    checks = FieldChecks(carrier, catalog, date.min)
    checks.tags()
    return checks.errors


__all__ = ["Explanation", "explain_row", "tag_problems"]
