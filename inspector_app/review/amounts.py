"""How disallowed line amounts become the fund's loss: the review's amount rules.

A line's amount is what was billed; recovery concerns what the fund paid. The settlement
export gives the fund's share only per claim, so a disallowed amount is mapped to the fund
pro rata over the claim's covered lines:

* base B = Σ amount of the claim's lines with a positive amount and a coverage class other
  than ``C`` (丙类, paid wholly by the patient: the fund paid nothing for them); when
  there are none, B = the claim's total_fen;
* D = Σ disallowed amounts of its lines that are not class ``C``;
* disallowed fund share = round-half-up(D · fund_fen / B) in integer fen, at most
  fund_fen and never below 0 (nothing when B or fund_fen ≤ 0);
* audited = examined (the claim's fund_fen) − disallowed fund share.

The rounding is applied once per claim, so per-line shares shown beside the lines (the
same formula on one line) may not add up to the claim's figure by a fen. Deductibles
(起付线) and the insured's share of 乙类 items are not visible per line, so the pro rata
rule is an approximation the report states.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SELF_PAID_CLASSES = frozenset({"C"})


@dataclass(frozen=True)
class LineAmount:
    """What the rule needs of one line: its amount, coverage class and disallowed part."""

    amount_fen: int
    coverage_class: str
    disallowed_fen: int = 0

    @property
    def covered(self) -> bool:
        """The fund may have paid part of this line."""
        return self.coverage_class.strip().upper() not in SELF_PAID_CLASSES


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative numerator and positive
    denominator, in exact integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def fund_base(lines: Iterable[LineAmount], total_fen: int) -> int:
    """B: the billed amount the fund's share is spread over."""
    base = sum(line.amount_fen for line in lines if line.covered and line.amount_fen > 0)
    return base if base > 0 else total_fen


def fund_share(disallowed_fen: int, *, fund_fen: int, base_fen: int) -> int:
    """The fund's part of a disallowed amount: round-half-up(D·fund/B), within [0, fund]."""
    if disallowed_fen <= 0 or fund_fen <= 0 or base_fen <= 0:
        return 0
    return min(fund_fen, round_half_up(disallowed_fen * fund_fen, base_fen))


def disallowed_fund_share(lines: Iterable[LineAmount], *, fund_fen: int, total_fen: int) -> int:
    """The claim's disallowed fund share (rounded once, per the module's rule)."""
    items = list(lines)
    disallowed = sum(line.disallowed_fen for line in items if line.covered)
    return fund_share(disallowed, fund_fen=fund_fen, base_fen=fund_base(items, total_fen))


def audited_amount(lines: Iterable[LineAmount], *, fund_fen: int, total_fen: int) -> int:
    """What the fund should have paid: examined (fund_fen) minus the disallowed share."""
    return fund_fen - disallowed_fund_share(lines, fund_fen=fund_fen, total_fen=total_fen)
