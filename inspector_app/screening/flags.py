"""Browse a screening run's flags: pages with filters, per-rule summaries, one flag's reason.

The screen shows flags in a lazy table, so :func:`list_flags` returns one page and the total
(a run over a large hospital's year has tens of thousands). Reasons are worded here, in the
active language, from the rule's template and the flag's stored values. A flag's review
status is the review of its (batch, settlement number, rule): one decision covers every
flag a rule raised on one claim, and survives a re-run of the rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.screening.reasons import render_reason
from inspector_app.screening.ruleset import Rule, RuleSet, UnknownRuleError, shipped_ruleset
from local_db.enums import FlagReviewStatus
from local_db.models import ScreeningRun

UNREVIEWED = "unreviewed"
MAX_PAGE = 1000
ORDERS = {
    "amount": "f.amount_fen DESC, f.id",
    "rule": "f.rule_code, f.amount_fen DESC, f.id",
    "settlement": "c.settlement_no, f.id",
    "id": "f.id",
}


class RunNotFoundError(LookupError):
    """No screening run with that id in this profile."""


class FlagNotFoundError(LookupError):
    """No screening flag with that id in this profile."""


@dataclass(frozen=True)
class FlagFilter:
    """Which flags of a run to show (empty fields do not filter).

    ``status`` is a :class:`FlagReviewStatus` value or ``"unreviewed"``; ``doctor`` matches
    the doctor's code exactly or a part of the name; ``search`` a part of the settlement
    number.
    """

    rule_codes: tuple[str, ...] = ()
    status: str = ""
    department: str = ""
    doctor: str = ""
    min_amount_fen: int = 0
    search: str = ""


@dataclass(frozen=True)
class FlagRow:
    """One flag as the table shows it (no patient identifiers)."""

    id: int
    run_id: str
    rule_code: str
    rule_title: str
    claim_id: int
    settlement_no: str
    visit_type: str
    department: str
    doctor_code: str
    doctor_name: str
    admission_date: str
    discharge_date: str | None
    line_id: int | None
    line_no: int | None
    related_claim_id: int | None
    related_settlement_no: str | None
    amount_fen: int
    status: FlagReviewStatus | None
    reason: str
    detail: dict[str, Any] = field(repr=False, default_factory=dict)


@dataclass(frozen=True)
class FlagPage:
    """One page of a run's flags, and how many match the filter in all."""

    rows: list[FlagRow]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class RuleSummary:
    """What one rule raised in a run, and how far its review has come."""

    code: str
    title: str
    flags: int
    claims: int
    amount_fen: int
    confirmed: int
    data_quality: int
    dismissed: int

    @property
    def unreviewed(self) -> int:
        """Flagged claims nobody has decided on yet."""
        return self.claims - self.confirmed - self.data_quality - self.dismissed


@dataclass(frozen=True)
class RunRow:
    """A screening run as lists show it."""

    id: str
    batch_id: str
    case_id: str | None
    ruleset_version: str
    ruleset_sha256: str
    started_at: datetime
    finished_at: datetime
    flag_count: int
    flagged_claims: int
    amount_fen: int
    rules: list[dict[str, Any]]

    def parameters(self, code: str) -> dict[str, Any]:
        """The parameters the run used for rule ``code``."""
        for entry in self.rules:
            if entry.get("code") == code:
                return dict(entry.get("parameters", {}))
        return {}


def _run_row(run: ScreeningRun) -> RunRow:
    return RunRow(
        id=run.id, batch_id=run.batch_id, case_id=run.case_id,
        ruleset_version=run.ruleset_version, ruleset_sha256=run.ruleset_sha256,
        started_at=run.started_at, finished_at=run.finished_at, flag_count=run.flag_count,
        flagged_claims=run.flagged_claims, amount_fen=run.amount_fen,
        rules=json.loads(run.rules or "[]"),
    )  # fmt: skip


def get_run(session: Session, run_id: str) -> RunRow:
    """The run ``run_id``.

    Raises:
        RunNotFoundError: no such run.
    """
    run = session.get(ScreeningRun, run_id)
    if run is None or run.deleted_at is not None:
        raise RunNotFoundError(_("The screening run no longer exists."))
    return _run_row(run)


def runs_of_batch(*, profile: OpenProfile, batch_id: str) -> list[RunRow]:
    """The screening runs of a batch, newest first."""
    with profile.read_session() as session:
        runs = session.scalars(
            select(ScreeningRun)
            .where(ScreeningRun.batch_id == batch_id, ScreeningRun.deleted_at.is_(None))
            .order_by(ScreeningRun.started_at.desc())
        )
        return [_run_row(run) for run in runs]


def _rule(ruleset: RuleSet, code: str) -> Rule | None:
    try:
        return ruleset.rule(code)
    except UnknownRuleError:
        return None


def rule_title(code: str, ruleset: RuleSet | None = None) -> str:
    """A rule's title in the active language (its code when the rule set lacks it)."""
    rule = _rule(ruleset or shipped_ruleset(), code)
    return rule.title.text() if rule is not None else code


def flag_reason(run: RunRow, code: str, detail: dict[str, Any], ruleset: RuleSet) -> str:
    """A flag's reason in the active language, from its rule's template and its detail."""
    rule = _rule(ruleset, code)
    if rule is None:
        return json.dumps(detail, ensure_ascii=False, sort_keys=True)
    return render_reason(rule.reason.text(), detail, run.parameters(code))


_SELECT = """
SELECT f.id, f.rule_code, f.claim_id, c.settlement_no, c.visit_type, c.department,
    c.doctor_code, c.doctor_name, c.admission_date, c.discharge_date, f.line_id, l.line_no,
    f.related_claim_id, r.settlement_no, f.amount_fen, v.status, f.detail
"""
_FROM = """
FROM screening_flag f
    JOIN claim c ON c.id = f.claim_id
    LEFT JOIN claim_line l ON l.id = f.line_id
    LEFT JOIN claim r ON r.id = f.related_claim_id
    LEFT JOIN flag_review v ON v.batch_id = :batch AND v.settlement_no = c.settlement_no
        AND v.rule_code = f.rule_code AND v.deleted_at IS NULL
WHERE f.run_id = :run
"""


def _where(flags: FlagFilter) -> tuple[str, dict[str, Any]]:
    sql = ""
    params: dict[str, Any] = {}
    if flags.rule_codes:
        marks = []
        for number, code in enumerate(flags.rule_codes):
            params[f"rule{number}"] = code
            marks.append(f":rule{number}")
        sql += f" AND f.rule_code IN ({', '.join(marks)})"
    if flags.status == UNREVIEWED:
        sql += " AND v.id IS NULL"
    elif flags.status:
        sql += " AND v.status = :status"
        params["status"] = FlagReviewStatus(flags.status).value
    if flags.department:
        sql += " AND c.department = :department"
        params["department"] = flags.department
    if flags.doctor:
        sql += " AND (c.doctor_code = :doctor OR instr(c.doctor_name, :doctor) > 0)"
        params["doctor"] = flags.doctor
    if flags.min_amount_fen:
        sql += " AND f.amount_fen >= :min_amount"
        params["min_amount"] = int(flags.min_amount_fen)
    if flags.search.strip():
        sql += " AND instr(c.settlement_no, :search) > 0"
        params["search"] = flags.search.strip()
    return sql, params


def _flag_row(run: RunRow, row: Any, ruleset: RuleSet) -> FlagRow:
    detail = json.loads(row[16] or "{}")
    return FlagRow(
        id=row[0], run_id=run.id, rule_code=row[1], rule_title=rule_title(row[1], ruleset),
        claim_id=row[2], settlement_no=row[3], visit_type=row[4], department=row[5],
        doctor_code=row[6], doctor_name=row[7], admission_date=row[8], discharge_date=row[9],
        line_id=row[10], line_no=row[11], related_claim_id=row[12],
        related_settlement_no=row[13], amount_fen=int(row[14]),
        status=FlagReviewStatus(row[15]) if row[15] else None,
        reason=flag_reason(run, row[1], detail, ruleset), detail=detail,
    )  # fmt: skip


def list_flags(
    *,
    profile: OpenProfile,
    run_id: str,
    filters: FlagFilter | None = None,
    offset: int = 0,
    limit: int = 100,
    order: str = "amount",
) -> FlagPage:
    """One page of the run's flags matching ``filters`` (largest amount first by default).

    Raises:
        RunNotFoundError: no such run.
        ValueError: an unknown ``order`` or review status.
    """
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}; use one of {', '.join(ORDERS)}")
    limit = max(1, min(int(limit), MAX_PAGE))
    where, params = _where(filters or FlagFilter())
    ruleset = shipped_ruleset()
    with profile.read_session() as session:
        run = get_run(session, run_id)
        params |= {"run": run_id, "batch": run.batch_id}
        total = session.execute(text(f"SELECT count(*) {_FROM} {where}"), params).scalar_one()
        rows = session.execute(
            text(f"{_SELECT} {_FROM} {where} ORDER BY {ORDERS[order]} LIMIT :limit OFFSET :offset"),
            params | {"limit": limit, "offset": max(0, int(offset))},
        ).all()
    return FlagPage(
        rows=[_flag_row(run, row, ruleset) for row in rows],
        total=int(total), offset=max(0, int(offset)), limit=limit,
    )  # fmt: skip


def get_flag(*, profile: OpenProfile, flag_id: int) -> FlagRow:
    """One flag with its reason.

    Raises:
        FlagNotFoundError: no such flag.
    """
    with profile.read_session() as session:
        run_id = session.execute(
            text("SELECT run_id FROM screening_flag WHERE id = :id"), {"id": flag_id}
        ).scalar()
        if run_id is None:
            raise FlagNotFoundError(_("The screening flag no longer exists."))
        run = get_run(session, run_id)
        row = session.execute(
            text(f"{_SELECT} {_FROM} AND f.id = :id"),
            {"run": run_id, "batch": run.batch_id, "id": flag_id},
        ).one()
    return _flag_row(run, row, shipped_ruleset())


def rule_summaries(*, profile: OpenProfile, run_id: str) -> list[RuleSummary]:
    """Per rule of the run (in rule-file order): flags, claims, amount and review counts."""
    ruleset = shipped_ruleset()
    with profile.read_session() as session:
        run = get_run(session, run_id)
        rows = session.execute(
            text(
                "SELECT f.rule_code, count(*), count(DISTINCT f.claim_id),"
                " coalesce(sum(f.amount_fen), 0) FROM screening_flag f"
                " WHERE f.run_id = :run GROUP BY f.rule_code"
            ),
            {"run": run_id},
        ).all()
        reviews = session.execute(
            text(
                "SELECT f.rule_code, v.status, count(DISTINCT f.claim_id)"
                " FROM screening_flag f JOIN claim c ON c.id = f.claim_id"
                " JOIN flag_review v ON v.batch_id = :batch AND v.settlement_no = c.settlement_no"
                " AND v.rule_code = f.rule_code AND v.deleted_at IS NULL"
                " WHERE f.run_id = :run GROUP BY f.rule_code, v.status"
            ),
            {"run": run_id, "batch": run.batch_id},
        ).all()
    decided: dict[tuple[str, str], int] = {(code, status): n for code, status, n in reviews}
    found = {code: (flags, claims, amount) for code, flags, claims, amount in rows}
    order = [entry["code"] for entry in run.rules if "code" in entry]
    order += sorted(set(found) - set(order))
    return [
        RuleSummary(
            code=code,
            title=rule_title(code, ruleset),
            flags=found.get(code, (0, 0, 0))[0],
            claims=found.get(code, (0, 0, 0))[1],
            amount_fen=int(found.get(code, (0, 0, 0))[2]),
            confirmed=decided.get((code, FlagReviewStatus.CONFIRMED.value), 0),
            data_quality=decided.get((code, FlagReviewStatus.DATA_QUALITY.value), 0),
            dismissed=decided.get((code, FlagReviewStatus.DISMISSED.value), 0),
        )
        for code in order
    ]


@dataclass(frozen=True)
class FlagFacets:
    """The values the filters of a run's flags can take (for the screen's choices)."""

    rule_codes: list[str]
    departments: list[str]
    doctors: list[tuple[str, str]]  # (code, name)


def flag_facets(*, profile: OpenProfile, run_id: str) -> FlagFacets:
    """Rules, departments and doctors that occur among the run's flags."""
    with profile.read_session() as session:
        get_run(session, run_id)
        codes = session.execute(
            text("SELECT DISTINCT rule_code FROM screening_flag WHERE run_id = :run ORDER BY 1"),
            {"run": run_id},
        ).scalars()
        rows = session.execute(
            text(
                "SELECT DISTINCT c.department, c.doctor_code, c.doctor_name"
                " FROM screening_flag f JOIN claim c ON c.id = f.claim_id WHERE f.run_id = :run"
            ),
            {"run": run_id},
        ).all()
        return FlagFacets(
            rule_codes=list(codes),
            departments=sorted({row[0] for row in rows}),
            doctors=sorted({(row[1], row[2]) for row in rows}),
        )
