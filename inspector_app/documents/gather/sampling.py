"""The sampling and extrapolation report: each recorded draw, its review and its appraisal.

The figures come from the records, not from a new computation: the draw's stored design, the
completed reviews and the appraisal the team recorded (``appraisal_record.result``, the JSON
of ``inspector stats appraise``), so the report shows what was decided and can be checked
against the exported sample with the command line.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.documents.formats import day
from inspector_app.documents.gather.header import case_header, document_meta
from inspector_app.documents.gather.records import seal_slots
from inspector_app.documents.model import (
    EstimateRow,
    SamplingReportData,
    SamplingSection,
    StratumRow,
)
from inspector_app.documents.signatures import signature_marks
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sampling.draws import DrawSummary, summary_of
from inspector_app.sampling.ui_support import SampledClaim, sampled_claims, stratum_label
from inspector_app.sampling.wording import design_rows, estimator_label, money
from inspector_app.statistics.recovery import RecoveryRule
from local_db.enums import DocumentKind, ReviewStatus
from local_db.models import AppraisalRecord, CaseFile, SampleDraw, SettlementBatch


def _fen(yuan: Any) -> int:
    return int((Decimal(str(yuan)) * 100).to_integral_value())


def _strata(summary: DrawSummary, units: list[SampledClaim]) -> tuple[StratumRow, ...]:
    reviewed: dict[str, int] = defaultdict(int)
    improper: dict[str, int] = defaultdict(int)
    for unit in units:
        if unit.review is ReviewStatus.DONE:
            reviewed[unit.stratum] += 1
            improper[unit.stratum] += unit.improper_fen or 0
    if summary.strata:
        return tuple(
            StratumRow(
                label=stratum_label(s.label) or _("Whole frame"),
                population_count=s.frame_size,
                population_fen=s.fund_fen,
                sample_count=s.sample_size,
                reviewed_count=reviewed[s.label],
                audited_improper_fen=improper[s.label],
            )
            for s in summary.strata
        )
    return (
        StratumRow(
            label=_("Whole frame"),
            population_count=summary.frame_size,
            population_fen=summary.frame_total_fen,
            sample_count=summary.sample_size,
            reviewed_count=sum(reviewed.values()),
            audited_improper_fen=sum(improper.values()),
        ),
    )


def _estimates(record: AppraisalRecord) -> tuple[EstimateRow, ...]:
    result: dict[str, Any] = json.loads(record.result)
    rows = []
    for name, figures in result.get("estimators", {}).items():
        point = _fen(figures["point_estimate"])
        rows.append(
            EstimateRow(
                label=_("{estimator}, {confidence:.0%} two-sided").format(
                    estimator=estimator_label(name), confidence=record.confidence
                ),
                point_fen=point,
                lower_fen=_fen(figures["lower"]),
                upper_fen=_fen(figures["upper"]),
                precision_fen=_fen(figures["precision"]),
                precision_pct=float(figures["precision_percent"]) if point > 0 else None,
            )
        )
    return tuple(rows)


def _recovery_line(record: AppraisalRecord | None) -> str:
    if record is None:
        return _("Not extrapolated: no appraisal of this sample has been recorded.")
    result: dict[str, Any] = json.loads(record.result)
    chosen = result.get("estimators", {}).get(record.estimator, {})
    recovery = chosen.get("recovery", {})
    rule = RecoveryRule(record.recovery_rule)
    selected = recovery.get("selected_lower")
    amount = money(_fen(selected)) if selected is not None else money(record.lower_fen)
    return _(
        "Amount for recovery: {amount}, the {rule} of the {estimator} estimator "
        "(one-sided {one_sided:.1%} lower bound)."
    ).format(
        amount=amount,
        rule=_(rule.label),
        estimator=estimator_label(record.estimator),
        one_sided=rule.one_sided_level,
    )


def _section(session: Session, profile: OpenProfile, draw: SampleDraw) -> SamplingSection:
    summary = summary_of(draw)
    units = sampled_claims(profile, draw.id)
    batch = session.get(SettlementBatch, draw.batch_id)
    record = session.scalars(
        select(AppraisalRecord)
        .where(AppraisalRecord.draw_id == draw.id, AppraisalRecord.deleted_at.is_(None))
        .order_by(AppraisalRecord.created_at.desc())
    ).first()
    done = [u for u in units if u.review is ReviewStatus.DONE]
    frame_rows = design_rows(summary, full_hash=True)
    split = 3  # method, frame and filters describe the frame; the rest, the design
    return SamplingSection(
        draw_label=_("{label} (drawn {day})").format(
            label=summary.label, day=day(summary.drawn_at)
        ),
        batch_label=(
            _("{source}, settled {start} to {end}").format(
                source=batch.source, start=batch.period_start, end=batch.period_end
            )
            if batch is not None
            else draw.batch_id
        ),
        frame_lines=tuple(f"{name}: {value}" for name, value in frame_rows[:split]),
        design_lines=tuple(f"{name}: {value}" for name, value in frame_rows[split:]),
        strata=_strata(summary, units),
        reviewed_summary=_("{done} of {n} sampled claims reviewed.").format(
            done=len(done), n=summary.sample_size
        ),
        sample_improper_fen=sum(u.improper_fen or 0 for u in done),
        estimates=_estimates(record) if record is not None else (),
        recovery_line=_recovery_line(record),
        inputs_sha256=record.inputs_sha256 if record is not None else "",
    )


def case_draws(session: Session, case: CaseFile) -> list[SampleDraw]:
    """The draws recorded for the case, oldest first."""
    return list(
        session.scalars(
            select(SampleDraw)
            .where(SampleDraw.case_id == case.id, SampleDraw.deleted_at.is_(None))
            .order_by(SampleDraw.drawn_at, SampleDraw.id)
        )
    )


def sampling_report_data(
    session: Session, profile: OpenProfile, case: CaseFile
) -> SamplingReportData:
    """抽样与推算报告 (the set includes it only when the case has a draw)."""
    header = case_header(session, case)
    return SamplingReportData(
        meta=document_meta(header, DocumentKind.SAMPLING_REPORT),
        header=header,
        method_note=_(
            "Claims were drawn by a recorded, reproducible random procedure (method, frame, "
            "seed, generator and software version below; `inspector sample redraw` repeats "
            "it). Each sampled claim was reviewed against the medical file; the improper "
            "amount found in the sample was extrapolated to the frame with the estimators "
            "shown, and the lower confidence limit named by the recovery rule is the amount "
            "demanded, so the institution is never asked for more than the evidence supports."
        ),
        sections=tuple(_section(session, profile, draw) for draw in case_draws(session, case)),
        signatures=signature_marks(session, profile, case, DocumentKind.SAMPLING_REPORT),
        seals=seal_slots(),
    )
