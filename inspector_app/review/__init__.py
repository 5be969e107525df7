"""Record review: the worksheet of each sampled claim against its medical file.

Per line accepted / disallowed / partly disallowed with a violation type; the claim's
audited amount follows the rule in ``amounts.py`` (see docs/sampling.md).
"""

from __future__ import annotations

from inspector_app.review.tally import ReviewProgress, StratumProgress, review_progress
from inspector_app.review.view import CheckView, ClaimHeader, LineView, WorksheetView
from inspector_app.review.worksheet import (
    ReviewClosedError,
    ReviewNotFoundError,
    complete_review,
    decide_line,
    link_review,
    open_worksheet,
    reopen_review,
    set_checks,
    set_review_note,
    unlink_review,
    worksheet,
)

__all__ = [
    "CheckView",
    "ClaimHeader",
    "LineView",
    "ReviewClosedError",
    "ReviewNotFoundError",
    "ReviewProgress",
    "StratumProgress",
    "WorksheetView",
    "complete_review",
    "decide_line",
    "link_review",
    "open_worksheet",
    "reopen_review",
    "review_progress",
    "set_checks",
    "set_review_note",
    "unlink_review",
    "worksheet",
]
