"""The planner's settings: one place, read from the environment, an unusable value named."""

from pathlib import Path

import pytest

import planner
from planner._settings import DEFAULT_CATALOG_DIR, DEFAULT_ORDERS_DIR, HELP, Settings


def test_defaults_when_nothing_is_set() -> None:
    assert Settings.from_env({}) == Settings(DEFAULT_CATALOG_DIR, DEFAULT_ORDERS_DIR, 8866, None)


def test_each_setting_is_read_from_its_variable(tmp_path: Path) -> None:
    env = {
        "PLANNER_CATALOG": str(tmp_path / "cat"),
        "PLANNER_ORDERS_DIR": str(tmp_path / "orders"),
        "PORT": "9001",
        "PLANNER_HUAWEI_ENDPOINT": "http://127.0.0.1:9999",
    }
    assert Settings.from_env(env) == Settings(tmp_path / "cat", tmp_path / "orders", 9001, "http://127.0.0.1:9999")
    assert {variable for variable, _ in HELP.values()} == set(env)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PORT", "0"), ("PORT", "65536"), ("PORT", "8o8o"), ("PORT", "-1"), ("PLANNER_HUAWEI_ENDPOINT", "ftp://x")],
)
def test_an_unusable_value_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(planner.PlannerError) as caught:
        Settings.from_env({variable: value})
    assert [(p.rule, p.field) for p in caught.value.problems] == [("settings.invalid", variable)]


def test_the_catalog_setting_is_where_load_catalog_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    cn = DEFAULT_CATALOG_DIR.parent / "cn-cny"
    monkeypatch.setenv("PLANNER_CATALOG", str(cn))
    assert planner.load_catalog().currency == "CNY"
