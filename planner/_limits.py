"""Bounded input (issue 10): every file the planner reads has a size limit and every nested format a depth
limit, both checked before any parser sees the content, so a hostile or mistaken file (``/dev/zero``, JSON
nested 990 deep, a 5,000-digit number, a lone surrogate) gets a rule-coded message instead of a traceback
or an exhausted machine.

>>> nesting_depth('{"a": [1, {"b": "[[[["}]}', "json")
3
>>> value_problems({"tags": {"env": "\\ud800"}})
[('tags.env', 'not valid Unicode text (a lone surrogate)')]
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from ._problems import PlannerError, Problem

KIB = 1024
MIB = 1024 * KIB

#: Size limits, far above any real file of each kind (a request is ~1 KB, an order ~5 KB, the shipped
#: catalogs ~10 KB and ~30 KB) and far below what would hurt a shared machine.
REQUEST_MAX_BYTES = 1 * MIB
ORDER_MAX_BYTES = 1 * MIB
ORDER_CSV_MAX_BYTES = 1 * MIB
CATALOG_TOML_MAX_BYTES = 1 * MIB
PRICES_CSV_MAX_BYTES = 8 * MIB

#: Nesting: a request is 3 levels deep, an order 5, a catalog 4. Python's parsers recurse per level.
MAX_DEPTH = 32

#: Digits of a JSON number: quotas, hosts and amounts need 13 at most; int() of 4,300+ digits raises.
MAX_NUMBER_CHARS = 40


def read_bounded(
    path: str | os.PathLike[str],
    limit: int,
    field: str = "",
    *,
    rule: str = "request.too_large",
    unreadable: str = "request.malformed",
) -> bytes:
    """The bytes of the file at ``path``, never more than ``limit`` of them read.

    A file over the limit raises :class:`PlannerError` with ``rule`` (``request.too_large``,
    ``catalog.too_large``, …) naming ``field``; a missing or unreadable file raises with ``unreadable``.
    Devices and pipes are read the same way: ``/dev/zero`` stops at ``limit + 1`` bytes.

    >>> read_bounded("/dev/zero", 1024, "REQUEST.json")
    Traceback (most recent call last):
    planner._problems.PlannerError: /dev/zero: request.too_large (REQUEST.json): larger than the limit of 1,024 bytes
    """
    file = Path(path)

    def refuse(rule_code: str, message: str) -> PlannerError:
        return PlannerError(Problem(rule_code, field, message), source=str(file))

    try:
        with open(file, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise refuse(unreadable, "no such file") from None
    except IsADirectoryError:
        raise refuse(unreadable, "is a folder, not a file") from None
    except OSError as exc:
        raise refuse(unreadable, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise refuse(rule, f"larger than the limit of {limit:,} bytes")
    return data


# Only the characters that open or close a level or a string matter; escapes are consumed in pairs so
# that an escaped quote does not end a string. One pass, linear in the text (no backtracking).
_JSON_TOKENS = re.compile(r'\\.|["\[\]{}]', re.DOTALL)
_TOML_TOKENS = re.compile(r"\\.|\"\"\"|'''|[\"'\[\]{}#\n]", re.DOTALL)
_CLOSERS = {'"': {'"', '"""', "\n"}, "'": {"'", "'''", "\n"}, '"""': {'"""'}, "'''": {"'''"}, "#": {"\n"}}


def nesting_depth(text: str, syntax: Literal["json", "toml"], *, stop_above: int | None = None) -> int:
    """The deepest nesting of arrays and objects (tables) in ``text``, without parsing it.

    With ``stop_above``, the scan stops as soon as the nesting goes deeper (a megabyte of ``[`` is refused
    after 33 characters, not after a million).

    Brackets inside strings and comments do not count. On malformed text the figure is approximate,
    which is fine: the parser refuses such text anyway, and the parsers' own recursion limit is the
    backstop.
    """
    tokens = _JSON_TOKENS if syntax == "json" else _TOML_TOKENS
    depth = deepest = 0
    inside: str | None = None  # the string or comment being read
    for match in tokens.finditer(text):
        token = match.group()
        if inside is not None:
            if token in _CLOSERS[inside]:
                inside = None
        elif token in ('"', "'", '"""', "'''", "#"):
            inside = '"' if syntax == "json" and token == '"' else token
        elif token in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if stop_above is not None and deepest > stop_above:
                break
        elif token in "]}":
            depth -= 1
    return deepest


def check_depth(text: str, syntax: Literal["json", "toml"], *, rule: str, field: str = "", source: str = "") -> None:
    """Raise :class:`PlannerError` (``rule``, e.g. ``request.too_deep``) when ``text`` nests beyond ``MAX_DEPTH``."""
    if nesting_depth(text, syntax, stop_above=MAX_DEPTH) > MAX_DEPTH:
        raise PlannerError(
            Problem(rule, field, f"nested more than {MAX_DEPTH} levels deep: at most {MAX_DEPTH} are read"),
            source=source,
        )


_TOO_BIG = 10**MAX_NUMBER_CHARS


def _shown(path: str) -> str:
    return path.encode("utf-8", "backslashreplace").decode("utf-8")


def _scan(value: Any, path: str, found: list[tuple[str, str]]) -> None:
    """Depth first, a dict's key before its value (the order the problems are reported in)."""
    if isinstance(value, str):
        if not value.isascii() and not is_text(value):
            found.append((_shown(path), "not valid Unicode text (a lone surrogate)"))
    elif isinstance(value, int):
        if not isinstance(value, bool) and (value >= _TOO_BIG or value <= -_TOO_BIG):
            found.append((_shown(path), f"a number of more than {MAX_NUMBER_CHARS} digits"))
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            _scan(key, child, found)
            _scan(item, child, found)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _scan(item, f"{path}[{index}]", found)


def value_problems(data: Any) -> list[tuple[str, str]]:
    """``(path, reason)`` for each text that is not valid Unicode and each absurdly long whole number.

    JSON's ``\\ud800`` escape gives a Python string that cannot be written out as UTF-8 (an order, the
    quote on stdout); an integer of thousands of digits cannot even be formatted. Both are refused here.
    """
    found: list[tuple[str, str]] = []
    _scan(data, "", found)
    return found


def is_text(value: object) -> bool:
    """Whether ``value`` is a string that can be written out as UTF-8 (no lone surrogates)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bounded_int(text: str) -> int:
    """``parse_int`` for ``json.loads``: whole numbers of at most ``MAX_NUMBER_CHARS`` characters."""
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number of {len(text):,} digits: at most {MAX_NUMBER_CHARS} are read")
    return int(text)


def no_constant(text: str) -> Any:
    """``parse_constant`` for ``json.loads``: ``NaN`` and ``Infinity`` are not JSON."""
    raise ValueError(f"{text} is not a JSON number")
