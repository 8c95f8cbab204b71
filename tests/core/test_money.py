"""Money (SPEC A5): Decimal only, one rounding rule (cut_to_cents), and the string forms of a quote."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner import cut_to_cents
from planner._money import dec, fmt, fmt8, money, work


@pytest.mark.parametrize(
    ("amount", "due", "cut"),
    [
        ("13.02967750", "13.02", "0.00967750"),  # the seed example of SPEC A5
        ("13.029999999", "13.02", "0.01000000"),  # truncate keeps the cent; the cut-off shows at 8 places
        ("0.009", "0.00", "0.00900000"),
        ("2026.8387216", "2026.83", "0.00872160"),
        ("22", "22.00", "0E-8"),
        ("0", "0.00", "0E-8"),
        ("-1.239", "-1.23", "-0.00900000"),  # toward zero
    ],
)
def test_cut_to_cents_truncates(amount: str, due: str, cut: str) -> None:
    got_due, got_cut = cut_to_cents(Decimal(amount), "truncate")
    assert (str(got_due), got_cut) == (due, Decimal(cut))
    assert got_due + got_cut == Decimal(amount).quantize(Decimal("0.00000001"))


@pytest.mark.parametrize(
    ("amount", "due", "cut"),
    [
        ("13.02967750", "13.03", "-0.00032250"),
        ("1.235", "1.24", "-0.00500000"),
        ("1.2349999", "1.23", "0.00499990"),
        ("0.005", "0.01", "-0.00500000"),
        ("0.004", "0.00", "0.00400000"),
        ("-1.235", "-1.24", "0.00500000"),
    ],
)
def test_cut_to_cents_half_up(amount: str, due: str, cut: str) -> None:
    got_due, got_cut = cut_to_cents(Decimal(amount), "half_up")
    assert (str(got_due), got_cut) == (due, Decimal(cut))


def test_cut_to_cents_defaults_to_truncate() -> None:
    assert cut_to_cents(Decimal("9.999")) == (Decimal("9.99"), Decimal("0.00900000"))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("22", "22"),
        ("2.20", "2.2"),
        ("0.65806452", "0.65806452"),
        ("0E-8", "0"),
        ("0.00", "0"),
        ("1E+2", "100"),
        ("22.000", "22"),
        ("-0.5", "-0.5"),
        ("10000", "10000"),
        ("0.000005", "0.000005"),
    ],
)
def test_fmt_is_plain_without_exponent_or_trailing_zeros(value: str, text: str) -> None:
    assert fmt(Decimal(value)) == text


@pytest.mark.parametrize(
    ("value", "text"), [("13.0296775", "13.02967750"), ("0", "0.00000000"), ("1.123456789", "1.12345679")]
)
def test_fmt8_keeps_eight_places(value: str, text: str) -> None:
    assert fmt8(Decimal(value)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [("13.1", "13.10"), ("0", "0.00"), ("2066.31", "2066.31"), ("-220", "-220.00"), ("1E+3", "1000.00")],
)
def test_money_has_two_decimals(value: str, text: str) -> None:
    assert money(Decimal(value)) == text


def test_work_rounds_half_up_to_eight_places() -> None:
    assert work(Decimal("0.658064516129")) == Decimal("0.65806452")
    assert work(Decimal("0.000000005")) == Decimal("0.00000001")
    assert work(Decimal("0.0000000049")) == Decimal("0E-8")


@pytest.mark.parametrize("value", [1.5, 0.1, True])
def test_dec_refuses_binary_floats(value: object) -> None:
    with pytest.raises(TypeError, match="never binary floats"):
        dec(value)


@pytest.mark.parametrize(("value", "expected"), [("2.2", "2.2"), (" 22 ", "22"), (7, "7"), (Decimal("0.83"), "0.83")])
def test_dec_reads_exact_decimals(value: object, expected: str) -> None:
    assert dec(value) == Decimal(expected)


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", ""])
def test_dec_refuses_what_is_not_a_finite_number(value: str) -> None:
    with pytest.raises(ValueError):
        dec(value)
