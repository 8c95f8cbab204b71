"""The closed sets of the domain (SPEC A1, B2): editions, billing modes, actions — names and words.

Which editions and billing modes a *region* sells is catalog data; these are the product's own shape.
"""

from __future__ import annotations

from typing import Literal

EditionName = Literal["basic", "standard", "professional"]
BillingMode = Literal["yearly_monthly", "pay_per_use"]
ActionName = Literal[
    "purchase", "upgrade", "increase_quota", "renew", "buy_package", "change_billing_mode", "unsubscribe"
]

EDITIONS: tuple[EditionName, ...] = ("basic", "standard", "professional")
#: The actions of SPEC B2, in the order a form offers them (the registry, ``planner.ACTIONS``, holds each).
ACTION_NAMES: tuple[ActionName, ...] = (
    "purchase",
    "upgrade",
    "increase_quota",
    "renew",
    "buy_package",
    "change_billing_mode",
    "unsubscribe",
)
BILLING_MODES: tuple[BillingMode, ...] = ("yearly_monthly", "pay_per_use")

#: Billing modes each edition exists in at all [C: Billing Overview; SPEC A1].
EDITION_BILLING_MODES: dict[str, tuple[BillingMode, ...]] = {
    "basic": ("yearly_monthly",),
    "standard": ("yearly_monthly",),
    "professional": ("yearly_monthly", "pay_per_use"),
}

#: The only change of billing mode there is: professional pay-per-use → yearly/monthly [C; SPEC A6].
BILLING_MODE_CHANGES: dict[tuple[str, str], tuple[BillingMode, ...]] = {
    ("professional", "pay_per_use"): ("yearly_monthly",),
}

MODE_WORDS: dict[str, str] = {"yearly_monthly": "yearly/monthly", "pay_per_use": "pay-per-use"}


def renews(billing_mode: str) -> bool:
    """Whether a subscription in this billing mode has a term, an expiry, renewals and refunds [SPEC A4, A7]."""
    return billing_mode == "yearly_monthly"


def prepaid(billing_mode: str) -> bool:
    """Whether the billing mode is paid upfront (yearly/monthly) rather than by the hour [SPEC A6]."""
    return billing_mode == "yearly_monthly"
