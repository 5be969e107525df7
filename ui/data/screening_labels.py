"""Words and colours the screening tab shows for review states, visit types and run times."""

from __future__ import annotations

from inspector_app.i18n import _, pgettext
from inspector_app.screening import UNREVIEWED
from local_db.enums import FlagReviewStatus

BADGE_STYLE = (
    "border-radius: 4px; padding: 2px 8px; font-weight: 600; color: {fg}; background: {bg};"
)
# Review state → (text colour, background), after the finding editor's badges.
STATUS_COLOURS: dict[FlagReviewStatus | None, tuple[str, str]] = {
    None: ("#33475b", "#e8edf4"),
    FlagReviewStatus.CONFIRMED: ("#9b1c1c", "#fdecea"),
    FlagReviewStatus.DATA_QUALITY: ("#7a5b00", "#fff3cd"),
    FlagReviewStatus.DISMISSED: ("#1e6b34", "#e6f4ea"),
}
# The filter's choices, in the order the combo box lists them ("" = every state).
STATUS_FILTERS = (
    "",
    UNREVIEWED,
    FlagReviewStatus.CONFIRMED.value,
    FlagReviewStatus.DATA_QUALITY.value,
    FlagReviewStatus.DISMISSED.value,
)


def status_label(status: FlagReviewStatus | None) -> str:
    """A flag's review state in words ("open" until someone decides)."""
    if status is None:
        return pgettext("flag review", "Open")
    return {
        FlagReviewStatus.CONFIRMED: pgettext("flag review", "Confirmed"),
        FlagReviewStatus.DATA_QUALITY: pgettext("flag review", "Data quality"),
        FlagReviewStatus.DISMISSED: pgettext("flag review", "Dismissed"),
    }[status]


def status_filter_label(value: str) -> str:
    """A choice of the review-state filter."""
    if not value:
        return _("All review states")
    if value == UNREVIEWED:
        return pgettext("flag review", "Open")
    return status_label(FlagReviewStatus(value))


def badge_style(status: FlagReviewStatus | None) -> str:
    """The stylesheet of a review-state badge."""
    fg, bg = STATUS_COLOURS[status]
    return BADGE_STYLE.format(fg=fg, bg=bg)


def duration(seconds: float) -> str:
    """``0.4 s``, ``41 s``, ``3 min 5 s``: how long a run took."""
    if seconds < 10:
        return _("{seconds} s").format(seconds=f"{seconds:.1f}")
    if seconds < 60:
        return _("{seconds} s").format(seconds=f"{seconds:.0f}")
    minutes, rest = divmod(round(seconds), 60)
    return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=rest)
