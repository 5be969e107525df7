"""Export a draw with its review results in the input format of ``inspector stats appraise``.

``SAMPLE.csv``: ``id`` (settlement number), ``examined`` (the fund's share), ``audited``
(from a completed review, else blank) and, for stratified and risk-based draws,
``stratum``; ``STRATA.csv``: ``stratum``, ``frame_size``, ``frame_examined``. Amounts are
yuan with two decimals; files are UTF-8 with a byte-order mark so Excel opens them right.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from inspector_app.casework.access import case_access
from inspector_app.profiles import OpenProfile
from inspector_app.sampling.draws import DrawSummary, get_draw, summary_of
from local_db.enums import ReviewStatus, SamplingMethod
from local_db.models import Claim, ClaimReview, SampleUnit

SAMPLE_FILE = "SAMPLE.csv"
STRATA_FILE = "STRATA.csv"
ENCODING = "utf-8-sig"


def yuan(fen: int) -> str:
    """``123456`` → ``1234.56``; ``-5`` → ``-0.05`` (no grouping: machine-readable)."""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if fen < 0 else ''}{whole}.{cents:02d}"


@dataclass(frozen=True)
class ExportResult:
    """What was written, and what ``stats appraise`` needs besides the files."""

    sample_path: Path
    strata_path: Path | None
    rows: int
    reviewed: int
    frame_size: int
    frame_examined_fen: int
    method: SamplingMethod
    covers_frame: bool = True

    @property
    def appraisal_valid(self) -> bool:
        """The appraise estimators assume (stratified) simple random sampling; a PPS
        sample needs weights they do not apply."""
        return self.method is not SamplingMethod.PPS


def strata_cover_frame(summary: DrawSummary) -> bool:
    """Whether the draw's strata add up to its frame (N = Σ N_h), as an extrapolation to
    the frame needs. Only risk-based draws recorded with the earlier capped rule (the
    flagged claims largest at stake) fail it: the flagged claims left out were in no
    stratum."""
    if not summary.stratified:
        return True
    return sum(stratum.frame_size for stratum in summary.strata) == summary.frame_size


def export_sample_csv(profile: OpenProfile, draw_id: str, dest: Path) -> ExportResult:
    """Write ``SAMPLE.csv`` (and ``STRATA.csv`` when stratified) into folder ``dest``.

    Raises:
        DrawNotFoundError: no such draw.
        OSError: the folder cannot be written.
    """
    with profile.read_session() as session:
        draw = get_draw(session, draw_id)
        if draw.case_id is not None:
            case_access(session, profile, draw.case_id)
        summary = summary_of(draw)
        rows = session.execute(
            select(SampleUnit.settlement_no, SampleUnit.stratum, Claim.fund_fen)
            .join(Claim, Claim.id == SampleUnit.claim_id)
            .where(SampleUnit.draw_id == draw_id)
            .order_by(SampleUnit.position)
        ).all()
        reviews = {
            r.settlement_no: r
            for r in session.scalars(
                select(ClaimReview).where(
                    ClaimReview.draw_id == draw_id,
                    ClaimReview.deleted_at.is_(None),
                    ClaimReview.status == ReviewStatus.DONE,
                )
            )
        }
    dest.mkdir(parents=True, exist_ok=True)
    sample_path = dest / SAMPLE_FILE
    header = ["id", "examined", "audited"] + (["stratum"] if summary.stratified else [])
    with sample_path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for settlement_no, stratum, fund_fen in rows:
            review = reviews.get(settlement_no)
            examined = review.examined_fen if review is not None else fund_fen
            audited = yuan(review.audited_fen) if review is not None else ""
            row = [settlement_no, yuan(examined), audited]
            writer.writerow(row + ([stratum] if summary.stratified else []))
    strata_path = _write_strata(dest, summary) if summary.stratified else None
    return ExportResult(
        sample_path=sample_path,
        strata_path=strata_path,
        rows=len(rows),
        reviewed=sum(1 for settlement_no, *_rest in rows if settlement_no in reviews),
        frame_size=summary.frame_size,
        frame_examined_fen=summary.frame_fund_fen,
        method=summary.method,
        covers_frame=strata_cover_frame(summary),
    )


def _write_strata(dest: Path, summary: DrawSummary) -> Path:
    path = dest / STRATA_FILE
    with path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["stratum", "frame_size", "frame_examined"])
        for stratum in summary.strata:
            if stratum.frame_size > 0:
                writer.writerow([stratum.label, stratum.frame_size, yuan(stratum.fund_fen)])
    return path
