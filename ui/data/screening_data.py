"""What the detail of a screening flag shows, read in the background (no widgets here).

:func:`load_detail` gathers, for one flag, its rule, the team's decision, the claim's header
and lines and the related claim's; :func:`flagged_line_numbers` works out which lines the
flag is about, so the detail can shade them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from inspector_app.i18n import _
from inspector_app.vocabulary import patient_sex_label
from ui import formatting

if TYPE_CHECKING:
    from inspector_app.profiles import OpenProfile
    from inspector_app.screening import FlagRow, ReviewRow, Rule
    from inspector_app.services.claims_browser import ClaimLineRow, ClaimRow


@dataclass(frozen=True)
class ClaimPart:
    """A claim of the detail: its header when it is in the batch, and its lines."""

    claim_id: int
    settlement_no: str
    header: ClaimRow | None
    lines: list[ClaimLineRow]
    institution: str = ""  # another institution's name, when the claim is not in the batch


@dataclass(frozen=True)
class FlagDetail:
    """Everything the detail shows about one flag."""

    flag: FlagRow
    rule: Rule | None
    legal_basis: str
    review: ReviewRow | None
    claim: ClaimPart
    related: ClaimPart | None
    flagged_lines: frozenset[int]


def _header(profile: OpenProfile, batch_id: str, settlement_no: str) -> ClaimRow | None:
    from inspector_app.services.claims_browser import ClaimFilter, claim_page

    page = claim_page(
        profile=profile, claim_filter=ClaimFilter(batch_id=batch_id, search=settlement_no), limit=5
    )
    return next((row for row in page.rows if row.settlement_no == settlement_no), None)


def flagged_line_numbers(
    flag: FlagRow, lines: Iterable[ClaimLineRow], siblings: Iterable[FlagRow] = ()
) -> frozenset[int]:
    """The lines the flag is about: its own, the rule's other flags on the claim, and the
    lines its detail names (the item on the day, the copied line, lines after a death)."""
    numbers = {
        row.line_no
        for row in (flag, *siblings)
        if row.line_no is not None and row.claim_id == flag.claim_id
        and row.rule_code == flag.rule_code
    }  # fmt: skip
    detail = flag.detail
    item, day = detail.get("item_code"), detail.get("service_date")
    death = detail.get("death_date")
    first = detail.get("first_line_no")
    for line in lines:
        served = line.service_time[:10]
        if (item and day and line.item_code == item and served == day) or (
            death and served > str(death)
        ):
            numbers.add(line.line_no)
        if first is not None and line.line_no == first:
            numbers.add(line.line_no)
    return frozenset(numbers)


def load_detail(
    *, profile: OpenProfile, batch_id: str, flag: FlagRow, siblings: Iterable[FlagRow] = ()
) -> FlagDetail:
    """Read what the detail of ``flag`` shows (run it in the background)."""
    from inspector_app.screening import UnknownRuleError, review_of_flag, shipped_ruleset
    from inspector_app.services.claims_browser import claim_lines

    try:
        rule: Rule | None = shipped_ruleset().rule(flag.rule_code)
    except UnknownRuleError:
        rule = None
    lines = claim_lines(profile=profile, claim_id=flag.claim_id)
    claim = ClaimPart(
        claim_id=flag.claim_id,
        settlement_no=flag.settlement_no,
        header=_header(profile, batch_id, flag.settlement_no),
        lines=lines,
    )
    related = None
    if flag.related_claim_id is not None and flag.related_settlement_no:
        header = _header(profile, batch_id, flag.related_settlement_no)
        related = ClaimPart(
            claim_id=flag.related_claim_id,
            settlement_no=flag.related_settlement_no,
            header=header,
            lines=claim_lines(profile=profile, claim_id=flag.related_claim_id),
            institution="" if header else str(flag.detail.get("other_institution") or ""),
        )
    return FlagDetail(
        flag=flag,
        rule=rule,
        legal_basis=rule.legal_basis_text() if rule is not None else "",
        review=review_of_flag(profile=profile, flag_id=flag.id),
        claim=claim,
        related=related,
        flagged_lines=flagged_line_numbers(flag, lines, siblings),
    )


def age_on(birth: str, day: str) -> int | None:
    """Age in whole years on ``day`` (ISO dates; None when either is unreadable)."""
    try:
        born, then = date.fromisoformat(birth[:10]), date.fromisoformat(day[:10])
    except ValueError:
        return None
    return then.year - born.year - ((then.month, then.day) < (born.month, born.day))


def sex_label(code: str) -> str:
    """``M`` / ``F`` in words (other values as they are)."""
    return patient_sex_label(code)


def review_byline(review: ReviewRow) -> str:
    """Who decided and when, if the review row carries it."""
    # ReviewRow does not carry its author and time yet; shown as soon as it does.
    who = str(getattr(review, "reviewed_by", "") or "")
    when = getattr(review, "reviewed_at", None)
    if who and isinstance(when, datetime):
        return _("by {who}, {when}").format(who=who, when=formatting.local_time(when))
    return ""
