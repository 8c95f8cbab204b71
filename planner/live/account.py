"""``planner account show`` (SPEC B8): the running SecMaster subscription as a request skeleton.

SecMaster's ``ListSubscriptionOrder`` (``page=PURCHASE``) gives the hosts it checks the quota against
(``ecs_count``) and the purchased resources; the edition and the packages are recognised by the catalog's
product codes (``[bss]``), the billing mode by ``charging_mode``, the dates from the epoch milliseconds in the
catalog's time zone, and the term from the start and expiry dates. ``--all-regions`` asks
``ListSubscriptionGlobalOrder`` which regions (and projects) hold a subscription and writes one CSV row a
region: the Renewals page's portfolio columns and ``planner batch``'s renewal columns side by side.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from .._catalog import Catalog
from .._dates import term_end
from .._domain import EDITIONS
from ._client import Huawei
from ._errors import LiveError

ORDERS, GLOBAL_ORDERS = "ListSubscriptionOrder", "ListSubscriptionGlobalOrder"
CHARGING_MODES = {"PREPAID": "yearly_monthly", "POSTPAID": "pay_per_use"}
PORTFOLIO_COLUMNS = ["name", "region", "edition", "billing_mode", "quota", "hosts", "term", "start", "expires",
                     "auto_renew"]  # fmt: skip
BATCH_COLUMNS = ["action", "current_edition", "current_billing_mode", "current_quota", "current_term",
                 "current_start", "current_expires", "current_auto_renew", "target_term"]  # fmt: skip


def _malformed(operation: str, what: str) -> LiveError:
    return LiveError(operation, "malformed", f"an answer of the wrong shape: {what}")


def _day(catalog: Catalog, operation: str, value: Any, what: str) -> str:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise _malformed(operation, f"{what} is not a time in epoch milliseconds")
    return datetime.fromtimestamp(value / 1000, catalog.tzinfo).date().isoformat()


def _term(catalog: Catalog, start: str, expires: str) -> str | None:
    """The catalog term that runs from ``start`` to ``expires``, if there is one."""
    from datetime import date

    for term in catalog.terms:
        if term_end(date.fromisoformat(start), term) == date.fromisoformat(expires):
            return term.code
    return None


def skeleton(catalog: Catalog, region: str, data: Any, notes: list[str]) -> dict[str, Any]:
    """The ``region``, ``hosts`` and ``current`` of a request (SPEC B2) from a ListSubscriptionOrder answer."""
    if not isinstance(data, dict) or not isinstance(data.get("ecs_count"), int) or data["ecs_count"] < 0:
        raise _malformed(ORDERS, "ecs_count")
    resources = data.get("resources") or []
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise _malformed(ORDERS, "resources")
    by_spec = {p.resource_spec: item for item, p in catalog.bss.items()}
    out: dict[str, Any] = {"region": region, "hosts": data["ecs_count"]}
    edition_rows = [r for r in resources if by_spec.get(r.get("resource_spec_code")) in EDITIONS]
    for r in resources:
        if r.get("resource_spec_code") not in by_spec:
            notes.append(f"{region}: resource {r.get('resource_spec_code')!r} is not in the catalog's [bss] codes")
    if not edition_rows:
        notes.append(f"{region}: no SecMaster subscription: price a purchase")
        return out
    main = max(edition_rows, key=lambda r: catalog.edition_rank(by_spec[r["resource_spec_code"]]))
    mode = CHARGING_MODES.get(str(main.get("charging_mode", "")).upper())
    if mode is None:
        raise _malformed(ORDERS, f"charging_mode {main.get('charging_mode')!r}")
    if not isinstance(main.get("resource_size"), int):
        raise _malformed(ORDERS, "resource_size")
    current: dict[str, Any] = {
        "edition": by_spec[main["resource_spec_code"]],
        "billing_mode": mode,
        "quota": main["resource_size"],
        "start": _day(catalog, ORDERS, main.get("create_time"), "create_time"),
    }
    if mode == "yearly_monthly":
        current["expires"] = _day(catalog, ORDERS, main.get("expire_time"), "expire_time")
        term = _term(catalog, current["start"], current["expires"])
        if term is None:
            notes.append(f"{region}: the term from {current['start']} to {current['expires']} is none of the catalog's")
        else:
            current["term"] = term
    packages = {
        by_spec[r["resource_spec_code"]]: r.get("resource_size")
        for r in resources
        if by_spec.get(r.get("resource_spec_code")) in catalog.packages and isinstance(r.get("resource_size"), int)
    }
    if packages:
        current["packages"] = packages
    out["current"] = current
    return out


def show(huawei: Huawei, catalog: Catalog, region: str, notes: list[str], project_id: str | None = None) -> Any:
    from huaweicloudsdksecmaster.v1 import ListSubscriptionOrderRequest

    client = huawei.secmaster(ORDERS, region, project_id)
    request = ListSubscriptionOrderRequest(project_id=project_id or huawei.project_id, page="PURCHASE", limit=100)
    return skeleton(catalog, region, huawei.call(ORDERS, client, request), notes)


def portfolio(huawei: Huawei, catalog: Catalog, home_region: str, notes: list[str]) -> str:
    """The portfolio CSV of every region where the account holds a SecMaster subscription."""
    from huaweicloudsdksecmaster.v1 import ListSubscriptionGlobalOrderRequest

    client = huawei.secmaster(GLOBAL_ORDERS, home_region)
    data = huawei.call(GLOBAL_ORDERS, client, ListSubscriptionGlobalOrderRequest())
    entries = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("region_id"), str) and isinstance(e.get("project_id"), str)
        for e in entries
    ):
        raise _malformed(GLOBAL_ORDERS, "resources[].region_id / project_id")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PORTFOLIO_COLUMNS + BATCH_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in sorted(entries, key=lambda e: e["region_id"]):
        region = entry["region_id"]
        if region not in catalog.regions:
            notes.append(f"{region}: not in the catalog; left out")
            continue
        request = show(huawei, catalog, region, notes, project_id=entry["project_id"])
        current = request.get("current")
        if current is None:
            continue
        writer.writerow(_portfolio_row(region, request["hosts"], current))
    return out.getvalue()


def _portfolio_row(region: str, hosts: int, current: dict[str, Any]) -> dict[str, Any]:
    term = current.get("term", "")
    return {
        "name": f"{region}-secmaster",
        "region": region,
        "edition": current["edition"],
        "billing_mode": current["billing_mode"],
        "quota": current["quota"],
        "hosts": hosts,
        "term": term,
        "start": current["start"],
        "expires": current.get("expires", ""),
        "auto_renew": "false",  # SecMaster's order list does not say; the portfolio's default
        "action": "renew",  # what a portfolio is for; batch answers renew.pay_per_use for a pay-per-use row
        "current_edition": current["edition"],
        "current_billing_mode": current["billing_mode"],
        "current_quota": current["quota"],
        "current_term": term,
        "current_start": current["start"],
        "current_expires": current.get("expires", ""),
        "current_auto_renew": "false",
        "target_term": term,
    }


def app_query(request: dict[str, Any]) -> str:
    """The Plan page's URL query (``?region=…&current_edition=…``) that starts from this subscription.

    The next step is an upgrade while a higher edition exists, else a quota increase. Packages are not URL
    fields of the form: the page starts without them.
    """
    fields: dict[str, Any] = {"region": request["region"], "hosts": request["hosts"]}
    current = request.get("current")
    if current is None:
        fields["action"] = "purchase"
    else:
        top = current["edition"] == "professional" or current["billing_mode"] == "pay_per_use"
        fields["action"] = "increase_quota" if top else "upgrade"
        for key in ("edition", "billing_mode", "quota", "term", "start", "expires"):
            if key in current:
                fields[f"current_{key}"] = current[key]
    return "?" + urlencode(fields)
