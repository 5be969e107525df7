"""Two-sided quantiles of Student's t and the normal distribution, and which one was used.

RAT-STATS finds t by bisection on the incomplete beta function to 1e-14 and hard-codes
z for 80/90/95 %; scipy's exact inverse CDFs agree with both to better than 1e-12
(``tests/unit/statistics/test_quantiles.py`` checks the constants from its source), so
limits match to the unit. Never an approximation such as 1.96 or a t table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Distribution:
    """The reference distribution of an interval: ``t`` with degrees of freedom, or ``z``."""

    name: str  # "t" or "z"
    df: int | None = None

    def quantile(self, confidence: float) -> float:
        """The two-sided quantile for ``confidence`` (e.g. 0.90 → the 95th percentile)."""
        return two_sided_quantile(confidence, self.df)

    def to_json(self) -> dict[str, Any]:
        """``{"name": "t", "df": 29}`` or ``{"name": "z"}``."""
        return {"name": self.name, "df": self.df} if self.name == "t" else {"name": "z"}


def check_confidence(confidence: float) -> None:
    """Refuse a confidence level outside (0, 1).

    Raises:
        ValueError: the level is not strictly between 0 and 1.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")


def two_sided_quantile(confidence: float, df: int | None) -> float:
    """Quantile ``1 − α/2`` of t with ``df`` degrees of freedom, or of z when ``df`` is None."""
    from scipy import stats

    check_confidence(confidence)
    probability = 0.5 + confidence / 2.0
    if df is None:
        return float(stats.norm.ppf(probability))
    if df < 1:
        raise ValueError("t needs at least one degree of freedom")
    return float(stats.t.ppf(probability, df))


def t_distribution(df: int) -> Distribution:
    """Student's t with ``df`` degrees of freedom."""
    return Distribution("t", df)


NORMAL = Distribution("z")
