"""The review's amount rule: disallowed line amounts mapped pro rata to the fund's share."""

from __future__ import annotations

import pytest

from inspector_app.review.amounts import (
    LineAmount,
    audited_amount,
    disallowed_fund_share,
    fund_base,
    fund_share,
    round_half_up,
)


def test_round_half_up_in_integers() -> None:
    assert [round_half_up(n, 4) for n in (1, 2, 3, 5, 6, 10)] == [0, 1, 1, 1, 2, 3]
    assert round_half_up(10**20 + 1, 2) == 5 * 10**19 + 1


def test_pro_rata_over_covered_lines_only() -> None:
    # Class C (丙类) lines are paid by the patient: the fund's 6,000 fen spread over 10,000.
    lines = [
        LineAmount(6_000, "A", disallowed_fen=6_000),
        LineAmount(4_000, "B", disallowed_fen=1_001),
        LineAmount(2_500, "C", disallowed_fen=2_500),
        LineAmount(-300, "A"),
    ]
    assert fund_base(lines, total_fen=12_200) == 10_000
    # D = 7,001 (the C line does not count): 7,001 × 6,000 / 10,000 = 4,200.6 → 4,201
    assert disallowed_fund_share(lines, fund_fen=6_000, total_fen=12_200) == 4_201
    assert audited_amount(lines, fund_fen=6_000, total_fen=12_200) == 1_799


def test_half_a_fen_rounds_up_and_the_share_never_exceeds_the_fund() -> None:
    assert fund_share(1, fund_fen=1, base_fen=2) == 1  # 0.5 fen → 1
    assert fund_share(1, fund_fen=1, base_fen=3) == 0  # 0.33 fen → 0
    assert fund_share(10_000, fund_fen=5_000, base_fen=8_000) == 5_000  # capped
    assert fund_share(100, fund_fen=0, base_fen=100) == 0
    assert fund_share(100, fund_fen=-50, base_fen=100) == 0


def test_without_covered_lines_the_claim_total_is_the_base() -> None:
    lines = [LineAmount(1_000, "C", disallowed_fen=1_000)]
    assert fund_base(lines, total_fen=1_000) == 1_000
    assert disallowed_fund_share(lines, fund_fen=0, total_fen=1_000) == 0
    assert fund_base([], total_fen=0) == 0
    assert disallowed_fund_share([], fund_fen=100, total_fen=0) == 0


@pytest.mark.parametrize("coverage", ["c", " C "])
def test_coverage_codes_are_read_loosely(coverage: str) -> None:
    assert not LineAmount(100, coverage).covered
