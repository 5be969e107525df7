"""Run a rule set over one settlement batch: rule statements, then one write of the results.

A run has two phases on one database connection. The *read* phase runs, inside one read
transaction (a consistent snapshot of the batch), the shared passes the selected rules need
(:mod:`.passes`: one scan of the lines for every line check, one pass in claim order for
every claim aggregate) and then each rule's own set-based statements, collecting the hits
in temporary tables, which live in memory (``temp_store = MEMORY``) and take no lock on the
database: a long run never blocks the application's other writes.
The *write* phase is one short transaction: the ``ScreeningRun`` row through the ORM (it is
synced, so the outbox hook records it) and the flags copied from the temporary table. A
cancellation — between rules or inside a statement, through SQLite's progress handler —
rolls back and leaves nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Cancelled, Progress
from inspector_app.screening.kinds import ParamValue, RuleContext
from inspector_app.screening.passes import drop_passes, make_plan, run_passes
from inspector_app.screening.ruleset import Rule, RuleSet, shipped_ruleset
from inspector_app.screening.scope import BatchNotFoundError, BatchScope, read_scope
from local_db.engine import ProfileSession
from local_db.models import ScreeningFlag, ScreeningRun
from local_db.outbox import ACTOR_KEY
from local_db.types import utc_now

# Page cache for the run (restored afterwards): the lines of a large batch are read several
# times; 256 MiB keeps the claims, indexes and a good part of the lines decrypted between
# rules, as the bulk loader does for its inserts.
RUN_CACHE_KIB = 256 * 1024
# SQLite calls the progress handler every this many virtual-machine steps (~a few ms).
CANCEL_CHECK_STEPS = 200_000

CREATE_HITS = """CREATE TEMP TABLE screen_hit (
    rule_code TEXT NOT NULL, claim_id INTEGER NOT NULL, line_id INTEGER,
    related_claim_id INTEGER, amount_fen INTEGER NOT NULL DEFAULT 0, detail TEXT NOT NULL
)"""
COPY_FLAGS = """INSERT INTO screening_flag
    (run_id, rule_code, claim_id, line_id, related_claim_id, amount_fen, detail)
SELECT ?, rule_code, claim_id, line_id, related_claim_id, coalesce(amount_fen, 0), detail
FROM temp.screen_hit ORDER BY rowid"""


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule found in a run and how long it took."""

    code: str
    kind: str
    parameters: dict[str, ParamValue]
    flags: int
    claims: int
    amount_fen: int
    seconds: float

    def as_json(self) -> dict[str, Any]:
        """The entry of ``ScreeningRun.rules``."""
        return {
            "code": self.code,
            "kind": self.kind,
            "parameters": {
                k: list(v) if isinstance(v, tuple) else v for k, v in self.parameters.items()
            },
            "flags": self.flags,
            "claims": self.claims,
            "amount_fen": self.amount_fen,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class RunResult:
    """A finished run: its id and per-rule outcomes."""

    run_id: str
    batch_id: str
    ruleset_version: str
    ruleset_sha256: str
    rules: list[RuleOutcome]
    flag_count: int
    flagged_claims: int
    amount_fen: int
    seconds: float
    # Seconds of the shared work: "scope", "claim_facts", "line_checks", "claim_aggregates".
    shared_seconds: dict[str, float] = field(default_factory=dict)
    write_seconds: float = 0.0


def _interrupted(exc: Exception) -> bool:
    return "interrupt" in str(exc).lower()


@contextmanager
def _tuned(driver: Any, *, cache_kib: int, progress: Progress) -> Iterator[None]:
    """A larger page cache and a progress handler that aborts a statement on cancel."""
    previous = driver.execute("PRAGMA cache_size").fetchone()[0]
    driver.execute(f"PRAGMA cache_size = {-int(cache_kib)}")
    driver.set_progress_handler(lambda: 1 if progress.cancelled else 0, CANCEL_CHECK_STEPS)
    try:
        yield
    finally:
        driver.set_progress_handler(None, 0)
        driver.execute(f"PRAGMA cache_size = {int(previous)}")


def _run_rule(driver: Any, rule: Rule, context: RuleContext) -> RuleOutcome:
    started = time.perf_counter()
    before = driver.execute("SELECT coalesce(max(rowid), 0) FROM temp.screen_hit").fetchone()[0]
    for statement in rule.engine_kind.statements(context):
        driver.execute(statement.sql, dict(statement.params))
    flags, claims, amount = driver.execute(
        "SELECT count(*), count(DISTINCT claim_id), coalesce(sum(amount_fen), 0)"
        " FROM temp.screen_hit WHERE rowid > ?",
        (before,),
    ).fetchone()
    return RuleOutcome(
        code=rule.code, kind=rule.kind, parameters=dict(context.parameters), flags=int(flags),
        claims=int(claims), amount_fen=int(amount), seconds=time.perf_counter() - started,
    )  # fmt: skip


def require_may_screen(session: Session, profile: OpenProfile, case_id: str | None) -> None:
    """Refuse a user who may not screen: in a case, one who may not record in it; outside a
    case (no team to ask), a profile owner whose own role does not record (a supervisor).

    Raises:
        NotAllowedError: saying why.
    """
    from inspector_app.casework.access import (
        RECORDING_USER_ROLES,
        NotAllowedError,
        require_recording,
        user_role,
    )

    if case_id is not None:
        require_recording(session, profile, case_id)
    elif user_role(session, profile) not in RECORDING_USER_ROLES:
        raise NotAllowedError(_("Your role does not allow screening settlement data."))


def may_screen(*, profile: OpenProfile, batch_id: str) -> bool:
    """Whether the user may run screening over batch ``batch_id`` (for enabling the action).

    Raises:
        BatchNotFoundError: no such batch.
    """
    from inspector_app.casework.access import CaseNotFoundError, NotAllowedError

    try:
        _check_may_run(profile, batch_id)
    except (NotAllowedError, CaseNotFoundError):
        return False
    return True


def _check_may_run(profile: OpenProfile, batch_id: str) -> None:
    """Refuse early (before minutes of work) when the user may not screen this batch."""
    from local_db.models import SettlementBatch

    with profile.read_session() as session:
        batch = session.get(SettlementBatch, batch_id)
        if batch is None or batch.deleted_at is not None:
            raise BatchNotFoundError(batch_id)
        require_may_screen(session, profile, batch.case_id)


@contextmanager
def _screening_connection(
    profile: OpenProfile, *, cache_kib: int, progress: Progress
) -> Iterator[tuple[Any, Any]]:
    """A connection and its driver, tuned for a run; the run's temporary tables are dropped
    when it ends, however it ends."""
    with profile.engine.connect() as connection:
        driver: Any = connection.connection.driver_connection
        try:
            with _tuned(driver, cache_kib=cache_kib, progress=progress):
                yield connection, driver
        finally:
            driver.execute("DROP TABLE IF EXISTS temp.screen_hit")
            drop_passes(driver)


def resolve_rules(
    ruleset: RuleSet,
    *,
    only: Iterable[str] | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[tuple[Rule, dict[str, ParamValue]]]:
    """The rules to run and their parameters (defaults with ``parameters`` applied).

    Raises:
        UnknownRuleError: ``only`` or ``parameters`` names a rule the set does not have.
        ParameterError: an unknown parameter or a value out of range.
    """
    overrides = dict(parameters or {})
    for code in overrides:
        ruleset.rule(code)
    return [(rule, rule.resolve(overrides.get(rule.code))) for rule in ruleset.select(only)]


def run_screening(
    *,
    profile: OpenProfile,
    batch_id: str,
    progress: Progress,
    ruleset: RuleSet | None = None,
    only: Iterable[str] | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    cache_kib: int = RUN_CACHE_KIB,
) -> RunResult:
    """Run the rules over batch ``batch_id`` and record the run and its flags.

    Args:
        ruleset: the rule set (default: the newest shipped one).
        only: rule codes to run (default: every enabled rule).
        parameters: per rule code, parameter values replacing the defaults.

    Raises:
        BatchNotFoundError: no such batch.
        NotAllowedError: the batch belongs to a case the user may not record in, or to no
            case and the user's own role does not record (see :func:`require_may_screen`).
        UnknownRuleError, ParameterError: bad ``only`` or ``parameters``.
        Cancelled: ``progress`` was cancelled; nothing was written.
    """
    ruleset = ruleset or shipped_ruleset()
    chosen = resolve_rules(ruleset, only=only, parameters=parameters)
    _check_may_run(profile, batch_id)
    started_at, started = utc_now(), time.perf_counter()
    outcomes: list[RuleOutcome] = []
    try:
        with _screening_connection(profile, cache_kib=cache_kib, progress=progress) as (
            connection,
            driver,
        ):
            with connection.begin():
                scope, shared = _find_hits(driver, batch_id, chosen, outcomes, progress)
            writing = time.perf_counter()
            result = _write(
                profile, connection, driver, ruleset=ruleset, scope=scope,
                outcomes=outcomes, started_at=started_at,
            )  # fmt: skip
    except Exception as exc:
        if progress.cancelled and _interrupted(exc):
            raise Cancelled from exc
        raise
    progress.finish()
    return RunResult(
        run_id=result[0],
        batch_id=batch_id,
        ruleset_version=ruleset.version,
        ruleset_sha256=ruleset.sha256,
        rules=outcomes,
        flag_count=result[1],
        flagged_claims=result[2],
        amount_fen=result[3],
        seconds=time.perf_counter() - started,
        shared_seconds=shared,
        write_seconds=time.perf_counter() - writing,
    )


def _find_hits(
    driver: Any,
    batch_id: str,
    chosen: list[tuple[Rule, dict[str, ParamValue]]],
    outcomes: list[RuleOutcome],
    progress: Progress,
) -> tuple[BatchScope, dict[str, float]]:
    """The read phase: every chosen rule's hits into ``temp.screen_hit`` (call inside one
    read transaction); the outcomes are appended as the rules finish."""
    started = time.perf_counter()
    scope = read_scope(driver, batch_id)
    driver.execute(CREATE_HITS)
    shared = {"scope": time.perf_counter() - started}
    plan = make_plan([
        (rule, RuleContext(rule.code, values, rule.amount_basis, scope))
        for rule, values in chosen
    ])  # fmt: skip
    steps = len(chosen) + 1
    progress.start(_("Reading the settlement lines once for all rules"), steps)
    shared |= run_passes(driver, plan)
    for number, (rule, context) in enumerate(plan.rules, start=1):
        progress.start(
            _("Screening rule {n} of {total}: {title}").format(
                n=number, total=len(chosen), title=rule.title.text()
            ),
            total=steps,
        )
        progress.advance(number)
        outcomes.append(_run_rule(driver, rule, context))
    return scope, shared


def restore_flags(
    profile: OpenProfile,
    run_id: str,
    *,
    progress: Progress | None = None,
    cache_kib: int = RUN_CACHE_KIB,
) -> str | None:
    """Re-create the flags of a run this profile holds only the record of (a run made on
    another laptop: flags are bulk rows and do not sync).

    The run's rules are run again with its recorded parameters, under the rule set it names
    (which must be the one shipped, byte for byte), and the flags are kept only when every
    rule finds exactly as many as the record says. Returns None when the flags are here
    (already, or written now), else why they cannot be re-created.
    """
    progress = progress or Progress()
    with profile.read_session() as session:
        run = session.get(ScreeningRun, run_id)
        if run is None or run.deleted_at is not None:
            return _("No screening run {id} in this profile.").format(id=run_id)
        held = session.scalar(select(ScreeningFlag.id).where(ScreeningFlag.run_id == run_id))
        if run.flag_count == 0 or held is not None:
            return None
        recorded: list[dict[str, Any]] = json.loads(run.rules)
        batch_id, version, sha256 = run.batch_id, run.ruleset_version, run.ruleset_sha256
    ruleset = shipped_ruleset()
    if ruleset.sha256 != sha256:
        return _("The run used rule set {version}, which this version of the application does "
                 "not ship; update it to see the run's flags.").format(version=version)  # fmt: skip
    try:
        chosen = resolve_rules(
            ruleset,
            only=[entry["code"] for entry in recorded],
            parameters={entry["code"]: entry["parameters"] for entry in recorded},
        )
    except (LookupError, ValueError) as error:
        return str(error)
    outcomes: list[RuleOutcome] = []
    with _screening_connection(profile, cache_kib=cache_kib, progress=progress) as (
        connection,
        driver,
    ):
        with connection.begin():
            _find_hits(driver, batch_id, chosen, outcomes, progress)
        found = {outcome.code: outcome.flags for outcome in outcomes}
        differing = sorted(
            entry["code"] for entry in recorded if found.get(entry["code"]) != entry["flags"]
        )
        if differing:
            # Rules that read reference data (catalogues, registers) or other
            # institutions' batches find other things where those are not the same.
            return _("rules {codes} find other flags here than in the run (their "
                     "reference data or other batches differ on this laptop)").format(
                codes=", ".join(differing)
            )  # fmt: skip
        with connection.begin():
            driver.execute(COPY_FLAGS, (run_id,))
    progress.finish()
    return None


def _write(
    profile: OpenProfile,
    connection: Any,
    driver: Any,
    *,
    ruleset: RuleSet,
    scope: BatchScope,
    outcomes: list[RuleOutcome],
    started_at: Any,
) -> tuple[str, int, int, int]:
    """The write phase: the run row (ORM, outbox) and its flags, in one transaction."""
    session = ProfileSession(bind=connection, expire_on_commit=False)
    session.info[ACTOR_KEY] = profile.actor
    with session, session.begin():
        require_may_screen(session, profile, scope.case_id)
        flags, claims, amount = driver.execute(
            "SELECT count(*), count(DISTINCT claim_id), coalesce(sum(amount_fen), 0)"
            " FROM temp.screen_hit"
        ).fetchone()
        run = ScreeningRun(
            batch_id=scope.batch_id,
            case_id=scope.case_id,
            ruleset_version=ruleset.version,
            ruleset_sha256=ruleset.sha256,
            rules=json.dumps([o.as_json() for o in outcomes], ensure_ascii=False),
            started_at=started_at,
            finished_at=utc_now(),
            flag_count=int(flags),
            flagged_claims=int(claims),
            amount_fen=int(amount),
        )
        session.add(run)
        session.flush()
        driver.execute(COPY_FLAGS, (run.id,))
        profile.audit(
            session, "screening.run", entity="screening_run", entity_id=run.id,
            detail=f"batch={scope.batch_id} rules={len(outcomes)} flags={flags}",
            case_id=scope.case_id,
        )  # fmt: skip
        return run.id, int(flags), int(claims), int(amount)
