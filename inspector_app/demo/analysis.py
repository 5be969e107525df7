"""The demo's settlement analysis half done, as a team would leave it after a day on site.

The rules have been run over the inspected hospital's batch and a few flags decided; a
stratified sample has been drawn and its first claims reviewed, some with a line
disallowed. Everything goes through the real services (screening, sampling, review), so
the demo shows each screen with work in it and leaves the rest for the user to continue.
"""

from __future__ import annotations

from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.review import complete_review, decide_line, open_worksheet
from inspector_app.sampling import DesignOptions, FrameDefinition, Stratifier, draw_sample
from inspector_app.sampling.draws import draw_units
from inspector_app.screening import list_flags, review_flag
from inspector_app.screening.engine import run_screening
from inspector_app.statistics.allocation import Allocation
from local_db.enums import FlagReviewStatus, LineDecision, SamplingMethod

SAMPLE_SIZE = 30
REVIEWED = 6  # of the sample's claims, the first ones in draw order
SEED = 20_261_124  # the demo draw's seed, printed in its record like any other


def add_demo_analysis(profile: OpenProfile, *, batch_id: str, case_id: str) -> str:
    """Screen ``batch_id``, decide three flags, draw and partly review a sample (its id)."""
    run = run_screening(profile=profile, batch_id=batch_id, progress=Progress())
    flags = list_flags(profile=profile, run_id=run.run_id, limit=3).rows
    decisions = (
        (FlagReviewStatus.CONFIRMED, ""),
        (FlagReviewStatus.DISMISSED, "病历记载病情危重，住院天数合理"),
        (FlagReviewStatus.DATA_QUALITY, "HIS项目编码对照错误"),
    )
    for flag, (status, note) in zip(flags, decisions, strict=False):
        review_flag(profile=profile, flag_id=flag.id, status=status, note=note)
    draw = draw_sample(
        profile, case_id=case_id, frame=FrameDefinition(batch_id=batch_id),
        method=SamplingMethod.STRATIFIED, size=SAMPLE_SIZE, seed=SEED,
        label="2025年度结算记录 · 金额分层抽样",
        options=DesignOptions(
            stratify_by=Stratifier.AMOUNT, tiers=3, allocation=Allocation.NEYMAN
        ),
    )  # fmt: skip
    for number, unit in enumerate(draw_units(profile, draw.draw_id)[:REVIEWED]):
        view = open_worksheet(profile, draw_id=draw.draw_id, settlement_no=unit.settlement_no)
        review_id = view.review_id
        if review_id is None:
            continue
        covered = [line for line in view.lines if line.coverage_class != "C" and line.amount_fen]
        disallowed = (
            max(covered, key=lambda line: line.amount_fen) if number % 3 == 0 and covered else None
        )
        if disallowed is not None:
            decide_line(
                profile, review_id=review_id, line_no=disallowed.line_no,
                decision=LineDecision.DISALLOWED, violation_code="art38.3",
                reason="重复收费：同日已收取同一项目",
            )  # fmt: skip
        for line in view.lines:
            if disallowed is None or line.line_no != disallowed.line_no:
                decide_line(
                    profile, review_id=review_id, line_no=line.line_no,
                    decision=LineDecision.ACCEPTED,
                )  # fmt: skip
        complete_review(profile, review_id=review_id, note="已对照病历、医嘱和护理记录核实")
    return draw.draw_id
