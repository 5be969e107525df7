"""The shared passes of a run: claim facts, the catalogue, line checks, claim aggregates.

Each selected rule's kind may contribute a line check and claim aggregates (see
:mod:`inspector_app.screening.kinds.base`); this module turns the contributions of all
selected rules into four temporary tables, each filled by one statement:

``screen_item``         the catalogue (医保目录) with the level as a rank, in memory;
``screen_claim``        the batch's claims' facts the checks need (visit type, sex, birth
                        date, admission, discharge, doctor), in memory, so that a check on
                        ten million lines never looks up the encrypted claim table;
``screen_line``         one scan of the batch's lines: each line that meets a selected
                        rule's check, with a bit per rule;
``screen_claim_lines``  one pass over the lines in claim order (the (claim, line) index, so
                        the ``GROUP BY`` streams): per candidate claim, the aggregates.

Identical aggregates of two rules (e.g. "an item twice on one day", which the duplicate and
the daily-limit rules both use) are computed once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from inspector_app.screening.kinds.base import RuleContext
from inspector_app.screening.ruleset import Rule

TEMP_TABLES = ("screen_item", "screen_claim", "screen_line", "screen_claim_lines")

ITEMS = """CREATE TEMP TABLE screen_item (
    code TEXT PRIMARY KEY, name TEXT, price_fen INTEGER, daily_limit REAL, sex TEXT,
    min_age INTEGER, max_age INTEGER, level_rank INTEGER
) WITHOUT ROWID"""
FILL_ITEMS = """INSERT INTO temp.screen_item
SELECT code, name, price_fen, daily_limit, sex, min_age, max_age,
    CASE min_level WHEN 'grade_3' THEN 3 WHEN 'grade_2' THEN 2 WHEN 'grade_1' THEN 1
        WHEN 'ungraded' THEN 0 END
FROM medical_item"""
CLAIMS = """CREATE TEMP TABLE screen_claim (
    id INTEGER PRIMARY KEY, visit TEXT, sex TEXT, birth TEXT, admitted TEXT,
    discharged TEXT, doctor TEXT
)"""
FILL_CLAIMS = """INSERT INTO temp.screen_claim
SELECT id, visit_type, patient_sex, patient_birth_date, admission_date, discharge_date,
    doctor_code
FROM claim c WHERE {claims}"""
LINES = """CREATE TEMP TABLE screen_line (
    line_id INTEGER PRIMARY KEY, claim_id INTEGER NOT NULL, mask INTEGER NOT NULL
)"""


@dataclass
class Plan:
    """The selected rules with their contexts (key, bit, aggregate columns assigned)."""

    rules: list[tuple[Rule, RuleContext]]

    @property
    def checks(self) -> list[tuple[Rule, RuleContext]]:
        """Rules whose kind contributes a line check."""
        return [(r, c) for r, c in self.rules if r.engine_kind.line_check is not None]

    @property
    def aggregated(self) -> list[tuple[Rule, RuleContext]]:
        """Rules whose kind contributes claim aggregates."""
        return [(r, c) for r, c in self.rules if r.engine_kind.claim_aggregates is not None]

    @property
    def needs_facts(self) -> bool:
        """Whether any shared pass runs (they all read the claim facts and catalogue)."""
        return bool(self.checks or self.aggregated)


def make_plan(rules: Sequence[tuple[Rule, RuleContext]]) -> Plan:
    """Give each rule its key, its line-check bit and its aggregate columns."""
    planned: list[tuple[Rule, RuleContext]] = []
    bits = 0
    expressions: dict[str, str] = {}
    for number, (rule, given) in enumerate(rules):
        kind = rule.engine_kind
        context = replace(given, key=f"r{number}")
        if kind.line_check is not None:
            context = replace(context, bit=1 << bits)
            bits += 1
        if kind.claim_aggregates is not None:
            columns: dict[str, str] = {}
            for local, sql in kind.claim_aggregates(context).columns.items():
                columns[local] = expressions.setdefault(sql, f"a{len(expressions)}")
            context = replace(context, columns=columns)
        planned.append((rule, context))
    if bits > 62:
        raise ValueError("more than 62 line checks in one run")
    return Plan(planned)


def _line_pass(plan: Plan) -> tuple[str, dict[str, Any]]:
    predicates: list[str] = []
    masks: list[str] = []
    params: dict[str, Any] = {}
    for rule, context in plan.checks:
        check = rule.engine_kind.line_check
        assert check is not None
        made = check(context)
        predicates.append(f"({made.predicate})")
        masks.append(f"(CASE WHEN {made.predicate} THEN {context.bit} ELSE 0 END)")
        params.update(made.params)
        params.update(context.shared_params())
    scope = plan.rules[0][1].scope
    sql = f"""INSERT INTO temp.screen_line (line_id, claim_id, mask)
SELECT l.id, l.claim_id, {" | ".join(masks)}
FROM claim_line l CROSS JOIN temp.screen_claim c LEFT JOIN temp.screen_item m
    ON m.code = l.item_code
WHERE {scope.lines()} AND c.id = l.claim_id AND ({" OR ".join(predicates)})"""
    return sql, {**scope.params(), **params}


def _aggregate_pass(plan: Plan) -> tuple[str, dict[str, Any]]:
    columns: dict[str, str] = {}
    keeps: list[str] = []
    params: dict[str, Any] = {}
    for rule, context in plan.aggregated:
        kind = rule.engine_kind
        assert kind.claim_aggregates is not None and kind.claim_keep is not None
        made = kind.claim_aggregates(context)
        for local, sql in made.columns.items():
            columns[context.columns[local]] = sql
        params.update(made.params)
        params.update(context.shared_params())
        keeps.append(f"({kind.claim_keep(context)})")
    scope = plan.rules[0][1].scope
    selected = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
    # The catalogue only when an aggregate reads it: one look-up per line saved otherwise.
    items = any("m." in sql for sql in columns.values())
    join = " LEFT JOIN temp.screen_item m ON m.code = l.item_code" if items else ""
    sql = f"""CREATE TEMP TABLE screen_claim_lines AS
SELECT g.* FROM (
    SELECT l.claim_id AS claim_id, {selected}
    FROM claim_line l{join}
    WHERE {scope.lines_in_claim_order()}
    GROUP BY l.claim_id
) g JOIN temp.screen_claim c ON c.id = g.claim_id
WHERE {" OR ".join(keeps)}"""
    return sql, {**scope.params(), **params}


def run_passes(driver: Any, plan: Plan) -> dict[str, float]:
    """Build the shared tables the plan needs; seconds per pass."""
    seconds: dict[str, float] = {}
    if not plan.needs_facts:
        return seconds
    scope = plan.rules[0][1].scope
    started = time.perf_counter()
    driver.execute(ITEMS)
    driver.execute(FILL_ITEMS)
    driver.execute(CLAIMS)
    driver.execute(FILL_CLAIMS.format(claims=scope.claims("c")), scope.params())
    seconds["claim_facts"] = time.perf_counter() - started
    driver.execute(LINES)
    if plan.checks:
        started = time.perf_counter()
        sql, params = _line_pass(plan)
        driver.execute(sql, params)
        seconds["line_checks"] = time.perf_counter() - started
    if plan.aggregated:
        started = time.perf_counter()
        sql, params = _aggregate_pass(plan)
        driver.execute(sql, params)
        seconds["claim_aggregates"] = time.perf_counter() - started
    return seconds


def drop_passes(driver: Any) -> None:
    """Drop the shared tables (each may or may not exist)."""
    for table in TEMP_TABLES:
        driver.execute(f"DROP TABLE IF EXISTS temp.{table}")
