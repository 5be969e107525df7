"""Rule kinds over billed lines: timing, duplicates, quantities, traceability codes, volume.

Dates after discharge and quantities against the order are line checks of the shared scan.
Duplicate charges and prescription times are claim aggregates of the shared pass in claim
order: only the claims where an item appears twice on a day are searched for exact
duplicates, and the first line's time of each outpatient claim is kept for the burst rule.
Traceability codes cross claims, so their rule groups the lines that carry one, once.
"""

from __future__ import annotations

from inspector_app.screening.kinds.base import (
    INSERT_HIT,
    LINE_DETAIL,
    LINE_ITEM,
    ClaimAggregates,
    Kind,
    LineCheck,
    RuleContext,
    Statement,
    json_detail,
    marked_lines,
    service_day,
)
from inspector_app.screening.kinds.items import REPEATS


def _after_discharge_check(ctx: RuleContext) -> LineCheck:
    day = service_day()
    grace = f"+{ctx.integer('grace_days')} days"
    return LineCheck(
        f"c.discharged IS NOT NULL AND {day} > c.discharged"
        f" AND {day} > date(c.discharged, :{ctx.key}_grace)",
        {f"{ctx.key}_grace": grace},
    )


def _after_discharge(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        **LINE_ITEM, discharge_date="c.discharge_date",
        days_after=f"CAST(julianday({service_day()}) - julianday(c.discharge_date) AS INTEGER)",
    )  # fmt: skip
    sql = f"""{INSERT_HIT}
SELECT :rule, l.claim_id, l.id, NULL, l.amount_fen, {detail}
FROM {marked_lines("claim c")} AND c.id = l.claim_id"""
    return [Statement(sql, ctx.bind())]


def _duplicate_aggregates(ctx: RuleContext) -> ClaimAggregates:
    return ClaimAggregates({"repeats": REPEATS})


def _duplicate_keep(ctx: RuleContext) -> str:
    return f"{ctx.column('repeats')} > 0"


def _duplicate_charge(ctx: RuleContext) -> list[Statement]:
    # Items with a daily limit above one may legitimately appear twice a day; the daily
    # limit rule judges those.
    key = f"l.item_code || '|' || {service_day()} || '|' || l.quantity || '|' || l.unit_price_fen"
    detail = json_detail(
        line_no="line_no", item_code="item_code", item_name="item_name",
        service_date="substr(service_time, 1, 10)", quantity="quantity",
        unit_price_fen="unit_price_fen", copies="n", first_line_no="first_line_no",
    )  # fmt: skip
    sql = f"""{INSERT_HIT}
SELECT :rule, claim_id, id, NULL, amount_fen, {detail}
FROM (
    SELECT l.id, l.claim_id, l.line_no, l.item_code, l.item_name, l.service_time,
        l.quantity, l.unit_price_fen, l.amount_fen,
        row_number() OVER w AS copy, count(*) OVER w AS n,
        first_value(l.line_no) OVER w AS first_line_no
    FROM temp.screen_claim_lines g CROSS JOIN claim_line l
    WHERE {_duplicate_keep(ctx)} AND l.claim_id = g.claim_id
        AND l.item_code NOT IN (SELECT code FROM medical_item WHERE daily_limit > 1)
    WINDOW w AS (PARTITION BY l.claim_id, {key} ORDER BY l.line_no
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
WHERE copy > 1"""
    return [Statement(sql, ctx.bind())]


def _ordered_check(ctx: RuleContext) -> LineCheck:
    return LineCheck(
        "l.ordered_quantity IS NOT NULL"
        f" AND abs(l.quantity - l.ordered_quantity) > {ctx.shared('tolerance')}"
        f" AND ({ctx.shared('billed_above_only')} = 0 OR l.quantity > l.ordered_quantity)"
    )


def _ordered_mismatch(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        **LINE_ITEM, quantity="l.quantity", ordered_quantity="l.ordered_quantity",
        unit_price_fen="l.unit_price_fen",
    )  # fmt: skip
    sql = f"""{INSERT_HIT}
SELECT :rule, l.claim_id, l.id, NULL,
    CAST(round(max(l.quantity - l.ordered_quantity, 0) * l.unit_price_fen) AS INTEGER),
    {detail}
FROM {marked_lines()}"""
    return [Statement(sql, ctx.bind())]


def _duplicate_trace_code(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        **LINE_ITEM, trace_code="l.trace_code", settlements="d.claims", times="d.lines",
        other_settlement_no="(SELECT settlement_no FROM claim WHERE id = d.first_claim)",
    )  # fmt: skip
    # One sort of the lines that carry a code; the ids of each repeated code's lines come
    # with the group (json), so the repeats are fetched by row id, not by a second scan.
    sql = f"""WITH reused AS MATERIALIZED (
    SELECT l.trace_code, min(l.id) AS first_line, l.claim_id AS first_claim,
        count(*) AS lines, json_group_array(l.id) AS ids
    FROM claim_line l
    WHERE {ctx.scope.lines()} AND l.trace_code IS NOT NULL AND l.trace_code != ''
    GROUP BY l.trace_code HAVING count(*) > 1
), spread AS MATERIALIZED (
    SELECT d.trace_code, d.first_line, d.first_claim, d.lines,
        (SELECT count(DISTINCT x.claim_id) FROM json_each(d.ids) j
            JOIN claim_line x ON x.id = j.value) AS claims,
        d.ids
    FROM reused d
)
{INSERT_HIT}
SELECT :rule, l.claim_id, l.id,
    CASE WHEN d.first_claim != l.claim_id THEN d.first_claim END, l.amount_fen, {detail}
FROM spread d CROSS JOIN json_each(d.ids) j CROSS JOIN claim_line l
WHERE l.id = j.value AND l.id != d.first_line"""
    return [Statement(sql, ctx.bind())]


def _burst_aggregates(ctx: RuleContext) -> ClaimAggregates:
    return ClaimAggregates({"first_line": "min(l.service_time)"})


def _burst_keep(ctx: RuleContext) -> str:
    return "c.visit = 'outpatient' AND c.doctor != ''"


def _prescription_burst(ctx: RuleContext) -> list[Statement]:
    window = ctx.integer("window_seconds")
    amount = "fund_fen" if ctx.amount_basis == "claim_fund" else "total_fen"
    detail = json_detail(
        doctor_code="k.doctor_code", doctor_name="k.doctor_name", prescribed_at="b.t",
        burst_count="b.burst", window_seconds=":p_window_seconds",
    )  # fmt: skip
    # Frame offsets must be constants: the window (a validated integer) is written in.
    sql = f"""WITH written AS MATERIALIZED (
    -- When each outpatient prescription was written: its earliest line.
    SELECT g.claim_id AS id, c.doctor, {ctx.column("first_line")} AS t,
        unixepoch({ctx.column("first_line")}) AS s
    FROM temp.screen_claim_lines g CROSS JOIN temp.screen_claim c
    WHERE c.id = g.claim_id AND {_burst_keep(ctx)}
), ahead AS (
    SELECT *, count(*) OVER (PARTITION BY doctor ORDER BY s
        RANGE BETWEEN CURRENT ROW AND {window - 1} FOLLOWING) AS n
    FROM written
), member AS (
    SELECT *, max(CASE WHEN n >= :p_count THEN n END) OVER (PARTITION BY doctor
        ORDER BY s RANGE BETWEEN {window - 1} PRECEDING AND CURRENT ROW) AS burst
    FROM ahead
)
{INSERT_HIT}
SELECT :rule, b.id, NULL, NULL, k.{amount}, {detail}
FROM member b CROSS JOIN claim k
WHERE b.burst IS NOT NULL AND k.id = b.id"""
    return [Statement(sql, ctx.bind())]


def _after_death(ctx: RuleContext) -> list[Statement]:
    after = f"{service_day()} > date(d.died, :grace)"
    detail = json_detail(
        death_date="d.died", admission_date="c.admission_date",
        first_service_date=f"min(CASE WHEN {after} THEN {service_day()} END)",
        lines=f"coalesce(sum({after}), 0)",
    )  # fmt: skip
    sql = f"""WITH dead AS MATERIALIZED (
    SELECT id_no, min(death_date) AS died FROM death_record GROUP BY id_no
)
{INSERT_HIT}
SELECT :rule, c.id, NULL, NULL,
    coalesce(sum(CASE WHEN {after} THEN l.amount_fen END), 0), {detail}
FROM dead d CROSS JOIN claim c LEFT JOIN claim_line l ON l.claim_id = c.id
WHERE c.patient_id_no = d.id_no AND {ctx.scope.claims("c")}
GROUP BY c.id
HAVING c.admission_date > date(d.died, :grace) OR max({after})"""
    grace = f"+{ctx.integer('grace_days')} days"
    return [Statement(sql, ctx.bind(grace=grace))]


LINE_KINDS = (
    Kind(
        name="after_discharge",
        parameters={"grace_days": "integer"},
        detail_keys=LINE_DETAIL | {"discharge_date", "days_after"},
        amount_bases=("line_amount",),
        statements=_after_discharge,
        target="line",
        line_check=_after_discharge_check,
        strategy="line check: the service day against the claim's discharge day",
    ),
    Kind(
        name="duplicate_charge",
        parameters={},
        detail_keys=LINE_DETAIL | {"quantity", "unit_price_fen", "copies", "first_line_no"},
        amount_bases=("duplicate_lines",),
        statements=_duplicate_charge,
        target="line",
        claim_aggregates=_duplicate_aggregates,
        claim_keep=_duplicate_keep,
        strategy="claim aggregate (an item twice on a day); a window numbers the copies "
        "within the candidates",
    ),
    Kind(
        name="ordered_quantity_mismatch",
        parameters={"tolerance": "number", "billed_above_only": "boolean"},
        detail_keys=LINE_DETAIL | {"quantity", "ordered_quantity", "unit_price_fen"},
        amount_bases=("ordered_excess",),
        statements=_ordered_mismatch,
        target="line",
        line_check=_ordered_check,
        strategy="line check: billed against ordered quantity",
    ),
    Kind(
        name="duplicate_trace_code",
        parameters={},
        detail_keys=LINE_DETAIL | {"trace_code", "settlements", "times", "other_settlement_no"},
        amount_bases=("line_amount",),
        statements=_duplicate_trace_code,
        target="line",
        strategy="lines with a code grouped by code (one scan, one sort of those lines); "
        "repeats fetched by row id",
    ),
    Kind(
        name="prescription_burst",
        parameters={"window_seconds": "integer", "count": "integer"},
        detail_keys=frozenset(
            {"doctor_code", "doctor_name", "prescribed_at", "burst_count", "window_seconds"}
        ),
        amount_bases=("claim_fund", "claim_total"),
        statements=_prescription_burst,
        claim_aggregates=_burst_aggregates,
        claim_keep=_burst_keep,
        strategy="claim aggregate (first line time); two RANGE windows per doctor",
    ),
    Kind(
        name="after_death",
        parameters={"grace_days": "integer"},
        detail_keys=frozenset({"death_date", "admission_date", "first_service_date", "lines"}),
        amount_bases=("lines_after_date",),
        statements=_after_death,
        strategy="death records first, claims through the ID-number index, lines by claim",
    ),
)
