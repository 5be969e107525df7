"""The export is exactly the input of ``inspector stats appraise`` (UTF-8 with BOM, yuan)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.review import complete_review, decide_line, open_worksheet
from inspector_app.sampling import (
    DesignOptions,
    FrameDefinition,
    Stratifier,
    draw_sample,
    draw_units,
    export_sample_csv,
)
from inspector_app.sampling.export import yuan
from local_db.enums import LineDecision, SamplingMethod
from local_db.models import Claim
from tests.unit.sampling.world import World


def _read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_yuan_has_two_decimals_and_no_grouping() -> None:
    assert [yuan(f) for f in (0, 5, 123456, -5, 100_000_000)] == [
        "0.00", "0.05", "1234.56", "-0.05", "1000000.00",
    ]  # fmt: skip


def test_stratified_export_with_reviews(profile: OpenProfile, world: World, tmp_path: Path) -> None:
    summary = draw_sample(
        profile, case_id=world.case_id, frame=FrameDefinition(batch_id=world.batch_id),
        method=SamplingMethod.STRATIFIED, size=10, seed=99,
        options=DesignOptions(stratify_by=Stratifier.AMOUNT, tiers=3),
    )  # fmt: skip
    units = draw_units(profile, summary.draw_id)
    reviewed = units[0].settlement_no
    view = open_worksheet(profile, draw_id=summary.draw_id, settlement_no=reviewed)
    assert view.review_id is not None
    line = max(view.lines, key=lambda row: row.amount_fen if row.coverage_class != "C" else 0)
    decide_line(profile, review_id=view.review_id, line_no=line.line_no,
                decision=LineDecision.DISALLOWED, violation_code="art38.1")  # fmt: skip
    done = complete_review(profile, review_id=view.review_id)
    started = open_worksheet(profile, draw_id=summary.draw_id, settlement_no=units[1].settlement_no)
    assert started.review_id is not None  # in progress: not exported as audited
    result = export_sample_csv(profile, summary.draw_id, tmp_path / "out")
    rows = _read(result.sample_path)
    assert rows[0] == ["id", "examined", "audited", "stratum"]
    with profile.read_session() as session:
        fund = dict(session.execute(select(Claim.settlement_no, Claim.fund_fen)
                                    .where(Claim.batch_id == world.batch_id)).all())  # fmt: skip
    assert [r[0] for r in rows[1:]] == [u.settlement_no for u in units]
    assert [r[3] for r in rows[1:]] == [u.stratum for u in units]
    assert rows[1] == [reviewed, yuan(fund[reviewed]), yuan(done.audited_fen), units[0].stratum]
    assert done.audited_fen < fund[reviewed]
    assert all(r[2] == "" for r in rows[2:])
    assert [r[1] for r in rows[2:]] == [yuan(fund[u.settlement_no]) for u in units[1:]]
    assert (result.rows, result.reviewed) == (len(units), 1)
    assert result.strata_path is not None
    strata = _read(result.strata_path)
    assert strata[0] == ["stratum", "frame_size", "frame_examined"]
    assert [r[0] for r in strata[1:]] == ["A1", "A2", "A3"]
    assert sum(int(r[1]) for r in strata[1:]) == 600
    assert strata[1:] == [[s.label, str(s.frame_size), yuan(s.fund_fen)] for s in summary.strata]
    assert sum(s.fund_fen for s in summary.strata) == sum(fund.values())


def test_simple_random_export_has_no_strata(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    summary = draw_sample(
        profile, case_id=world.case_id, frame=FrameDefinition(batch_id=world.batch_id),
        method=SamplingMethod.SIMPLE_RANDOM, size=5, seed=1,
    )  # fmt: skip
    result = export_sample_csv(profile, summary.draw_id, tmp_path)
    assert _read(result.sample_path)[0] == ["id", "examined", "audited"]
    assert result.strata_path is None and not (tmp_path / "STRATA.csv").exists()
    assert (result.frame_size, result.appraisal_valid) == (600, True)
    assert result.frame_examined_fen == summary.frame_fund_fen == summary.frame_total_fen
