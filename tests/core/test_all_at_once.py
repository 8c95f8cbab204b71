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
