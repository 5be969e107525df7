"""Confidence intervals around an exact estimate, and how they are shown (yuan, to the cent).

An :class:`Interval` keeps the exact point (fen, ``Fraction``), the standard error and
precision (fen, 40-digit ``Decimal``) and rounds only in its yuan properties and
``to_json``. Precision percent follows RAT-STATS: 100 · precision / point, and 0 when the
point estimate is not positive.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inspector_app.statistics import exact
from inspector_app.statistics.estimators import Estimate
from inspector_app.statistics.quantiles import Distribution


def json_amount(value: Decimal) -> float:
    """A yuan amount already rounded to the cent, as a JSON number (repr keeps the cents).

    Adding 0.0 turns a rounded ``-0.00`` into 0.0, so JSON never shows ``-0.0``.
    """
    return float(value) + 0.0


@dataclass(frozen=True)
class Interval:
    """A two-sided interval ``point ± q · SE`` at one confidence level."""

    estimate: Estimate
    distribution: Distribution
    confidence: float
    standard_error_fen: Decimal
    quantile: float | None  # None when the standard error is 0 (no quantile needed)
    precision_fen: Decimal

    @classmethod
    def build(cls, estimate: Estimate, distribution: Distribution, confidence: float) -> Interval:
        """The interval for ``estimate`` with quantiles of ``distribution``."""
        standard_error = exact.sqrt(estimate.variance)
        if standard_error == 0:
            return cls(estimate, distribution, confidence, standard_error, None, Decimal(0))
        quantile = distribution.quantile(confidence)
        return cls(
            estimate,
            distribution,
            confidence,
            standard_error,
            quantile,
            exact.times(quantile, standard_error),
        )

    def at(self, confidence: float) -> Interval:
        """The same estimate at another confidence level."""
        return Interval.build(self.estimate, self.distribution, confidence)

    @property
    def point_fen(self) -> Decimal:
        """The point estimate in fen (unrounded)."""
        return exact.to_decimal(self.estimate.point)

    @property
    def lower_fen(self) -> Decimal:
        """The lower limit in fen (unrounded)."""
        return self.point_fen - self.precision_fen

    @property
    def upper_fen(self) -> Decimal:
        """The upper limit in fen (unrounded)."""
        return self.point_fen + self.precision_fen

    @property
    def point_estimate(self) -> Decimal:
        """The point estimate in yuan, to the cent."""
        return exact.fen_to_yuan(self.estimate.point)

    @property
    def standard_error(self) -> Decimal:
        """The standard error of the total in yuan, to the cent."""
        return exact.fen_to_yuan(self.standard_error_fen)

    @property
    def precision(self) -> Decimal:
        """Half the interval's width (q · SE) in yuan, to the cent."""
        return exact.fen_to_yuan(self.precision_fen)

    @property
    def lower(self) -> Decimal:
        """The lower limit in yuan, to the cent."""
        return exact.fen_to_yuan(self.lower_fen)

    @property
    def upper(self) -> Decimal:
        """The upper limit in yuan, to the cent."""
        return exact.fen_to_yuan(self.upper_fen)

    @property
    def precision_percent(self) -> Decimal:
        """100 · precision / point, to 0.01; 0 when the point estimate is not positive."""
        if self.estimate.point <= 0:
            return Decimal("0.00")
        return exact.round_to(100 * self.precision_fen / self.point_fen, 2)

    def to_json(self) -> dict[str, Any]:
        """The interval's figures in yuan, as the command line prints them."""
        return {
            "point_estimate": json_amount(self.point_estimate),
            "standard_error": json_amount(self.standard_error),
            "lower": json_amount(self.lower),
            "upper": json_amount(self.upper),
            "precision": json_amount(self.precision),
            "precision_percent": float(self.precision_percent),
            "confidence": self.confidence,
            "distribution": self.distribution.to_json(),
            "quantile": self.quantile,
            "frame_size": self.estimate.frame_size,
            "sample_size": self.estimate.sample_size,
        }
