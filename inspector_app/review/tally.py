"""How far the review of a draw has got: counts and the examined / audited sums."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from inspector_app.casework.access import case_access
from inspector_app.profiles import OpenProfile
from inspector_app.sampling.draws import get_draw
from local_db.enums import ReviewStatus
from local_db.models import ClaimReview, SampleUnit


@dataclass(frozen=True)
class StratumProgress:
    """One stratum's share of the review (``""`` for an unstratified draw)."""

    stratum: str
    total: int
    done: int
    examined_fen: int
    audited_fen: int


@dataclass(frozen=True)
class ReviewProgress:
    """A draw's review: units, how many are done or under way, and the completed sums.

    ``examined_fen`` and ``audited_fen`` sum completed reviews only: an unfinished
    worksheet's figures can still change.
    """

    draw_id: str
    total: int
    done: int
    in_progress: int
    examined_fen: int
    audited_fen: int
    strata: list[StratumProgress] = field(default_factory=list)

    @property
    def not_started(self) -> int:
        """Units nobody has opened yet."""
        return self.total - self.done - self.in_progress

    @property
    def improper_fen(self) -> int:
        """Examined minus audited over the completed reviews."""
        return self.examined_fen - self.audited_fen

    @property
    def complete(self) -> bool:
        """Every unit's review is done."""
        return self.total > 0 and self.done == self.total


def review_progress(profile: OpenProfile, draw_id: str) -> ReviewProgress:
    """Counts and sums of a draw's reviews, overall and per stratum.

    Raises:
        DrawNotFoundError: no such draw.
    """
    with profile.read_session() as session:
        draw = get_draw(session, draw_id)
        if draw.case_id is not None:
            case_access(session, profile, draw.case_id)
        review = (
            select(ClaimReview.settlement_no, ClaimReview.status, ClaimReview.examined_fen,
                   ClaimReview.audited_fen)
            .where(ClaimReview.draw_id == draw_id, ClaimReview.deleted_at.is_(None))
            .subquery()
        )  # fmt: skip
        done = review.c.status == ReviewStatus.DONE.value
        rows = session.execute(
            select(
                SampleUnit.stratum,
                func.count(),
                func.count(review.c.settlement_no).filter(done),
                func.count(review.c.settlement_no).filter(~done),
                func.coalesce(func.sum(review.c.examined_fen).filter(done), 0),
                func.coalesce(func.sum(review.c.audited_fen).filter(done), 0),
            )
            .select_from(SampleUnit)
            .outerjoin(review, review.c.settlement_no == SampleUnit.settlement_no)
            .where(SampleUnit.draw_id == draw_id)
            .group_by(SampleUnit.stratum)
            .order_by(func.min(SampleUnit.position))
        ).all()
    strata = [StratumProgress(s, int(t), int(d), int(e), int(a)) for s, t, d, _i, e, a in rows]
    return ReviewProgress(
        draw_id=draw_id,
        total=sum(s.total for s in strata),
        done=sum(s.done for s in strata),
        in_progress=sum(int(row[3]) for row in rows),
        examined_fen=sum(s.examined_fen for s in strata),
        audited_fen=sum(s.audited_fen for s in strata),
        strata=strata,
    )
