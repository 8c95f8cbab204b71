"""The stages after a yearly/monthly expiry [SPEC A4]: one place computes them, for quotes and the app."""

from datetime import date

import pytest

import planner
from planner._rules import lifecycle_state

CATALOG = planner.load_catalog()


def test_the_stage_dates_follow_the_catalog_days() -> None:
    stages = planner.Lifecycle.of(CATALOG, date(2024, 7, 8))

    assert stages.auto_renew_charge == date(2024, 7, 1)  # 7 days before
    assert stages.grace_ends == date(2024, 7, 23)  # + 15
    assert stages.retention_ends == date(2024, 8, 7)  # + 15 more


@pytest.mark.parametrize(
    ("on", "state"),
    [
        (date(2024, 7, 8), "active"),  # the service runs to the end of the expiry date
        (date(2024, 7, 9), "grace"),
        (date(2024, 7, 23), "grace"),
        (date(2024, 7, 24), "retention"),
        (date(2024, 8, 7), "retention"),
        (date(2024, 8, 8), "released"),
    ],
)
def test_each_day_falls_in_one_stage(on: date, state: str) -> None:
    assert lifecycle_state(CATALOG, date(2024, 7, 8), on) == state
