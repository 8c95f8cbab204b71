"""Huawei's product codes in a catalog (``[bss]``, SPEC A9) and the source of a fetched price.

Kept apart from the catalog's other sections: only ``planner catalog fetch`` and ``account show`` use them,
and a quote needs none of it beyond knowing that a ``bss:`` source is not illustrative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

#: A price fetched from Huawei's price inquiry API (SPEC B8): ``bss:<operation>@<UTC time of the answer>``.
FETCHED_SOURCE = re.compile(r"^bss:[A-Za-z]+@\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _BssItem(_Strict):
    """Huawei's product codes for one item (SPEC A9); ``confirmed`` false until a real answer settles them."""

    cloud_service_type: str = Field(min_length=1)
    resource_type: str = Field(min_length=1)
    resource_spec: str = Field(min_length=1)
    confirmed: bool
    resource_size: int | None = Field(default=None, ge=1)  # sized items (packages): the size asked for
    size_measure_id: int | None = None
    usage_factor: str = "duration"  # pay-per-use inquiry: what is metered
    usage_measure_id: int = 4  # 4 = hour


class _Bss(_Strict):
    stale_after_days: int = Field(default=90, ge=1)  # price.stale once a fetched catalog is older [D]
    items: dict[str, _BssItem] = Field(min_length=1)


@dataclass(frozen=True)
class BssProduct:
    """How Huawei's price inquiry names one item (``[bss.items.<item>]``)."""

    item: str
    cloud_service_type: str
    resource_type: str
    resource_spec: str
    confirmed: bool
    resource_size: int | None
    size_measure_id: int | None
    usage_factor: str
    usage_measure_id: int
