"""Money and exact quantities: ``decimal.Decimal`` everywhere, one rounding rule, in one place.

>>> due, cut = cut_to_cents(Decimal("13.02967750"), "truncate")
>>> str(due), str(cut)
('13.02', '0.00967750')
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Literal

RoundingMode = Literal["truncate", "half_up"]

#: Working precision: SPEC A5 asks for at least 8 decimal places while working.
WORK = Decimal("0.00000001")
CENT = Decimal("0.01")
ZERO = Decimal("0")

_DECIMAL_ROUNDING = {"truncate": ROUND_DOWN, "half_up": ROUND_HALF_UP}


def dec(value: object) -> Decimal:
    """Decimal from an int, a Decimal or a decimal string; never from a binary float.

    >>> dec("2.2") * 3
    Decimal('6.6')
    """
    if isinstance(value, (bool, float)):
        raise TypeError(f"money and quantities are never binary floats: {value!r}")
    if isinstance(value, Decimal):
        return value
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a decimal number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite decimal number: {value!r}")
    return result


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
