"""The planner form asks what the action registry says, in the states the catalog allows: no rule is
written again in the UI (issue: one home per action)."""

from __future__ import annotations

from datetime import date

import pytest

import planner
from planner.ui import OrderModel
from planner.ui._form import OrderForm

TODAY = date(2024, 6, 18)


def values(model: OrderModel, name: str) -> list[str]:
    return [value for _, value in model.choices(name)]


def test_change_of_billing_mode_starts_from_the_only_subscription_it_can_change() -> None:
    model = OrderModel.start(today=TODAY)
    model.update(action="change_billing_mode")

    assert values(model, "current_edition") == ["professional"]
    assert values(model, "current_billing_mode") == ["pay_per_use"]
    assert values(model, "billing_mode") == ["yearly_monthly"]
    assert (model.draft.current_edition, model.draft.current_billing_mode) == ("professional", "pay_per_use")
    assert [e.rule for e in model.errors] == []


def test_an_upgrade_offers_only_higher_editions_and_no_quota_from_basic() -> None:
    model = OrderModel.start(today=TODAY)
    model.update(action="upgrade", current_edition="basic")
    assert values(model, "edition") == ["standard", "professional"]
    assert not model.shows("quota")

    model.update(current_edition="standard")
    assert values(model, "edition") == ["professional"]
    assert model.shows("quota")
    assert "professional" not in values(model, "current_edition")  # nothing above it to upgrade to


@pytest.mark.parametrize("action", ["renew", "unsubscribe"])
def test_renewals_and_refunds_start_from_a_prepaid_subscription(action: str) -> None:
    model = OrderModel.start(today=TODAY)
    model.update(action=action, current_edition="professional")

    assert values(model, "current_billing_mode") == ["yearly_monthly"]
    assert model.shows("current_term")
    assert model.shows("current_paid") is (action == "unsubscribe")


def test_a_region_that_sells_only_pay_per_use_offers_no_renewal_or_refund() -> None:
    model = OrderModel.start(today=TODAY)
    form = OrderForm(model)
    model.update(region="ae-ad-1")

    assert "renew" not in values(model, "action") and "unsubscribe" not in values(model, "action")
    model.update(action="renew")  # a raw widget message can still ask for it: the form falls back
    assert model.draft.action in values(model, "action")
    assert form.inputs["action"].value == model.draft.action


def test_every_action_field_the_form_sends_is_one_the_action_takes() -> None:
    model = OrderModel.start(today=TODAY)
    for name, action in planner.ACTIONS.items():
        model.update(action=name)
        sent = set(model.request.get("target", {}))
        assert sent <= set(action.target_fields), name
        assert set(action.required) <= sent, name


def test_today_is_the_catalogs_today() -> None:
    catalog = planner.load_catalog()
    assert OrderModel.start(catalog).today == catalog.today()


def test_one_field_table_drives_the_form_and_the_url() -> None:
    from planner.ui._fields import FIELDS, field_at, parse_query

    form = OrderForm(OrderModel.start(today=TODAY))
    assert set(form.inputs) == set(FIELDS)
    for field in FIELDS.values():
        assert field_at(field.path) is field
    every = "&".join(f"{name}=x" for name in FIELDS)
    _, notices = parse_query(every, planner.load_catalog())
    refused = {n.split("'")[1] for n in notices if n.startswith("Ignored the URL parameter")}
    assert refused == {name for name, field in FIELDS.items() if not field.from_url}


def test_a_problem_deep_in_a_field_belongs_to_that_field() -> None:
    from planner.ui._fields import field_at

    assert field_at("target.quota").label == "ECS quota"  # type: ignore[union-attr]
    assert field_at("tags.env").name == "tags"  # type: ignore[union-attr]
    assert field_at("nowhere") is None
