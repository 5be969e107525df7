"""Rule kinds over claim headers: readmissions, long or overlapping stays, 挂床, two places.

Every statement here works on one batch's claims (a few hundred thousand inpatient stays at
most), sorted once per statement by a window function partitioned by patient. The one that
needs lines (``stay_without_care``) takes per-stay counts of care days from the shared pass
in claim order and reads the lines only of the stays that could hold a long idle stretch.
"""

from __future__ import annotations

from inspector_app.screening.kinds.base import (
    INSERT_HIT,
    ClaimAggregates,
    Kind,
    RuleContext,
    Statement,
    json_detail,
    prefix_condition,
    service_day,
)

CLAIM_BASES = ("claim_fund", "claim_total")
STAYS = "c.visit_type = 'inpatient' AND c.discharge_date IS NOT NULL"
LOS = "CAST(julianday(c.discharge_date) - julianday(c.admission_date) AS INTEGER)"
VISITS = "('outpatient', 'inpatient')"


def _readmission(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        gap_days="gap", window_days=":p_window_days", other_settlement_no="prev_no",
        other_discharge_date="prev_out", admission_date="admitted",
        diagnosis_code="dx_code", diagnosis_name="dx_name",
    )  # fmt: skip
    sql = f"""{INSERT_HIT}
SELECT :rule, id, NULL, prev_id, amount, {detail}
FROM (
    SELECT c.id, {ctx.claim_amount("c")} AS amount, c.admission_date AS admitted,
        c.diagnosis_code AS dx_code, c.diagnosis_name AS dx_name,
        substr(c.diagnosis_code, 1, :p_diagnosis_prefix_length) AS dx,
        LAG(substr(c.diagnosis_code, 1, :p_diagnosis_prefix_length)) OVER w AS prev_dx,
        LAG(c.id) OVER w AS prev_id, LAG(c.settlement_no) OVER w AS prev_no,
        LAG(c.discharge_date) OVER w AS prev_out,
        CAST(julianday(c.admission_date) - julianday(LAG(c.discharge_date) OVER w)
             AS INTEGER) AS gap
    FROM claim c
    WHERE {ctx.scope.claims("c")} AND {STAYS}
    WINDOW w AS (PARTITION BY c.patient_id_no ORDER BY c.admission_date, c.id)
)
WHERE prev_id IS NOT NULL AND gap BETWEEN 0 AND :p_window_days AND dx = prev_dx"""
    return [Statement(sql, ctx.bind())]


def _long_stay(ctx: RuleContext) -> list[Statement]:
    if ctx.amount_basis == "fund_share_beyond_norm":
        amount = "CAST(s.fund_fen * (s.los - m.norm) / s.los AS INTEGER)"
    else:
        amount = f"s.{'fund_fen' if ctx.amount_basis == 'claim_fund' else 'total_fen'}"
    detail = json_detail(
        stay_days="s.los", norm_days="round(m.norm, 1)", multiple=":p_multiple",
        cases="m.cases", diagnosis_code="s.dx", diagnosis_name="s.dx_name",
    )  # fmt: skip
    sql = f"""WITH stays AS MATERIALIZED (
    SELECT c.id, c.fund_fen, c.total_fen, c.diagnosis_code AS dx,
        c.diagnosis_name AS dx_name, {LOS} AS los
    FROM claim c WHERE {ctx.scope.claims("c")} AND {STAYS}
), ranked AS (
    SELECT dx, los, row_number() OVER (PARTITION BY dx ORDER BY los) AS rn,
        count(*) OVER (PARTITION BY dx) AS n
    FROM stays
), norms AS (
    -- The median stay of the diagnosis in this batch: robust to the outliers themselves.
    SELECT dx, avg(los) AS norm, max(n) AS cases FROM ranked
    WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY dx
)
{INSERT_HIT}
SELECT :rule, s.id, NULL, NULL, {amount}, {detail}
FROM stays s JOIN norms m ON m.dx = s.dx
WHERE m.cases >= :p_min_cases AND s.los >= :p_min_days AND s.los > :p_multiple * m.norm"""
    return [Statement(sql, ctx.bind())]


def _routine(ctx: RuleContext, name: str) -> tuple[str, dict[str, str]]:
    return prefix_condition("l.item_code", ctx.codes("routine_prefixes"), name)


def _idle_aggregates(ctx: RuleContext) -> ClaimAggregates:
    routine, params = _routine(ctx, f"{ctx.key}_routine")
    care = f"CASE WHEN NOT {routine} THEN {service_day()} END"
    # The first and last line of any kind (the same aggregates as other rules use).
    return ClaimAggregates(
        {"care_days": f"count(DISTINCT {care})", "first_line": "min(l.service_time)",
         "last_line": "max(l.service_time)"},
        params,
    )  # fmt: skip


def _idle_keep(ctx: RuleContext) -> str:
    """Stays that may hold ``idle_days`` days in a row without care (``c``: claim facts).

    A stretch of N idle days inside the stay leaves at least N of its days without care, so
    a stay with fewer is dropped, unless lines dated outside the stay inflate its count.
    """
    stay = "(julianday(c.discharged) - julianday(c.admitted))"
    days = ctx.shared("idle_days")
    return (
        f"c.visit = 'inpatient' AND c.discharged IS NOT NULL AND {stay} > {days}"
        f" AND ({stay} + 1 - {ctx.column('care_days')} >= {days}"
        f" OR substr({ctx.column('first_line')}, 1, 10) < c.admitted"
        f" OR substr({ctx.column('last_line')}, 1, 10) > c.discharged)"
    )


def _stay_without_care(ctx: RuleContext) -> list[Statement]:
    routine, codes = _routine(ctx, "routine")
    if ctx.amount_basis == "fund_share_idle":
        amount = "CAST(s.fund_fen * w.idle / max(s.los, 1) AS INTEGER)"
    else:
        amount = f"s.{'fund_fen' if ctx.amount_basis == 'claim_fund' else 'total_fen'}"
    detail = json_detail(
        idle_days="w.idle", idle_from="date(w.prev, '+1 day')", idle_to="date(w.day, '-1 day')",
        stay_days="s.los", admission_date="s.a", discharge_date="s.d",
    )  # fmt: skip
    sql = f"""WITH stays AS MATERIALIZED (
    SELECT k.id, k.fund_fen, k.total_fen, k.admission_date AS a, k.discharge_date AS d,
        CAST(julianday(k.discharge_date) - julianday(k.admission_date) AS INTEGER) AS los
    FROM temp.screen_claim_lines g CROSS JOIN temp.screen_claim c CROSS JOIN claim k
    WHERE c.id = g.claim_id AND {_idle_keep(ctx)} AND k.id = g.claim_id
), care AS (
    -- Days with a line that is neither bed, ward round nor nursing; the admission and
    -- discharge days bound the stretches.
    SELECT l.claim_id, {service_day()} AS day FROM stays s CROSS JOIN claim_line l
    WHERE l.claim_id = s.id AND NOT {routine}
    UNION SELECT id, a FROM stays
    UNION SELECT id, d FROM stays
), gaps AS (
    SELECT claim_id, day, LAG(day) OVER (PARTITION BY claim_id ORDER BY day) AS prev
    FROM care
), worst AS (
    -- max() makes the bare prev and day those of the longest stretch.
    SELECT claim_id, max(CAST(julianday(day) - julianday(prev) AS INTEGER) - 1) AS idle,
        prev, day
    FROM gaps WHERE prev IS NOT NULL GROUP BY claim_id
)
{INSERT_HIT}
SELECT :rule, s.id, NULL, NULL, {amount}, {detail}
FROM worst w JOIN stays s ON s.id = w.claim_id
WHERE w.idle >= :p_idle_days"""
    return [Statement(sql, ctx.bind(**codes, **ctx.shared_params()))]


def _outpatient_during_stay(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        visit_date="o.admission_date", department="o.department",
        stay_admission_date="s.admission_date", stay_discharge_date="s.discharge_date",
        other_settlement_no="s.settlement_no",
    )  # fmt: skip
    sql = f"""{INSERT_HIT}
SELECT :rule, o.id, NULL, s.id, {ctx.claim_amount("o")}, {detail}
FROM claim s CROSS JOIN claim o
WHERE {ctx.scope.claims("s")} AND s.visit_type = 'inpatient' AND s.discharge_date IS NOT NULL
    AND o.patient_id_no = s.patient_id_no AND o.batch_id = :batch
    AND o.visit_type = 'outpatient'
    AND o.admission_date > s.admission_date AND o.admission_date < s.discharge_date
    AND o.admission_date > date(s.admission_date, :margin_after)
    AND o.admission_date < date(s.discharge_date, :margin_before)"""
    margin = ctx.integer("margin_days")
    return [
        Statement(sql, ctx.bind(margin_after=f"+{margin} days", margin_before=f"-{margin} days"))
    ]


def _overlapping_stays(ctx: RuleContext) -> list[Statement]:
    overlap = "CAST(julianday(min(d, prev_d)) - julianday(a) AS INTEGER)"
    if ctx.amount_basis == "fund_share_overlap":
        amount = f"CAST(fund_fen * {overlap} / max(los, 1) AS INTEGER)"
    else:
        amount = "fund_fen" if ctx.amount_basis == "claim_fund" else "total_fen"
    detail = json_detail(
        overlap_days=overlap, admission_date="a", discharge_date="d",
        other_settlement_no="prev_no", other_admission_date="prev_a",
        other_discharge_date="prev_d",
    )  # fmt: skip
    sql = f"""{INSERT_HIT}
SELECT :rule, id, NULL, prev_id, {amount}, {detail}
FROM (
    SELECT c.id, c.fund_fen, c.total_fen, c.admission_date AS a, c.discharge_date AS d,
        {LOS} AS los, LAG(c.id) OVER w AS prev_id, LAG(c.settlement_no) OVER w AS prev_no,
        LAG(c.admission_date) OVER w AS prev_a, LAG(c.discharge_date) OVER w AS prev_d
    FROM claim c
    WHERE {ctx.scope.claims("c")} AND {STAYS}
    WINDOW w AS (PARTITION BY c.patient_id_no ORDER BY c.admission_date, c.id)
)
WHERE prev_id IS NOT NULL AND prev_d > a"""
    return [Statement(sql, ctx.bind())]


def _same_day_elsewhere(ctx: RuleContext) -> list[Statement]:
    detail = json_detail(
        day="max(c.admission_date, o.admission_date)", other_institution="i.name",
        other_settlement_no="o.settlement_no", other_visit_type="o.visit_type",
        other_admission_date="o.admission_date", other_discharge_date="o.discharge_date",
    )  # fmt: skip
    # A visit is one day, a stay the nights from admission to discharge: two visits clash
    # on the same day, a visit and a stay when the visit falls strictly inside the stay (not
    # on the day of admission or discharge: a referral or transfer), two stays when they
    # share a night.
    sql = f"""{INSERT_HIT}
SELECT :rule, c.id, NULL, o.id, {ctx.claim_amount("c")}, {detail}
FROM settlement_batch b
    JOIN institution i ON i.id = b.institution_id
    CROSS JOIN claim o
    CROSS JOIN claim c
WHERE b.institution_id != :institution AND b.deleted_at IS NULL AND o.batch_id = b.id
    AND o.visit_type IN {VISITS}
    AND c.patient_id_no = o.patient_id_no AND {ctx.scope.claims("c")}
    AND c.visit_type IN {VISITS}
    AND CASE
        WHEN c.discharge_date IS NULL AND o.discharge_date IS NULL
            THEN c.admission_date = o.admission_date
        WHEN c.discharge_date IS NULL
            THEN c.admission_date > o.admission_date AND c.admission_date < o.discharge_date
        WHEN o.discharge_date IS NULL
            THEN o.admission_date > c.admission_date AND o.admission_date < c.discharge_date
        ELSE max(c.admission_date, o.admission_date) < min(c.discharge_date, o.discharge_date)
    END"""
    return [Statement(sql, ctx.bind())]


STAY_KINDS = (
    Kind(
        name="readmission",
        parameters={"window_days": "integer", "diagnosis_prefix_length": "integer"},
        detail_keys=frozenset(
            {
                "gap_days",
                "window_days",
                "other_settlement_no",
                "other_discharge_date",
                "admission_date",
                "diagnosis_code",
                "diagnosis_name",
            }
        ),
        amount_bases=CLAIM_BASES,
        statements=_readmission,
        strategy="window over each patient's stays ordered by admission (LAG)",
    ),
    Kind(
        name="long_stay",
        parameters={"multiple": "number", "min_days": "integer", "min_cases": "integer"},
        detail_keys=frozenset(
            {"stay_days", "norm_days", "multiple", "cases", "diagnosis_code", "diagnosis_name"}
        ),
        amount_bases=("fund_share_beyond_norm", *CLAIM_BASES),
        statements=_long_stay,
        strategy="median stay per diagnosis by row_number over the batch's stays",
    ),
    Kind(
        name="stay_without_care",
        parameters={"idle_days": "integer", "routine_prefixes": "codes"},
        detail_keys=frozenset(
            {"idle_days", "idle_from", "idle_to", "stay_days", "admission_date", "discharge_date"}
        ),
        amount_bases=("fund_share_idle", *CLAIM_BASES),
        statements=_stay_without_care,
        claim_aggregates=_idle_aggregates,
        claim_keep=_idle_keep,
        strategy="claim aggregate (care days per stay) picks the stays with enough days "
        "without care; their care days ordered per stay, gaps by LAG",
    ),
    Kind(
        name="outpatient_during_stay",
        parameters={"margin_days": "integer"},
        detail_keys=frozenset(
            {
                "visit_date",
                "department",
                "stay_admission_date",
                "stay_discharge_date",
                "other_settlement_no",
            }
        ),
        amount_bases=CLAIM_BASES,
        statements=_outpatient_during_stay,
        strategy="each stay joined to the patient's claims through the ID-number index",
    ),
    Kind(
        name="overlapping_stays",
        parameters={},
        detail_keys=frozenset(
            {
                "overlap_days",
                "admission_date",
                "discharge_date",
                "other_settlement_no",
                "other_admission_date",
                "other_discharge_date",
            }
        ),
        amount_bases=("fund_share_overlap", *CLAIM_BASES),
        statements=_overlapping_stays,
        strategy="window over each patient's stays ordered by admission (LAG)",
    ),
    Kind(
        name="same_day_elsewhere",
        parameters={},
        detail_keys=frozenset(
            {
                "day",
                "other_institution",
                "other_settlement_no",
                "other_visit_type",
                "other_admission_date",
                "other_discharge_date",
            }
        ),
        amount_bases=CLAIM_BASES,
        statements=_same_day_elsewhere,
        strategy="other institutions' claims joined to this batch through the ID-number index",
    ),
)
