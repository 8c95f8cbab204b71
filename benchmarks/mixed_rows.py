"""A mixed batch file of any length: all seven actions, both billing modes, a share of invalid rows.

Used by ``bench_batch.py`` (1,000,000 rows) and by the 10,000-row test. Made with numpy, seeded, so
the same ``n`` and ``seed`` always give the same rows.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from planner import ACTIONS
from planner._batch import FIELDS
from planner._batch_vector import add_months, day_number

TERMS = np.array(["1m", "2m", "3m", "6m", "9m", "1y", "2y", "3y"])
TERM_MONTHS = np.array([1, 2, 3, 6, 9, 12, 24, 36])
REGIONS = np.array(["cn-north-4", "cn-east-3", "ap-southeast-3", "me-east-1", "la-north-2"])
#: One broken cell an invalid row: mistakes a real portfolio makes (a region that does not exist or does not
#: sell the edition, a term not on sale, hosts negative or written with a thousands separator, no quota, an
#: edition or billing mode that does not exist, a running term spelt in months, a start after the action).
BROKEN = np.array(
    [
        "region:mars-1",
        "target_term:13m",
        "hosts:-5",
        "target_quota:0",
        "current_edition:gold",
        "region:ae-ad-1",
        "hosts:1,200",
        "current_billing_mode:monthly",
        "current_term:12m",
        "current_start:2027-01-01",
    ]
)
COLUMNS = ["account", *FIELDS, "target_package_data_collection"]


def _text(values: np.ndarray) -> np.ndarray:
    return values.astype(str).astype(object)


def _day_text(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)


def mixed_rows(n: int, *, seed: int = 7, invalid: float = 0.05) -> pd.DataFrame:
    """``n`` request rows (SPEC B7 columns, all text), ``invalid`` of them breaking one rule."""
    rng = np.random.default_rng(seed)
    action = np.array(list(ACTIONS))[rng.integers(0, len(ACTIONS), n)]
    cols: dict[str, np.ndarray] = {name: np.full(n, "", dtype=object) for name in COLUMNS}
    cols["account"] = np.char.add("acct-", rng.integers(0, 10**6, n).astype(str)).astype(object)
    cols["region"] = REGIONS[rng.integers(0, len(REGIONS), n)].astype(object)
    cols["action"] = action.astype(object)
    term_i = rng.integers(0, len(TERMS), n)
    start = day_number(date(2024, 1, 1)) + rng.integers(0, 730, n)
    expires = add_months(start, TERM_MONTHS[term_i])
    on = start + (rng.random(n) * (expires - start)).astype(np.int64)
    quota = rng.integers(10, 500, n)
    hosts = np.maximum(quota - rng.integers(0, 10, n), 0)
    edition = np.where(rng.random(n) < 0.5, "standard", "professional").astype(object)
    ppu = (action == "change_billing_mode") | ((action == "increase_quota") & (rng.random(n) < 0.2))
    edition = np.where(ppu | np.isin(action, ["buy_package"]), "professional", edition)
    edition = np.where(action == "upgrade", np.where(rng.random(n) < 0.2, "basic", "standard"), edition)
    has_current = action != "purchase"
    cols["hosts"] = _text(hosts)
    cols["on"] = _day_text(on)
    cols["current_edition"] = np.where(has_current, edition, "")
    cols["current_billing_mode"] = np.where(has_current, np.where(ppu, "pay_per_use", "yearly_monthly"), "")
    cols["current_quota"] = np.where(has_current, _text(quota), "")
    cols["current_term"] = np.where(has_current & ~ppu, TERMS[term_i].astype(object), "")
    cols["current_start"] = np.where(has_current, _day_text(start), "")
    cols["current_expires"] = np.where(has_current & ~ppu & (rng.random(n) < 0.5), _day_text(expires), "")
    cols["current_auto_renew"] = np.where(has_current, np.where(rng.random(n) < 0.3, "true", "false"), "")
    unsubscribe = action == "unsubscribe"
    cols["current_paid"] = np.where(unsubscribe, _text(quota * 22), "")
    cols["current_purchased_at"] = np.where(unsubscribe, (_day_text(start) + "T10:00:00+08:00").astype(object), "")
    new_term = TERMS[rng.integers(0, len(TERMS), n)].astype(object)
    purchase = action == "purchase"
    cols["target_edition"] = np.where(purchase, edition, np.where(action == "upgrade", "professional", ""))
    cols["target_billing_mode"] = np.where(
        purchase, "yearly_monthly", np.where(action == "change_billing_mode", "yearly_monthly", "")
    )
    more = quota + rng.integers(1, 50, n)
    cols["target_quota"] = np.where(purchase, _text(quota), np.where(action == "increase_quota", _text(more), ""))
    cols["target_term"] = np.where(np.isin(action, ["purchase", "renew", "change_billing_mode"]), new_term, "")
    cols["target_package_data_collection"] = np.where(action == "buy_package", _text(5 * rng.integers(1, 20, n)), "")
    # the invalid share: one broken cell each
    broken = rng.random(n) < invalid
    which = BROKEN[rng.integers(0, len(BROKEN), n)]
    for spec in BROKEN:
        column, value = spec.split(":", 1)
        cols[column] = np.where(broken & (which == spec), value, cols[column])
    return pd.DataFrame({name: pd.array(cols[name], dtype="str") for name in COLUMNS})
