"""Issue 8 on the planner page, driven in-process: every figure shown belongs to the current input, inputs
never change without a word, errors sit beside their fields, money and periods are written for people."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import planner
from planner.ui import OrderModel
from planner.ui._form import OrderForm

TODAY = date(2024, 6, 18)
REPO = Path(__file__).resolve().parents[2]
URL = "region=cn-north-4&hosts=120&edition=professional&quota=150&action=purchase&term=1y"


@pytest.fixture
def form() -> OrderForm:
    return OrderForm(OrderModel.start(query=URL, today=TODAY))


@pytest.mark.parametrize("typed", ["12.5", "1e3", "abc", ""])
def test_what_is_not_a_whole_number_is_refused_at_the_field(form: OrderForm, typed: str) -> None:
    form.inputs["hosts"].value = typed
    assert form.inputs["hosts"].value == typed  # the box keeps what was typed: no silent 125, 13 or revert
    assert "hosts.invalid" in [p.rule for p in form.model.errors]
    assert not form.model.priced and "No price" in form.total.value
    note = form.notes["hosts"].value
    assert ("is not a whole number" if typed else "Enter a whole number") in note
    assert "planner-invalid" in form.inputs["hosts"]._dom_classes

    form.inputs["hosts"].value = "1,200"  # a person's thousands separator is a whole number
    assert form.model.draft.hosts == 1200 and form.notes["hosts"].value == ""
    assert "planner-invalid" not in form.inputs["hosts"]._dom_classes


def test_a_choice_the_region_forces_is_said_beside_the_field(form: OrderForm) -> None:
    form.inputs["edition"].value = "standard"
    form.inputs["region"].value = "ae-ad-1"  # sells only professional pay-per-use
    assert form.model.draft.edition == "professional"
    assert "changed from Standard to Professional" in form.notes["edition"].value
    assert "changed from Yearly/monthly to Pay-per-use" in form.notes["billing_mode"].value
    form.inputs["hosts"].value = "100"  # the next change: the note was about the last one
    assert form.notes["edition"].value == ""


def test_an_emptied_date_is_an_error_not_the_old_date(form: OrderForm) -> None:
    assert form.model.priced
    form.inputs["on"].value = None
    assert not form.model.priced
    assert [p.field for p in form.model.errors] == ["on"]
    assert "Enter a date" in form.notes["on"].value
    assert "No price" in form.total.value and form.lines.value == ""


def test_errors_sit_beside_their_field_in_the_labels_words(form: OrderForm) -> None:
    form.inputs["quota"].value = "100"
    (problem,) = form.model.errors
    assert problem.message[1:] in form.notes["quota"].value  # beside the field
    assert "planner-invalid" in form.inputs["quota"]._dom_classes
    assert "quota.below_hosts" in form.errors.value  # the full list with rule codes stays in the side panel
    assert "ECS quota" in form.errors.value and "target.quota" not in form.errors.value


def test_a_change_clears_the_chart_and_the_export_message(form: OrderForm, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANNER_ORDERS_DIR", str(tmp_path))
    assert form.chart.outputs  # drawn for the valid pre-fill
    form.inputs["accept_disclaimer"].value = True
    form.export_button.click()
    assert "Order written" in form.message.value and "32,868.00 USD" in form.message.value
    assert str(tmp_path) not in form.message.value  # the server's folder is not shown to the visitor
    assert form.download.value

    form.inputs["quota"].value = "100"  # now invalid
    assert form.message.value == "" and form.download.value == ""
    assert form.chart.outputs == ()  # no chart of the old price under "No price until …"


def test_an_unsubscribe_shows_a_refund_with_its_parts() -> None:
    request = json.loads((REPO / "tests/core/requests/unsubscribe.json").read_text())
    current = request["current"]
    model = OrderModel.start(today=TODAY)
    form = OrderForm(model)
    form.inputs["action"].value = "unsubscribe"
    form.inputs["hosts"].value = str(request["hosts"])
    form.inputs["current_quota"].value = str(current["quota"])
    form.inputs["current_edition"].value = current["edition"]
    form.inputs["current_term"].value = "1y"
    form.inputs["current_start"].value = date(2024, 1, 10)
    form.inputs["current_purchased_at"].value = date(2024, 1, 10)
    form.inputs["current_paid"].value = "33000"
    refund = model.quote.refund
    assert model.errors == [] and refund is not None and refund.amount > 1000
    total = form.total.value
    assert f"Refund: <span class='planner-total-amount'>{refund.amount:,}</span> USD" in total
    assert "Due now" not in total and "-" + str(refund.amount) not in total
    for words in ("Paid", "33,000.00 USD", f"{refund.used_hours:,} of {refund.ordered_hours:,}", "Handling fee"):
        assert words in total
    assert "full_refund" not in total and "used_amount" not in total  # no raw dump


def test_the_upgrade_shows_its_remaining_period_as_huawei_writes_it() -> None:
    request = json.loads((REPO / "examples/seed-upgrade.json").read_text())
    model = OrderModel.start(today=TODAY)
    form = OrderForm(model)
    form.inputs["action"].value = "upgrade"
    form.inputs["hosts"].value = "1"
    form.inputs["current_quota"].value = "1"
    form.inputs["current_term"].value = "1m"
    form.inputs["current_start"].value = date(2024, 6, 8)
    form.inputs["edition"].value = request["target"]["edition"]
    form.inputs["quota"].value = "1"
    assert model.quote.total == planner.quote(request).total
    assert "12/30 + 8/31 = 0.65806452" in form.lines.value


def test_change_to_yearly_monthly_starts_from_pay_per_use_professional(form: OrderForm) -> None:
    form.inputs["action"].value = "change_billing_mode"
    assert form.model.draft.current_edition == "professional"
    assert form.model.draft.current_billing_mode == "pay_per_use"
    assert form.model.errors == [] and form.model.priced


def test_a_renewal_without_auto_renew_shows_no_auto_renew_charge(form: OrderForm) -> None:
    form.inputs["action"].value = "renew"
    assert form.model.priced and form.model.quote.auto_renew_charge is None
    assert "auto-renew" not in form.total.value.lower()


def test_a_whole_term_has_no_remaining_period_to_explain(form: OrderForm) -> None:
    assert form.model.priced and "remaining period" not in form.lines.value


def test_a_package_size_that_is_not_a_whole_number_is_refused_beside_the_packages(form: OrderForm) -> None:
    box = form.packages["data_collection"]
    box.value = "12.5"
    assert box.value == "12.5" and not form.model.priced
    assert "target.packages.data_collection" in [p.field for p in form.model.errors]
    assert "“12.5” is not a whole number" in form.notes["packages"].value
    box.value = "10"
    assert form.model.draft.packages["data_collection"] == 10 and form.notes["packages"].value == ""
    assert form.model.priced and form.model.request["target"]["packages"] == {"data_collection": 10}
    form.packages["large_screen"].value = True
    assert form.model.request["target"]["packages"] == {"data_collection": 10, "large_screen": 1}
