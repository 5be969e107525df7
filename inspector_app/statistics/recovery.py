"""Which lower confidence limit a recovery demand uses, configurable per organisation.

U.S. practice (HHS-OIG) demands the lower limit of the two-sided 90 % interval, which is
the one-sided 95 % lower bound; CMS's Medicare Program Integrity Manual (ch. 8) accepts
the lower limit of a one-sided 90 % interval, i.e. the two-sided 80 % lower limit. No
Chinese rule fixes one, so the rule is a setting and every report shows the point
estimate, the lower limits at each level, and which one the rule selects.
"""

from __future__ import annotations

from enum import StrEnum

from inspector_app.i18n import N_

#: Two-sided confidence levels whose lower limits every appraisal reports.
REPORTED_LEVELS = (0.80, 0.90, 0.95)


class RecoveryRule(StrEnum):
    """The lower limit a recovery demand is based on."""

    TWO_SIDED_90_LOWER = "two_sided_90_lower"  # = one-sided 95 % lower bound (OIG)
    CMS_ONE_SIDED_90_LOWER = "cms_one_sided_90_lower"  # = two-sided 80 % lower limit
    TWO_SIDED_95_LOWER = "two_sided_95_lower"  # = one-sided 97.5 % lower bound

    @property
    def two_sided_level(self) -> float:
        """The two-sided confidence level whose lower limit this rule takes."""
        return _LEVELS[self]

    @property
    def one_sided_level(self) -> float:
        """The equivalent one-sided confidence of the same lower bound."""
        return 0.5 + self.two_sided_level / 2.0

    @property
    def label(self) -> str:
        """English source text of the rule's name; translate with ``_()`` where shown."""
        return _LABELS[self]


DEFAULT_RULE = RecoveryRule.TWO_SIDED_90_LOWER

_LEVELS = {
    RecoveryRule.TWO_SIDED_90_LOWER: 0.90,
    RecoveryRule.CMS_ONE_SIDED_90_LOWER: 0.80,
    RecoveryRule.TWO_SIDED_95_LOWER: 0.95,
}

_LABELS = {
    RecoveryRule.TWO_SIDED_90_LOWER: N_(
        "Lower limit of the two-sided interval at 90% (one-sided at 95%)"
    ),
    RecoveryRule.CMS_ONE_SIDED_90_LOWER: N_(
        "Lower limit of the one-sided interval at 90% (two-sided at 80%)"
    ),
    RecoveryRule.TWO_SIDED_95_LOWER: N_(
        "Lower limit of the two-sided interval at 95% (one-sided at 97.5%)"
    ),
}
