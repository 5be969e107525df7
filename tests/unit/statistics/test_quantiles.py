"""t and z quantiles agree with the constants RAT-STATS itself uses."""

from __future__ import annotations

import pytest

from inspector_app.statistics.quantiles import NORMAL, t_distribution, two_sided_quantile

# From RAT-STATS' stratified variable appraisal source, as HHS-OIG published it with the
# "Simple and Extensible Sampling Tool Challenge" (2016) technical files
# (Function - Stratified Variable Appraisal/code.vb): t for 1 to 3 degrees of freedom is
# hard-coded, z for the overall stratified interval likewise.
RATSTATS_T = {
    1: (3.077683537175, 6.313751514675, 12.706204736175),
    2: (1.885618083164, 2.919985580354, 4.30265272975),
    3: (1.637744353696, 2.353363434802, 3.182446305284),
}
RATSTATS_Z = (1.281551565545, 1.644853626951, 1.95996398454)
LEVELS = (0.80, 0.90, 0.95)


@pytest.mark.parametrize("df", sorted(RATSTATS_T))
def test_t_matches_the_values_hard_coded_in_rat_stats(df: int) -> None:
    """RAT-STATS code.vb (OIG challenge SDK, 2016): TEMP80/90/95 for Degrees = 1, 2, 3."""
    for level, expected in zip(LEVELS, RATSTATS_T[df], strict=True):
        assert t_distribution(df).quantile(level) == pytest.approx(expected, abs=1e-11)


def test_z_matches_rat_stats_and_docs() -> None:
    """RAT-STATS code.vb: ZVAL80/90/95; docs/statistics.md adds 99 %: 2.575829303549."""
    for level, expected in zip(LEVELS, RATSTATS_Z, strict=True):
        assert NORMAL.quantile(level) == pytest.approx(expected, abs=1e-11)
    assert two_sided_quantile(0.99, None) == pytest.approx(2.575829303549, abs=1e-11)


def test_large_df_t_approaches_z_and_bad_levels_are_refused() -> None:
    assert t_distribution(10**7).quantile(0.90) == pytest.approx(NORMAL.quantile(0.90), abs=1e-6)
    for bad in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match="confidence"):
            two_sided_quantile(bad, None)
    with pytest.raises(ValueError, match="degree"):
        two_sided_quantile(0.9, 0)
