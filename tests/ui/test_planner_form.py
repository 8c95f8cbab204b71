"""The planner page driven in-process: set widget values, check the model, the quote and what is shown."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

import planner
from planner.ui import OrderModel
from planner.ui._form import OrderForm

TODAY = date(2024, 6, 18)
URL = "region=cn-north-4&hosts=120&edition=professional&quota=150&action=purchase&term=1y"


@pytest.fixture
def form() -> OrderForm:
    return OrderForm(OrderModel.start(query=URL, today=TODAY))


def shown(widget) -> bool:
    return widget.layout.display != "none"


def test_the_url_prefills_the_form(form: OrderForm) -> None:
    values = {name: form.inputs[name].value for name in ("region", "action", "hosts", "edition", "quota", "term")}
    assert values == {
        "region": "cn-north-4",
        "action": "purchase",
        "hosts": "120",
        "edition": "professional",
        "quota": "150",
        "term": "1y",
    }
    assert form.model.errors == []
    assert "32,868.00" in form.total.value  # 22 × 12 × 150 × 0.83, priced by the core


def test_a_quota_below_the_hosts_shows_the_rule_and_fixing_it_clears_it(form: OrderForm) -> None:
    form.inputs["quota"].value = "100"
    assert form.model.request["target"]["quota"] == 100
    assert "quota.below_hosts" in form.errors.value
    assert "No price" in form.total.value
    assert form.export_button.disabled

    form.inputs["quota"].value = "120"
    assert form.errors.value == ""
    expected = planner.quote(form.model.request, today=TODAY).total
    assert f"{expected:,}" in form.total.value
    assert "<table" in form.lines.value


def test_every_broken_rule_is_listed_with_its_code(form: OrderForm) -> None:
    form.inputs["hosts"].value = "-1"
    form.inputs["quota"].value = "20000"
    rules = [p.rule for p in form.model.errors]
    assert {"hosts.invalid", "quota.above_max"} <= set(rules)
    for rule in rules:
        assert rule in form.errors.value


def test_export_needs_the_disclaimer_and_writes_what_the_screen_shows(form: OrderForm, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANNER_ORDERS_DIR", str(tmp_path))
    assert form.export_button.disabled
    assert "disclaimer" in form.export_hint.value.lower()

    form.inputs["accept_disclaimer"].value = True
    form.inputs["tags"].value = "env=prod, team=secops"
    assert not form.export_button.disabled
    form.export_button.click()

    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 2 and written[0].endswith(".csv") and written[1].endswith(".json")
    order = json.loads((tmp_path / written[1]).read_text())
    assert written[1] in form.message.value
    assert f"{Decimal(order['total']):,}" in form.total.value
    assert order["tags"] == {"env": "prod", "team": "secops"}
    assert order["request"]["target"]["quota"] == 150
    assert f'download="{written[1]}"' in form.download.value
    assert "data:application/json;base64," in form.download.value


def test_export_twice_writes_two_orders(form: OrderForm, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANNER_ORDERS_DIR", str(tmp_path))
    form.inputs["accept_disclaimer"].value = True
    form.export_button.click()
    form.export_button.click()
    assert len(list(tmp_path.glob("*.json"))) == 2


def test_the_form_asks_only_what_the_action_needs(form: OrderForm) -> None:
    assert not shown(form.current_box)
    assert shown(form.rows["edition"]) and shown(form.rows["term"])

    form.inputs["action"].value = "renew"
    assert shown(form.current_box)
    assert shown(form.rows["term"])
    assert not any(shown(form.rows[n]) for n in ("edition", "billing_mode", "quota"))
    assert set(form.model.request["target"]) == {"term"}

    form.inputs["action"].value = "upgrade"
    form.inputs["current_edition"].value = "basic"
    assert not shown(form.rows["quota"])  # upgrading from basic changes the edition only
    assert "quota" not in form.model.request["target"]

    form.inputs["action"].value = "unsubscribe"
    assert shown(form.rows["current_paid"]) and shown(form.rows["current_purchased_at"])


def test_upgrade_prices_the_seed_example() -> None:
    model = OrderModel.start(today=TODAY)
    form = OrderForm(model)
    form.inputs["action"].value = "upgrade"
    form.inputs["hosts"].value = "1"
    form.inputs["current_edition"].value = "standard"
    form.inputs["current_quota"].value = "1"
    form.inputs["current_term"].value = "1m"
    form.inputs["current_start"].value = date(2024, 6, 8)
    assert model.draft.current_expires == date(2024, 7, 8)  # follows start + term
    form.inputs["edition"].value = "professional"
    form.inputs["quota"].value = "1"
    assert model.errors == []
    assert model.quote.total == Decimal("13.02")
    assert "0.65806452" in form.lines.value


def test_pay_per_use_has_no_term_and_shows_a_monthly_estimate(form: OrderForm) -> None:
    form.inputs["billing_mode"].value = "pay_per_use"
    assert not shown(form.rows["term"]) and not shown(form.rows["auto_renew"])
    assert "term" not in form.model.request["target"]
    assert form.model.errors == []
    assert "a month" in form.total.value


def test_choices_follow_the_region() -> None:
    form = OrderForm(OrderModel.start(query="region=ae-ad-1", today=TODAY))
    assert [v for _, v in form.inputs["edition"].options] == ["professional"]
    assert [v for _, v in form.inputs["billing_mode"].options] == ["pay_per_use"]
    assert form.model.errors == []


def test_typed_text_is_escaped(form: OrderForm) -> None:
    form.inputs["tags"].value = "<script>alert(1)</script>"
    assert "tags.key" in form.errors.value
    assert "<script>" not in form.errors.value
    assert "&lt;script&gt;" in form.errors.value


def test_bad_url_parameters_are_ignored_with_a_notice() -> None:
    form = OrderForm(OrderModel.start(query="hosts=lots&region=<b>x</b>&colour=red", today=TODAY))
    assert "hosts=" in form.notices.value and "colour" in form.notices.value
    assert "<b>x</b>" not in form.notices.value
    assert form.model.draft.region == "cn-north-4"


def test_the_model_and_the_core_import_no_widgets_nor_plotting() -> None:
    code = (
        "import sys, planner, planner.ui._model; "
        "bad = {'ipywidgets', 'plotly', 'pandas'} & set(sys.modules); assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
