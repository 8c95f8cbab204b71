"""A quote lists every broken rule at once (SPEC B3), even when part of the request has the wrong shape."""

import planner


def rules(request: dict) -> list[tuple[str, str]]:
    return sorted((e.rule, e.field) for e in planner.quote(request).errors)


def test_shape_errors_do_not_hide_the_other_rules() -> None:
    request = {
        "region": "cn-north-4",
        "hosts": "10",  # text, not a number
        "on": "2024-06-18",
        "action": "purchase",
        "colour": "red",  # unknown key
        "target": {"edition": "pro", "billing_mode": "yearly_monthly", "quota": 20000, "term": "13m"},
    }

    assert rules(request) == [
        ("edition.unknown", "target.edition"),
        ("hosts.invalid", "hosts"),
        ("quota.above_max", "target.quota"),
        ("request.malformed", "colour"),
        ("term.invalid", "target.term"),
    ]


def test_an_unusable_required_field_still_reports_the_shape() -> None:
    assert rules({"region": 7, "hosts": 1, "action": "purchase"}) == [("region.unknown", "region")]


def test_every_purchase_rule_in_one_quote() -> None:
    request = {
        "region": "cn-north-4",
        "hosts": 50,
        "on": "2024-06-18",
        "action": "purchase",
        "target": {
            "edition": "basic",
            "billing_mode": "pay_per_use",
            "quota": 10,
            "term": "1y",
            "packages": {"large_screen": 1},
        },
        "tags": {"": "x"},
    }

    assert rules(request) == [
        ("edition.billing_mode", "target.billing_mode"),
        ("package.basic_edition", "target.packages.large_screen"),
        ("quota.below_hosts", "target.quota"),
        ("tags.key", "tags."),
        ("term.pay_per_use", "target.term"),
    ]


# SPEC B6: an unknown region or edition hides only the rules that depend on it. The term list, the quota
# maximum, package sizes and steps, hosts, tags and dates are still checked.
RUNNING = {
    "edition": "standard",
    "billing_mode": "yearly_monthly",
    "quota": 100,
    "term": "1m",
    "start": "2024-06-08",
    "expires": "2024-07-08",
}


def test_an_unknown_region_with_a_running_subscription_lists_the_rest() -> None:
    request = {
        "region": "xx-nowhere-1",
        "hosts": 120,
        "on": "2024-06-18",
        "action": "upgrade",
        "current": RUNNING,
        "target": {"edition": "professional", "quota": 20000, "packages": {"data_collection": 7}},
        "tags": {"": "x"},
    }

    assert rules(request) == [
        ("package.step", "target.packages.data_collection"),
        ("quota.above_max", "target.quota"),
        ("region.unknown", "region"),
        ("tags.key", "tags."),
    ]


def test_an_unknown_region_and_edition_in_a_purchase_list_the_rest() -> None:
    request = {
        "region": "xx-nowhere-1",
        "hosts": -1,
        "on": "2024-06-18",
        "action": "purchase",
        "target": {
            "edition": "platinum",
            "billing_mode": "yearly_monthly",
            "quota": 20000,
            "term": "13m",
            "packages": {"data_collection": 7, "data_retention": 0},
        },
    }

    assert rules(request) == [
        ("edition.unknown", "target.edition"),
        ("hosts.invalid", "hosts"),
        ("package.size", "target.packages.data_retention"),
        ("package.step", "target.packages.data_collection"),
        ("quota.above_max", "target.quota"),
        ("region.unknown", "region"),
        ("term.invalid", "target.term"),
    ]


def test_an_unknown_running_edition_still_checks_the_target() -> None:
    request = {
        "region": "cn-north-4",
        "hosts": 120,
        "on": "2024-06-18",
        "action": "upgrade",
        "current": {**RUNNING, "edition": "gold"},
        "target": {"edition": "professional", "quota": 20000, "term": "13m", "packages": {"data_collection": 7}},
    }

    assert rules(request) == [
        ("edition.unknown", "current.edition"),
        ("package.step", "target.packages.data_collection"),
        ("quota.above_max", "target.quota"),
        ("term.invalid", "target.term"),
    ]


def test_an_unknown_edition_still_checks_package_steps() -> None:
    request = {
        "region": "cn-north-4",
        "hosts": 10,
        "on": "2024-06-18",
        "action": "purchase",
        "target": {
            "edition": "pro",
            "billing_mode": "yearly_monthly",
            "quota": 10,
            "term": "1m",
            "packages": {"data_collection": 12},
        },
    }

    assert rules(request) == [
        ("edition.unknown", "target.edition"),
        ("package.step", "target.packages.data_collection"),
    ]


def test_every_action_with_an_unknown_region_and_a_running_subscription_is_rule_coded() -> None:
    for action in planner.ACTIONS:
        for region in ("", "*", "xx-nowhere-1", "\u0000"):
            request = {"region": region, "hosts": 10, "on": "2024-06-18", "action": action, "current": RUNNING}
            assert ("region.unknown", "region") in rules(request), (action, region)
