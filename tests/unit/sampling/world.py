"""A demo profile to draw from: the inspected hospital's batch, its case, screening flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from inspector_app.demo import build_demo
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from local_db.models import Claim, LocalUser, ScreeningFlag, ScreeningRun, SettlementBatch

CLAIMS = 600
SEED = 5
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    """The demo's on-site case and the settlement batch loaded for it."""

    case_id: str
    batch_id: str


def demo_world(profile: OpenProfile, *, claims: int = CLAIMS, seed: int = SEED) -> World:
    """Build the demo (the profile's user leads the on-site case's team)."""
    summary = build_demo(profile, claims=claims, seed=seed, progress=Progress(), seal=False)
    with profile.read_session() as session:
        batch = session.get_one(SettlementBatch, summary.settlement.batch_id)
        assert batch.case_id is not None
        return World(case_id=batch.case_id, batch_id=batch.id)


def screen(profile: OpenProfile, batch_id: str, every: int = 7) -> str:
    """A screening run flagging every ``every``-th claim (by settlement number); returns its id.

    Stakes grow with the position so the ranking by amount at stake is known; a few claims
    get two flags.
    """
    with profile.session() as session:
        claims = session.execute(
            select(Claim.id, Claim.settlement_no)
            .where(Claim.batch_id == batch_id)
            .order_by(Claim.settlement_no)
        ).all()
        run = ScreeningRun(
            batch_id=batch_id, ruleset_version="test", ruleset_sha256="0" * 64,
            started_at=WHEN, finished_at=WHEN, flag_count=0, flagged_claims=0,
        )  # fmt: skip
        session.add(run)
        session.flush()
        for k, (claim_id, _number) in enumerate(claims):
            if k % every == 0:
                session.add(ScreeningFlag(run_id=run.id, rule_code="R1", claim_id=claim_id,
                                          amount_fen=100 * k))  # fmt: skip
                run.flagged_claims += 1
                run.flag_count += 1
                if k % (every * 5) == 0:
                    session.add(ScreeningFlag(run_id=run.id, rule_code="R2", claim_id=claim_id,
                                              amount_fen=7))  # fmt: skip
                    run.flag_count += 1
        return run.id


def act_as_inspector(profile: OpenProfile, inspector_id: str | None) -> None:
    """Make the profile's user the given inspector of the register (None: nobody)."""
    with profile.session() as session:
        session.get_one(LocalUser, profile.user_id).inspector_id = inspector_id
