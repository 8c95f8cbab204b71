"""Money and exact quantities: ``decimal.Decimal`` everywhere, one rounding rule, in one place.

>>> due, cut = cut_to_cents(Decimal("13.02967750"), "truncate")
>>> str(due), str(cut)
('13.02', '0.00967750')
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

from ._problems import Problem

RoundingMode = Literal["truncate", "half_up"]

#: Working precision: SPEC A5 asks for at least 8 decimal places while working.
WORK = Decimal("0.00000001")
CENT = Decimal("0.01")
ZERO = Decimal("0")

_DECIMAL_ROUNDING = {"truncate": ROUND_DOWN, "half_up": ROUND_HALF_UP}


#: How a decimal is written in a price list or a bill: digits, at most one point, an optional sign. Python's
#: Decimal() also reads "2_2" (as 22), "1e3", "NaN" and "Infinity"; none of them is a price a person wrote.
DECIMAL_TEXT = re.compile(r"[+-]?[0-9]{1,30}(\.[0-9]{1,30})?")


def parse_decimal(text: str) -> Decimal:
    """A decimal written plainly ("2.2", "-0.78", "120"); anything else raises ``ValueError``.

    >>> parse_decimal(" 2.2 ")
    Decimal('2.2')
    >>> parse_decimal("2_2")
    Traceback (most recent call last):
    ValueError: not a plain decimal number: '2_2'
    """
    stripped = text.strip()
    if not DECIMAL_TEXT.fullmatch(stripped):
        raise ValueError(f"not a plain decimal number: {text!r}")
    return Decimal(stripped)


def read_decimal(
    text: str,
    field: str,
    *,
    places: int | None = None,
    low: Decimal | None = None,
    high: Decimal | None = None,
    thousands: bool = False,
    what: str = "a decimal number",
    rule: str = "request.malformed",
) -> Decimal | Problem:
    """The one reader of a decimal a person typed: the value, or a :class:`Problem` naming ``field`` and the
    rule it breaks (plain digits only, at most ``places`` decimals, within ``low``…``high``).

    >>> read_decimal("1,200.50", "current.paid", places=2, low=Decimal(0), thousands=True)
    Decimal('1200.50')
    >>> read_decimal("2_2", "growth", what="a percentage").message
    '“2_2” is not a percentage'
    >>> read_decimal("101", "growth", low=Decimal(0), high=Decimal(100)).message
    'from 0 to 100, got 101'
    """
    cleaned = text.strip()
    if thousands and re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        value = parse_decimal(cleaned)
    except ValueError:
        return Problem(rule, field, f"“{text.strip()[:40]}” is not {what}")
    if places is not None and value != value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        return Problem(rule, field, f"at most {places} decimal places, got {text.strip()[:40]}")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = (
            f"from {low} to {high}"
            if low is not None and high is not None
            else (f"at least {low}" if low is not None else f"at most {high}")
        )
        return Problem(rule, field, f"{bounds}, got {value}")
    return value


def dec(value: object) -> Decimal:
    """Decimal from an int, a Decimal or a plain decimal string; never from a binary float.

    >>> dec("2.2") * 3
    Decimal('6.6')
    """
    if isinstance(value, (bool, float)):
        raise TypeError(f"money and quantities are never binary floats: {value!r}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite decimal number: {value!r}")
        return value
    if isinstance(value, int):
        return Decimal(value)
    return parse_decimal(str(value))


def work(value: Decimal) -> Decimal:
    """Round an intermediate quantity (a remaining period, a share) to the working precision."""
    with localcontext() as ctx:
        ctx.prec = 50
        return value.quantize(WORK, rounding=ROUND_HALF_UP)


def cut_to_cents(amount: Decimal, mode: RoundingMode = "truncate") -> tuple[Decimal, Decimal]:
    """The one rounding rule: a line's amount due, cut to cents, and what was cut off.

    ``truncate`` drops everything past the cent toward zero, as Huawei bills do (they show the
    "truncated amount" apart); ``half_up`` rounds to the nearest cent. The second value is
    ``amount - due`` at working precision, so ``due + truncated == amount`` (to 8 places).
    """
    due = amount.quantize(CENT, rounding=_DECIMAL_ROUNDING[mode])
    return due, work(amount - due)


def fmt(value: Decimal) -> str:
    """A decimal as a plain string without exponent or needless trailing zeros ("22", "2.2", "0.65806452")."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def fmt8(value: Decimal) -> str:
    """A working-precision quantity with all 8 places ("13.02967750", "0.00967750")."""
    return format(work(value), "f")


def money(value: Decimal) -> str:
    """A due amount as a string with exactly two decimals ("13.02")."""
    return format(value.quantize(CENT), "f")
