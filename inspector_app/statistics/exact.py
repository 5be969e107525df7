"""Exact arithmetic for money: rational sums in fen, square roots in high-precision Decimal.

Extrapolated amounts are contested in recovery proceedings, so every figure that can be
exact is: sums, means, variances and point estimates are ``Fraction`` values computed from
integer fen; only the square root and the multiplication by a t or z quantile leave the
rationals, and they are carried out with 40 significant digits. Rounding happens once, for
display, half away from zero to the cent (as RAT-STATS' ``Format`` does to the dollar).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

DIGITS = 40
CENT = Decimal("0.01")
FEN_PER_YUAN = 100


def to_decimal(value: Fraction | int) -> Decimal:
    """``value`` as a Decimal with :data:`DIGITS` significant digits."""
    fraction = Fraction(value)
    with localcontext() as context:
        context.prec = DIGITS
        return Decimal(fraction.numerator) / Decimal(fraction.denominator)


def sqrt(value: Fraction | int) -> Decimal:
    """Square root of a non-negative rational, to :data:`DIGITS` significant digits.

    Raises:
        ValueError: ``value`` is negative.
    """
    if value < 0:
        raise ValueError("square root of a negative number")
    with localcontext() as context:
        context.prec = DIGITS + 5
        return +to_decimal(value).sqrt()


def times(quantile: float, amount: Decimal) -> Decimal:
    """``quantile × amount`` with the float quantile taken at its exact binary value."""
    with localcontext() as context:
        context.prec = DIGITS
        return Decimal(quantile) * amount


def fen_to_yuan(amount_fen: Decimal | Fraction | int) -> Decimal:
    """An amount in fen as yuan rounded half away from zero to the cent."""
    value = amount_fen if isinstance(amount_fen, Decimal) else to_decimal(amount_fen)
    with localcontext() as context:
        context.prec = DIGITS
        return (value / FEN_PER_YUAN).quantize(CENT, rounding=ROUND_HALF_UP)


def round_to(value: Decimal | Fraction | int, places: int) -> Decimal:
    """``value`` rounded half away from zero to ``places`` decimals (for ratios, percents)."""
    decimal = value if isinstance(value, Decimal) else to_decimal(value)
    return decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
