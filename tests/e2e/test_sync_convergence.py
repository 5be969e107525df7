"""Three laptops doing random work on one case converge, whatever the sync and fault order
(acceptance 3 of the sync issue).

A hypothesis state machine drives the team leader's demo profile and two team members'
profiles against one real ``inspector-server`` on 127.0.0.1. Its steps edit shared fields
(case summary, finding title, description and amount, evidence captions, checklist notes,
arrival notes), create and withdraw findings, link and unlink evidence, record and withdraw
evidence (small originals, some identical across laptops), resolve conflicts through the
desktop's resolution service (keep the winner or take the other value), and sync a random
laptop, cleanly or with a fault: a request lost on the way, an answer lost after the server
committed, or the laptop switched off in the middle of a push, a pull, a blob upload or a
download.

At the end of every example each laptop syncs until nothing moves (at least two rounds),
and then every laptop holds exactly the server's records of the task (field values and
field clocks, conflict records included), has nothing unsent or parked, and holds every
evidence original, as does the server.

The state machine is in ``convergence_machine``; each example starts from a copy of a
prepared starting point (``convergence_world``).
CI runs the ``sync-ci`` settings: derandomized, no example database, about 20 examples of
15 steps (well under a minute). For a longer hunt::

    HYPOTHESIS_PROFILE=sync-long .venv/bin/pytest tests/e2e/test_sync_convergence.py

which runs 300 random (not derandomized) examples of 40 steps.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy import select

from inspector_app.casework.links import LinkRef
from inspector_app.checklists.service import (
    answer_item,
    pinned_templates,
    store_shipped_templates,
)
from inspector_app.findings.service import link_finding
from inspector_app.profiles import OpenProfile
from inspector_app.sync.client import SyncClient
from local_db.enums import ChecklistAnswer, LinkKind
from local_db.models import ChecklistResponse, EvidenceItem, Finding
from tests.conftest import MemoryKeyring
from tests.e2e.convergence_faults import Fault, FaultyTransport, Target
from tests.e2e.convergence_machine import SyncConvergence
from tests.e2e.convergence_world import (
    CLIENTS,
    MEMBERS,
    Servers,
    Snapshot,
    plain_transport,
    prepare,
    sync,
)

PROFILE_ENV = "HYPOTHESIS_PROFILE"
settings.register_profile(
    "sync-ci",
    max_examples=20,
    stateful_step_count=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "sync-long",
    max_examples=300,
    stateful_step_count=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# A long hunt outlives pytest-timeout's limit (pyproject.toml): none for it.
pytestmark = [pytest.mark.timeout(0)] if os.environ.get(PROFILE_ENV) == "sync-long" else []
REBUILT_EXAMPLES = 6
"""Examples of the CI run when each one must build its server afresh (PostgreSQL, S3)."""

# ---------------------------------------------------------------- fixtures and the test


@pytest.fixture(scope="module")
def snapshot(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The prepared starting point, built once for this module.

    Module scope runs before the per-test keyring and data-folder fixtures, so it brings its
    own: the kept sign-ins it captures never reach a real keyring.
    """
    root = tmp_path_factory.mktemp("convergence")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
                patch.setenv(name, str(root / "home"))
            return prepare(demo_template, root / "snapshot")
    finally:
        keyring.set_keyring(previous)


def _settings(snapshot: Snapshot) -> settings:
    name = os.environ.get(PROFILE_ENV, "sync-ci")
    chosen = settings.get_profile(name if name in ("sync-ci", "sync-long") else "sync-ci")
    if snapshot.server_dir is None and name != "sync-long":
        return settings(chosen, max_examples=REBUILT_EXAMPLES)
    return chosen


def test_random_work_on_three_laptops_converges(snapshot: Snapshot, tmp_path: Path) -> None:
    examples = itertools.count()
    with contextlib.ExitStack() as stack:
        servers = None
        if snapshot.server_dir is not None:
            servers = Servers(snapshot, tmp_path / "servers")
            stack.callback(servers.close)

        class OneExample(SyncConvergence):
            def __init__(self) -> None:
                super().__init__(snapshot, tmp_path / f"example-{next(examples)}", servers)

        run_state_machine_as_test(OneExample, settings=_settings(snapshot))


# ---------------------------------------------------------------- single scenarios


@pytest.fixture
def machine(snapshot: Snapshot, tmp_path: Path) -> Iterator[SyncConvergence]:
    """One example of the state machine, for steps chosen by hand; the test tears it down."""
    with contextlib.ExitStack() as stack:
        servers = None
        if snapshot.server_dir is not None:
            servers = Servers(snapshot, tmp_path / "servers", spare=False)
            stack.callback(servers.close)
        yield SyncConvergence(snapshot, tmp_path / "example", servers)


def test_the_check_notices_a_laptop_left_behind(machine: SyncConvergence) -> None:
    """The final check can fail: one laptop's edit that the others have not pulled is seen."""
    try:
        machine.edit_field("member.one", "case summary", pick=0, word=1)
        machine.sync_laptop("member.one")
        with pytest.raises(AssertionError, match="summary"):
            machine.check_converged()
    finally:
        machine.teardown()  # syncs everyone, then the same check passes


def test_an_answer_lost_after_the_commit_is_sent_again(machine: SyncConvergence) -> None:
    """A laptop switched off between the server's commit and its answer: the next run sends
    the change again, the server answers "duplicate" and applies nothing twice."""
    try:
        machine.edit_field("member.two", "finding title", pick=0, word=2)
        laptop = machine.profile_of("member.two")
        url = machine.example.server.url
        fault = Fault(Target.PUSH, nth=0, lose_answer=True, kill=True)
        cut = sync(
            laptop, url, SyncClient(url, transport=FaultyTransport(fault, plain_transport()))
        )
        assert not cut.ok and cut.pushed == 0
        again = sync(laptop, url)
        assert again.ok and again.duplicates == 1 and again.pushed == 0
    finally:
        machine.teardown()


def test_one_link_made_on_two_laptops_converges(machine: SyncConvergence) -> None:
    """Both members link the same finding and evidence item while offline."""
    try:
        machine.new_finding("demo.leader", word=0)
        machine.record_evidence("demo.leader", content=0)
        for name in CLIENTS:
            machine.sync_laptop(name)
        with machine.profile_of(MEMBERS[0]).read_session() as session:
            finding_id = session.scalars(select(Finding.id).where(Finding.title == "new alpha"))
            item_id = session.scalars(
                select(EvidenceItem.id).where(EvidenceItem.caption == "scan 0")
            )
            target = LinkRef(LinkKind.EVIDENCE, item_id.one())
            source = finding_id.one()
        for name in MEMBERS:
            link_finding(profile=machine.profile_of(name), finding_id=source, target=target)
    finally:
        machine.teardown()


def _unanswered_item(laptop: OpenProfile, case_id: str) -> str:
    """A checklist item of the case that nobody has answered yet."""
    with laptop.read_session() as session:
        query = select(ChecklistResponse.item_code).where(ChecklistResponse.case_id == case_id)
        answered = set(session.scalars(query))
        templates = pinned_templates(session, case_id)
    return next(i.code for t in templates for i in t.items() if i.code not in answered)


def test_one_checklist_item_answered_on_two_laptops_converges(machine: SyncConvergence) -> None:
    """Both members answer the same checklist item, unanswered so far, while offline."""
    try:
        for name in MEMBERS:  # (see the next test)
            with machine.profile_of(name).session() as session:
                store_shipped_templates(session)
        code = _unanswered_item(machine.profile_of(MEMBERS[0]), machine.case_id)
        for name in MEMBERS:
            answer_item(
                profile=machine.profile_of(name),
                case_id=machine.case_id,
                item_code=code,
                answer=ChecklistAnswer.COMPLIANT,
            )
    finally:
        machine.teardown()


def test_a_member_answers_the_checklist_of_a_synced_case(machine: SyncConvergence) -> None:
    """The case's checklist pin arrives without the template: the shipped version serves."""
    try:
        member = machine.profile_of(MEMBERS[0])
        code = _unanswered_item(machine.profile_of("demo.leader"), machine.case_id)
        answer_item(
            profile=member,
            case_id=machine.case_id,
            item_code=code,
            answer=ChecklistAnswer.COMPLIANT,
        )
        with member.read_session() as session:
            stored = session.scalar(
                select(ChecklistResponse).where(
                    ChecklistResponse.case_id == machine.case_id,
                    ChecklistResponse.item_code == code,
                )
            )
        assert stored is not None and stored.answer is ChecklistAnswer.COMPLIANT
    finally:
        machine.teardown()
