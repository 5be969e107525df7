"""The state machine of the sync convergence test: three laptops, random work, random syncs.

Each rule is one thing a team member does on a laptop (through the application's own
services where it has them) or one sync run, clean or with a fault in the HTTP transport
(``convergence_faults``). At the end of an example, :meth:`SyncConvergence.teardown` syncs
every laptop until nothing is sent any more and checks that all of them hold exactly the
server's records of the task (``convergence_views``).
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.links import LinkRef
from inspector_app.evidence.recording import add_evidence, withdraw_evidence
from inspector_app.findings.service import (
    create_finding,
    link_finding,
    unlink_finding,
    update_finding,
    withdraw_finding,
)
from inspector_app.profiles import OpenProfile
from inspector_app.sync import engine
from inspector_app.sync.client import SyncClient
from inspector_app.sync.conflicts import OPEN, ConflictResolutionError, Keep, resolve_conflict
from local_db.base import Base
from local_db.enums import EvidenceKind, FindingStatus, LinkKind
from local_db.models import (
    ArrivalRecord,
    CaseFile,
    CaseLink,
    ChecklistResponse,
    EvidenceItem,
    Finding,
    SyncConflict,
)
from tests.e2e.convergence_faults import Fault, FaultyTransport, Target
from tests.e2e.convergence_views import (
    client_view,
    differences,
    leftovers,
    missing_originals,
    server_view,
)
from tests.e2e.convergence_world import (
    CLIENTS,
    Example,
    Servers,
    Snapshot,
    plain_transport,
    start_example,
    sync,
)

WORDS = ("alpha", "beta", "gamma")
EVIDENCE_BYTES = tuple(f"synthetic evidence original {n}\n".encode() * 40 for n in range(3))
MAX_ROUNDS = 5

# The rows of the case a rule may pick from, in an order every laptop agrees on.
Rows = Callable[[Session, str], Sequence[Any]]


def _case_rows(model: type[Base]) -> Rows:
    def rows(session: Session, case_id: str) -> Sequence[Any]:
        return session.scalars(
            select(model)
            .where(model.case_id == case_id, model.deleted_at.is_(None))  # type: ignore[attr-defined]
            .order_by(model.id)  # type: ignore[attr-defined]
        ).all()

    return rows


def _case_itself(session: Session, case_id: str) -> Sequence[Any]:
    return [session.get(CaseFile, case_id)]


def _some_answers(session: Session, case_id: str) -> Sequence[Any]:
    query = select(ChecklistResponse).where(ChecklistResponse.case_id == case_id)
    return session.scalars(query.order_by(ChecklistResponse.item_code).limit(3)).all()


# Shared fields a team member may write: (model, field, value type, rows to pick from).
EDITABLE: dict[str, tuple[type[Base], str, type, Rows]] = {
    "case summary": (CaseFile, "summary", str, _case_itself),
    "finding title": (Finding, "title", str, _case_rows(Finding)),
    "finding description": (Finding, "description", str, _case_rows(Finding)),
    "finding amount": (Finding, "amount_fen", int, _case_rows(Finding)),
    "evidence caption": (EvidenceItem, "caption", str, _case_rows(EvidenceItem)),
    "checklist note": (ChecklistResponse, "note", str, _some_answers),
    "arrival notes": (ArrivalRecord, "notes", str, _case_rows(ArrivalRecord)),
}


def _holds_link(profile: OpenProfile, finding_id: str, target: LinkRef) -> bool:
    """True when the laptop holds a link row (live or unlinked) from the finding to ``target``."""
    with profile.read_session() as session:
        query = select(CaseLink.id).where(
            CaseLink.source_kind == LinkKind.FINDING,
            CaseLink.source_id == finding_id,
            CaseLink.target_kind == target.kind,
            CaseLink.target_ref == target.ref,
        )
        return session.scalar(query) is not None


def _choose(rows: Any, pick: int) -> Any:
    return rows[pick % len(rows)] if rows else None


class SyncConvergence(RuleBasedStateMachine):
    """Random work and random syncs on three laptops; converged at the end of each example."""

    def __init__(self, snapshot: Snapshot, root: Path, servers: Servers | None) -> None:
        super().__init__()
        self.root = root
        self.example: Example = start_example(snapshot, root, servers)
        self.case_id = snapshot.case.case_id
        self.violation_code = snapshot.case.violation_code
        self.patch = pytest.MonkeyPatch()

    def profile_of(self, name: str) -> OpenProfile:
        return self.example.clients[name]

    def _pick(self, name: str, rows: Rows, pick: int) -> Any:
        with self.profile_of(name).read_session() as session:
            return _choose(rows(session, self.case_id), pick)

    @initialize(
        page=st.sampled_from([engine.PULL_PAGE, 4]), batch=st.sampled_from([engine.PUSH_BATCH, 3])
    )
    def sizes(self, page: int, batch: int) -> None:
        """Pull pages and push batches as shipped, or tiny: then one sync is many requests
        and many local transactions, and a fault can fall between any two of them."""
        self.patch.setattr(engine, "PULL_PAGE", page)
        self.patch.setattr(engine, "PUSH_BATCH", batch)

    # -- work on the case ------------------------------------------------------------------

    @rule(
        laptop=st.sampled_from(CLIENTS),
        shared=st.sampled_from(sorted(EDITABLE)),
        pick=st.integers(0, 2),
        word=st.integers(0, len(WORDS) - 1),
    )
    def edit_field(self, laptop: str, shared: str, pick: int, word: int) -> None:
        model, field, kind, rows = EDITABLE[shared]
        value: Any = word * 100 if kind is int else WORDS[word]
        profile = self.profile_of(laptop)
        with profile.session() as session:
            row = _choose(rows(session, self.case_id), pick)
            if row is None:
                return
            if model is not Finding:
                setattr(row, field, value)
                return
            finding_id = row.id
        update_finding(profile=profile, finding_id=finding_id, **{field: value})

    @rule(laptop=st.sampled_from(CLIENTS), word=st.integers(0, len(WORDS) - 1))
    def new_finding(self, laptop: str, word: int) -> None:
        create_finding(
            profile=self.profile_of(laptop),
            case_id=self.case_id,
            violation_code=self.violation_code,
            title=f"new {WORDS[word]}",
            amount_fen=100,
        )

    @rule(laptop=st.sampled_from(CLIENTS), pick=st.integers(0, 2))
    def withdraw_a_finding(self, laptop: str, pick: int) -> None:
        finding = self._pick(laptop, _case_rows(Finding), pick)
        if finding is not None and finding.status is not FindingStatus.WITHDRAWN:
            withdraw_finding(profile=self.profile_of(laptop), finding_id=finding.id, reason="test")

    @rule(
        laptop=st.sampled_from(CLIENTS),
        finding=st.integers(0, 2),
        evidence=st.integers(0, 2),
        linked=st.booleans(),
    )
    def link_evidence(self, laptop: str, finding: int, evidence: int, linked: bool) -> None:
        """Link or unlink a finding and an evidence item (on any laptop, the same link on
        several: its id derives from the pair, see ``local_db.ids.natural_id``)."""
        profile = self.profile_of(laptop)
        source = self._pick(laptop, _case_rows(Finding), finding)
        item = self._pick(laptop, _case_rows(EvidenceItem), evidence)
        if source is None or item is None:
            return
        ref = LinkRef(LinkKind.EVIDENCE, item.id)
        if linked:
            link_finding(profile=profile, finding_id=source.id, target=ref)
        else:
            unlink_finding(profile=profile, finding_id=source.id, target=ref)

    @rule(laptop=st.sampled_from(CLIENTS), content=st.integers(0, len(EVIDENCE_BYTES) - 1))
    def record_evidence(self, laptop: str, content: int) -> None:
        add_evidence(
            profile=self.profile_of(laptop),
            case_id=self.case_id,
            source=EVIDENCE_BYTES[content],
            kind=EvidenceKind.DOCUMENT,
            caption=f"scan {content}",
            media_type="text/plain",
        )

    @rule(laptop=st.sampled_from(CLIENTS), pick=st.integers(0, 4))
    def withdraw_an_item(self, laptop: str, pick: int) -> None:
        item = self._pick(laptop, _case_rows(EvidenceItem), pick)
        if item is not None and item.withdrawn_at is None:
            withdraw_evidence(profile=self.profile_of(laptop), evidence_id=item.id, reason="test")

    @rule(laptop=st.sampled_from(CLIENTS), pick=st.integers(0, 3), take_other=st.booleans())
    def settle_conflict(self, laptop: str, pick: int, take_other: bool) -> None:
        """Resolve an open conflict of the case: keep the winner, or take the other value."""
        profile = self.profile_of(laptop)
        with profile.read_session() as session:
            conflicts = session.scalars(
                select(SyncConflict.id)
                .where(SyncConflict.status == OPEN, SyncConflict.case_id == self.case_id)
                .order_by(SyncConflict.id)
            ).all()
        conflict_id = _choose(conflicts, pick)
        if conflict_id is None:
            return
        keep: Keep = "other" if take_other else "winner"
        with contextlib.suppress(ConflictResolutionError):  # e.g. a field that never changes
            resolve_conflict(profile=profile, conflict_id=conflict_id, keep=keep)

    # -- sync ------------------------------------------------------------------------------

    @rule(laptop=st.sampled_from(CLIENTS))
    def sync_laptop(self, laptop: str) -> None:
        report = sync(self.profile_of(laptop), self.example.server.url)
        assert report.ok, report.failures

    @rule(
        laptop=st.sampled_from(CLIENTS),
        fault=st.builds(
            Fault,
            target=st.sampled_from(Target),
            nth=st.integers(0, 2),
            lose_answer=st.booleans(),
            kill=st.booleans(),
        ),
    )
    def sync_with_fault(self, laptop: str, fault: Fault) -> None:
        url = self.example.server.url
        client = SyncClient(url, transport=FaultyTransport(fault, plain_transport()))
        report = sync(self.profile_of(laptop), url, client)
        assert not report.rejected, report.failures  # a fault is not a refusal

    # -- the end of an example -------------------------------------------------------------

    def teardown(self) -> None:
        try:
            if sys.exc_info()[0] is None:  # a failed step is reported as it is
                self.converge()
                self.check_converged()
        finally:
            self.patch.undo()
            self.example.close()
            shutil.rmtree(self.root, ignore_errors=True)

    def converge(self) -> None:
        """Sync every laptop, round after round (at least two), until a round sends nothing.

        Every laptop then pulled everything that was sent before that round: a third round
        would move nothing, which the checks that follow prove record by record.
        """
        for round_number in range(MAX_ROUNDS):
            sent = 0
            for name in CLIENTS:
                report = sync(self.profile_of(name), self.example.server.url)
                assert report.ok, (name, report.failures)
                sent += report.pushed + report.duplicates + report.blobs_up
            if round_number > 0 and sent == 0:
                return
        pytest.fail(f"still sending after {MAX_ROUNDS} rounds of syncs")

    def check_converged(self) -> None:
        server = server_view(self.example.server, self.example.case.task_id)
        keys = set(server.fields)
        assert ("case_file", self.case_id) in keys
        problems: list[str] = []
        for name in CLIENTS:
            profile = self.profile_of(name)
            problems += differences(name, client_view(profile, keys), server)
            problems += [f"{name}: {p}" for p in leftovers(profile, self.case_id, keys)]
            problems += [
                f"{name}: {p}"
                for p in missing_originals(profile, self.example.server, self.case_id)
            ]
        assert not problems, "\n".join(problems)
