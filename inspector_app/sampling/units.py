"""A draw's units: the bulk rows that list the drawn claims, and how they are written.

Units are not synced (a large draw is thousands of rows, and they follow from the record):
a profile that received a draw's record by sync re-creates them by redrawing it. They name
the local claim row and, for every other machine, the settlement number.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from inspector_app.sampling.design import Selection
from inspector_app.sampling.frame import FrameArrays
from local_db.models import SampleUnit


@dataclass(frozen=True)
class UnitRow:
    """One drawn unit, in draw order."""

    position: int
    claim_id: int
    settlement_no: str
    stratum: str
    probability: float
    hits: int
    origin: str


def selected_units(frame: FrameArrays, selection: Selection) -> list[UnitRow]:
    """The units a selection makes of a frame, in draw order (positions from 1)."""
    return [
        UnitRow(
            position=k + 1,
            claim_id=int(frame.claim_ids[i]),
            settlement_no=frame.settlement_nos[i],
            stratum=selection.strata[k],
            probability=float(selection.probabilities[k]),
            hits=int(selection.hits[k]),
            origin=selection.origins[k],
        )
        for k, i in enumerate(selection.positions.tolist())
    ]


def stored_units(session: Session, draw_id: str) -> list[UnitRow]:
    """The stored units of a draw, in draw order."""
    rows = session.execute(
        select(
            SampleUnit.position, SampleUnit.claim_id, SampleUnit.settlement_no,
            SampleUnit.stratum, SampleUnit.probability, SampleUnit.hits, SampleUnit.origin,
        ).where(SampleUnit.draw_id == draw_id).order_by(SampleUnit.position)
    ).all()  # fmt: skip
    return [UnitRow(*row) for row in rows]


def has_units(session: Session, draw_id: str) -> bool:
    """Whether this profile holds any unit of the draw."""
    return (
        session.scalar(select(SampleUnit.id).where(SampleUnit.draw_id == draw_id).limit(1))
        is not None
    )


def write_units(session: Session, draw_id: str, units: list[UnitRow]) -> None:
    """Insert a draw's units (one bulk statement) in the session's transaction."""
    if units:
        session.execute(insert(SampleUnit), [{"draw_id": draw_id, **asdict(u)} for u in units])
