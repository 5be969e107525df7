"""Rule kinds that compare billed lines with the insurance catalogue (医保目录).

Each is a line check in the shared scan (one predicate per line against the in-memory
catalogue ``m`` and claim facts ``c``); the kind's statement then words the marked lines.
Daily limits also need the lines of one item and day added up: the check marks single
lines above the limit, and claims where an item appears twice on a day (a claim aggregate)
are added up exactly.
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

# Completed years on the day of service (birth dates and times are ISO text).
AGE_SQL = (
    "(CAST(substr(l.service_time, 1, 4) AS INTEGER)"
    " - CAST(substr({birth}, 1, 4) AS INTEGER)"
    " - (substr(l.service_time, 6, 5) < substr({birth}, 6, 5)))"
)
# An item billed more than once on one day of a claim (also used by duplicate_charge).
REPEATS = f"count(*) - count(DISTINCT l.item_code || {service_day()})"


def _sex_check(ctx: RuleContext) -> LineCheck:
    return LineCheck("m.sex IN ('M', 'F') AND c.sex IN ('M', 'F') AND c.sex != m.sex")


def _sex_restricted(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(**LINE_ITEM, item_sex="m.sex", patient_sex="c.patient_sex")
    sql = f"""{INSERT_HIT}
SELECT :rule, l.claim_id, l.id, NULL, l.amount_fen, {detail}
FROM {marked_lines("claim c", "temp.screen_item m")}
    AND c.id = l.claim_id AND m.code = l.item_code"""
    return [Statement(sql, ctx.bind())]


def _age_check(ctx: RuleContext) -> LineCheck:
    age = AGE_SQL.format(birth="c.birth")
    return LineCheck(
        "(m.min_age IS NOT NULL OR m.max_age IS NOT NULL) AND c.birth != ''"
        f" AND {age} NOT BETWEEN coalesce(m.min_age, -1) AND coalesce(m.max_age, 999)"
    )


def _age_restricted(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        **LINE_ITEM, patient_age=AGE_SQL.format(birth="c.patient_birth_date"),
        min_age="m.min_age", max_age="m.max_age",
    )  # fmt: skip
    sql = f"""{INSERT_HIT}
SELECT :rule, l.claim_id, l.id, NULL, l.amount_fen, {detail}
FROM {marked_lines("claim c", "temp.screen_item m")}
    AND c.id = l.claim_id AND m.code = l.item_code"""
    return [Statement(sql, ctx.bind())]


def _level_check(ctx: RuleContext) -> LineCheck:
    return LineCheck("m.level_rank > :level_rank")


def _level_restricted(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        **LINE_ITEM, item_level="i.min_level", institution_level=":institution_level"
    )
    sql = f"""{INSERT_HIT}
SELECT :rule, l.claim_id, l.id, NULL, l.amount_fen, {detail}
FROM {marked_lines("medical_item i")}
    AND i.code = l.item_code"""
    level = ctx.scope.institution_level.value
    return [Statement(sql, ctx.bind(institution_level=level))]


def _price_check(ctx: RuleContext) -> LineCheck:
    return LineCheck(f"l.unit_price_fen > m.price_fen + {ctx.shared('tolerance_fen')}")


def _price_above(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        **LINE_ITEM, unit_price_fen="l.unit_price_fen", catalogue_price_fen="m.price_fen",
        quantity="l.quantity",
    )  # fmt: skip
    sql = f"""{INSERT_HIT}
SELECT :rule, l.claim_id, l.id, NULL,
    CAST(round((l.unit_price_fen - m.price_fen) * l.quantity) AS INTEGER), {detail}
FROM {marked_lines("temp.screen_item m")}
    AND m.code = l.item_code"""
    return [Statement(sql, ctx.bind())]


def _limit_check(ctx: RuleContext) -> LineCheck:
    return LineCheck(f"l.quantity > m.daily_limit + {ctx.shared('tolerance')}")


def _limit_aggregates(ctx: RuleContext) -> ClaimAggregates:
    return ClaimAggregates({"repeats": REPEATS})


def _limit_keep(ctx: RuleContext) -> str:
    return f"{ctx.column('repeats')} > 0"


def _over_daily_limit(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        item_code="d.item_code", item_name="d.item_name", service_date="d.day",
        quantity="d.quantity", daily_limit="m.daily_limit", lines="d.lines",
    )  # fmt: skip
    sql = f"""WITH candidates AS MATERIALIZED (
    SELECT claim_id FROM temp.screen_line WHERE (mask & :bit) != 0
    UNION SELECT claim_id FROM temp.screen_claim_lines g WHERE {_limit_keep(ctx)}
), days AS (
    SELECT l.claim_id, l.item_code, max(l.item_name) AS item_name, {service_day()} AS day,
        sum(l.quantity) AS quantity, sum(l.amount_fen) AS amount, min(l.id) AS line_id,
        count(*) AS lines
    FROM candidates k CROSS JOIN claim_line l CROSS JOIN temp.screen_item m
    WHERE l.claim_id = k.claim_id AND m.code = l.item_code AND m.daily_limit IS NOT NULL
    GROUP BY l.claim_id, l.item_code, day
)
{INSERT_HIT}
SELECT :rule, d.claim_id, d.line_id, NULL,
    CAST(round((d.quantity - m.daily_limit) * d.amount / d.quantity) AS INTEGER), {detail}
FROM days d JOIN temp.screen_item m ON m.code = d.item_code
WHERE d.quantity > m.daily_limit + :p_tolerance"""
    return [Statement(sql, ctx.bind())]


ITEM_KINDS = (
    Kind(
        name="sex_restricted_item",
        parameters={},
        detail_keys=LINE_DETAIL | {"item_sex", "patient_sex"},
        amount_bases=("line_amount",),
        statements=_sex_restricted,
        target="line",
        line_check=_sex_check,
        strategy="line check: the item's sex against the patient's",
    ),
    Kind(
        name="age_restricted_item",
        parameters={},
        detail_keys=LINE_DETAIL | {"patient_age", "min_age", "max_age"},
        amount_bases=("line_amount",),
        statements=_age_restricted,
        target="line",
        line_check=_age_check,
        strategy="line check: age on the service day against the item's range",
    ),
    Kind(
        name="level_restricted_item",
        parameters={},
        detail_keys=LINE_DETAIL | {"item_level", "institution_level"},
        amount_bases=("line_amount",),
        statements=_level_restricted,
        target="line",
        line_check=_level_check,
        strategy="line check: the item's minimum level against the institution's",
    ),
    Kind(
        name="price_above_catalogue",
        parameters={"tolerance_fen": "integer"},
        detail_keys=LINE_DETAIL | {"unit_price_fen", "catalogue_price_fen", "quantity"},
        amount_bases=("price_excess",),
        statements=_price_above,
        target="line",
        line_check=_price_check,
        strategy="line check: unit price against the catalogue price",
    ),
    Kind(
        name="over_daily_limit",
        parameters={"tolerance": "number"},
        detail_keys=frozenset(
            {"item_code", "item_name", "service_date", "quantity", "daily_limit", "lines"}
        ),
        amount_bases=("quantity_excess",),
        statements=_over_daily_limit,
        target="line",
        line_check=_limit_check,
        claim_aggregates=_limit_aggregates,
        claim_keep=_limit_keep,
        strategy="line check (one line above the limit) and claim aggregate (an item twice "
        "on a day); the candidates' limited lines summed per item and day",
    ),
)
