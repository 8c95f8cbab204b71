"""The action registry: one module per action of SPEC B2, each with its target fields, its rules, how it
resolves a request into a change and how it prices that change.

>>> from planner._actions import ACTIONS
>>> list(ACTIONS)
['purchase', 'upgrade', 'increase_quota', 'renew', 'buy_package', 'change_billing_mode', 'unsubscribe']
>>> ACTIONS["renew"].target_fields
('term',)
"""

from __future__ import annotations

from typing import Any

from .._domain import ACTION_NAMES
from ._base import TARGET_FIELDS, Action
from .buy_package import BuyPackage
from .change_billing_mode import ChangeBillingMode
from .increase_quota import IncreaseQuota
from .purchase import Purchase
from .renew import Renew
from .unsubscribe import Unsubscribe
from .upgrade import Upgrade

#: Every action, by name, in the order a form offers them.
ACTIONS: dict[str, Action[Any]] = {
    action.name: action
    for action in (
        Purchase(),
        Upgrade(),
        IncreaseQuota(),
        Renew(),
        BuyPackage(),
        ChangeBillingMode(),
        Unsubscribe(),
    )
}

if tuple(ACTIONS) != ACTION_NAMES:  # the closed set and the registry name the same actions, in one order
    raise ImportError(f"the action registry {tuple(ACTIONS)} is not {ACTION_NAMES}")

__all__ = ["ACTIONS", "TARGET_FIELDS", "Action"]
