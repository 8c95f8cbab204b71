"""Request files (SPEC B2): what a user wants priced, read strictly — unknown keys are errors.

>>> request = parse_request({"region": "cn-north-4", "hosts": 10, "action": "purchase",
...     "target": {"edition": "standard", "billing_mode": "yearly_monthly", "quota": 10, "term": "1y"}})
>>> request.target.quota
10
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from ._limits import REQUEST_MAX_BYTES, bounded_int, check_depth, no_constant, read_bounded, value_problems
from ._money import parse_decimal
from ._problems import PlannerError, Problem

#: Dates the planner prices: wide enough for any real subscription, narrow enough that a term added to
#: the last one still is a date (a typo such as 9999-12-31 is reported, not a crash).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"a date from {FIRST_DAY} to {LAST_DAY}")
    return day


def _moment_in_range(moment: datetime) -> datetime:
    _in_range(moment.date())
    return moment


def _date_text(value: object) -> object:
    # JSON has no date type: accept ISO text (or a date object from Python callers), never a number.
    if isinstance(value, datetime):
        raise ValueError("a date (YYYY-MM-DD), not a date-time")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("a date as text, YYYY-MM-DD")
    return value


def _datetime_text(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("a date-time as text, e.g. 2024-06-08T10:00:00+08:00")
    return value


def _money_text(value: object) -> object:
    # Money arrives as a decimal string (or an exact JSON number parsed as Decimal), never a float.
    if isinstance(value, (bool, float)):
        raise ValueError('an amount as a decimal string, e.g. "120.00"')
    if isinstance(value, int | Decimal):
        if not Decimal(value).is_finite():
            raise ValueError(f"not a decimal amount: {value!r}")
        return _bounded(Decimal(value))
    if isinstance(value, str):
        try:
            amount = parse_decimal(value)  # "2_2" and "1e3" are not amounts a bill shows
        except ValueError:
            raise ValueError(f"not a decimal amount: {value!r}") from None
        return _bounded(amount)
    raise ValueError("an amount as a decimal string")


MONEY_MAX = Decimal(10) ** 12


def _bounded(amount: Decimal) -> Decimal:
    if abs(amount) >= MONEY_MAX:
        raise ValueError(f"an amount below {MONEY_MAX:,}")
    if amount != amount.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
        raise ValueError("an amount paid in whole cents (at most 2 decimals)")
    return amount


ISODate = Annotated[date, BeforeValidator(_date_text), AfterValidator(_in_range)]
ISODateTime = Annotated[
    datetime,
    BeforeValidator(_datetime_text),
    AfterValidator(_moment_in_range),
]
Money = Annotated[Decimal, BeforeValidator(_money_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Subscription(_Strict):
    """The running subscription a change starts from (``current``)."""

    edition: StrictStr
    billing_mode: StrictStr
    quota: StrictInt
    term: StrictStr | None = None
    start: ISODate
    expires: ISODate | None = None
    packages: dict[StrictStr, StrictInt] = Field(default_factory=dict)
    auto_renew: StrictBool = False
    paid: Money | None = None
    purchased_at: ISODateTime | None = None


class Target(_Strict):
    """What the action asks for; holds only what the action changes or needs."""

    edition: StrictStr | None = None
    billing_mode: StrictStr | None = None
    quota: StrictInt | None = None
    term: StrictStr | None = None
    packages: dict[StrictStr, StrictInt] | None = None
    auto_renew: StrictBool | None = None


class Request(_Strict):
    """A request to price one action for one region (SPEC B2)."""

    region: StrictStr
    hosts: StrictInt
    on: ISODate | None = None
    action: StrictStr
    current: Subscription | None = None
    target: Target | None = None
    tags: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    accept_disclaimer: StrictBool = False

    def on_or(self, today: date) -> date:
        return self.on or today

    def to_json_dict(self) -> dict[str, Any]:
        """The request as the JSON object a request file holds (no nulls, dates as text)."""
        return self.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


# Which domain rule a type error in a field belongs to, so that "quota": "ten" reads as quota.invalid.
_FIELD_RULES = {
    "hosts": "hosts.invalid",
    "quota": "quota.invalid",
    "term": "term.invalid",
    "packages": "package.size",
    "tags": "tags.value",
    "edition": "edition.unknown",
    "region": "region.unknown",
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        path = _field_path(loc)
        if item["type"] == "extra_forbidden":
            problems.append(Problem("request.malformed", path, f"unknown key {loc[-1]!r} (check the spelling)"))
            continue
        if item["type"] == "missing":
            problems.append(Problem("request.malformed", path, "required"))
            continue
        rule = "request.malformed"
        named = [str(part) for part in loc if isinstance(part, str)]
        for part in reversed(named):
            if part in _FIELD_RULES:
                rule = _FIELD_RULES[part]
                break
        if named and named[0] == "tags" and len(loc) >= 2 and item["loc"][-1] == "[key]":
            rule = "tags.key"
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        problems.append(Problem(rule, path, message))
    return problems


def validate_request(data: Mapping[str, Any] | Request) -> tuple[Request | None, list[Problem]]:
    """Check the request's shape; return it, or ``None`` with every problem found."""
    if isinstance(data, Request):
        return data, []
    if not isinstance(data, Mapping):
        return None, [Problem("request.malformed", "", "a request is a JSON object")]
    unwritable = value_problems(dict(data))  # lone surrogates, numbers of thousands of digits
    if unwritable:
        return None, [Problem("request.malformed", path, reason) for path, reason in unwritable]
    try:
        return Request.model_validate(dict(data)), []
    except ValidationError as exc:
        return None, _problems_from(exc)


#: Required fields a salvage may fill with a neutral value, so the other rules can still be checked.
_NEUTRAL = {("hosts",): 0}


def salvage_request(data: Mapping[str, Any]) -> tuple[Request | None, set[str]]:
    """The request without the fields whose shape is wrong, and their paths.

    A quote must list every broken rule (SPEC B3): when some fields have the wrong type or are unknown,
    the rest is still checked. Returns ``(None, …)`` when too little is left to check (a required field
    such as ``region`` or ``action`` is unusable).
    """
    if value_problems(dict(data)):
        return None, set()  # text that cannot be written out is refused whole, not salvaged
    try:
        Request.model_validate(dict(data))
        return None, set()  # nothing to salvage: the caller validated already
    except ValidationError as exc:
        errors = exc.errors()
    repaired: Any = json.loads(json.dumps(data, default=str))  # a deep copy of plain JSON values
    removed: set[str] = set()
    for item in errors:
        loc = tuple(part for part in item["loc"] if part != "[key]")
        holder = repaired
        for part in loc[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if not isinstance(holder, dict) or loc[-1] not in holder:
            if item["type"] == "missing":
                return None, removed
            continue
        removed.add(_field_path(loc))
        if loc in _NEUTRAL:
            holder[loc[-1]] = _NEUTRAL[loc]
        else:
            del holder[loc[-1]]
    try:
        return Request.model_validate(repaired), removed
    except ValidationError:
        return None, removed


def parse_request(data: Mapping[str, Any] | Request) -> Request:
    """Like :func:`validate_request`, but raise :class:`PlannerError` on a bad shape."""
    request, problems = validate_request(data)
    if request is None:
        raise PlannerError(problems)
    return request


class _Duplicated(dict[str, Any]):
    """A JSON object that named a key twice; remembers which, so the problem can name its full path."""

    duplicates: list[str]


def _keep_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    duplicates = []
    for key, value in pairs:
        if key in result:
            duplicates.append(key)
        result[key] = value
    if not duplicates:
        return result
    marked = _Duplicated(result)
    marked.duplicates = duplicates
    return marked


def _duplicate_problems(data: Any, path: str = "") -> list[Problem]:
    problems = []
    if isinstance(data, dict):
        for key in getattr(data, "duplicates", []):
            rule = "tags.key" if path == "tags" else "request.malformed"
            problems.append(Problem(rule, f"{path}.{key}" if path else key, "key given twice"))
        for key, value in data.items():
            problems.extend(_duplicate_problems(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            problems.extend(_duplicate_problems(value, f"{path}[{index}]"))
    return problems


def loads_json(text: str, *, source: str = "", rule: str = "request.malformed") -> Any:
    """JSON with exact decimals (numbers with a fraction become Decimal) and duplicate keys refused.

    Nesting and number lengths are bounded before the parser runs; NaN, Infinity and lone surrogates are
    refused (they are not JSON text that can be written back out).
    """
    check_depth(text, "json", rule=f"{rule.partition('.')[0]}.too_deep", source=source)
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_int=bounded_int,
            parse_constant=no_constant,
            object_pairs_hook=_keep_duplicates,
        )
    except json.JSONDecodeError as exc:
        raise PlannerError(
            Problem(rule, f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}"),
            source=source,
        ) from None
    except RecursionError:
        raise PlannerError(Problem(rule, "", "JSON nested too deeply"), source=source) from None
    except ValueError as exc:  # from bounded_int / no_constant
        raise PlannerError(Problem(rule, "", str(exc)), source=source) from None
    problems = _duplicate_problems(data) + [Problem(rule, path, reason) for path, reason in value_problems(data)]
    if problems:
        raise PlannerError(problems, source=source)
    return data


def read_json_file(
    path: str | os.PathLike[str], *, rule: str = "request.malformed", limit: int = REQUEST_MAX_BYTES
) -> Any:
    """Read a JSON file of at most ``limit`` bytes; a missing, unreadable or oversized file or bad JSON raises
    :class:`PlannerError` naming it (with ``rule`` as the problem's code: ``request.malformed`` for requests,
    ``order.format`` for orders; ``request.too_large`` / ``order.too_large`` past the limit)."""
    file = Path(path)
    data = read_bounded(file, limit, rule=f"{rule.partition('.')[0]}.too_large", unreadable=rule)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlannerError(Problem(rule, "", "not UTF-8 text"), source=str(file)) from None
    return loads_json(text, source=str(file), rule=rule)
