"""A draw's design in words: what a third party needs to reproduce it (screens and reports).

The sampling tab renders these rows as a table and the sampling report prints them, so the
two never say different things about one draw.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from inspector_app.i18n import _, pgettext
from inspector_app.sampling.draws import DrawSummary
from inspector_app.sampling.frame import AmountBasis
from inspector_app.sampling.ui_support import (
    allocation_label,
    method_label,
    stratifier_label,
    tier_rule_label,
    visit_type_label,
)
from inspector_app.statistics.allocation import Allocation
from local_db.enums import SamplingMethod


def money(value: Any) -> str:
    """Fen (int, float or a JSON number) as ``¥1,234.56``."""
    fen = round(float(value))
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def count(value: int) -> str:
    """``1234567`` → ``1,234,567``."""
    return f"{value:,}"


def tier_range(lower: Any, upper: Any) -> str:
    """An amount tier's bounds (open ends shown with ≥ / <)."""
    if lower is None and upper is None:
        return ""
    if upper is None:
        return "≥ " + money(lower)
    if lower is None:
        return "< " + money(upper)
    return f"{money(lower)} – {money(upper)}"


def filters_text(summary: DrawSummary) -> str:
    """Which claims of the batch form the frame, in words."""
    frame = summary.frame
    parts = []
    if frame.visit_types:
        parts.append(" / ".join(visit_type_label(v) for v in frame.visit_types))
    if frame.settled_from or frame.settled_to:
        parts.append(
            _("settled {start} to {end}").format(
                start=frame.settled_from or "…", end=frame.settled_to or "…"
            )
        )
    if frame.departments:
        parts.append("、".join(frame.departments))
    if frame.min_amount_fen is not None:
        parts.append(_("at least {amount}").format(amount=money(frame.min_amount_fen)))
    if frame.max_amount_fen is not None:
        parts.append(_("at most {amount}").format(amount=money(frame.max_amount_fen)))
    if frame.exclude_draw_ids:
        parts.append(
            _("without the claims of {count} earlier samples").format(
                count=len(frame.exclude_draw_ids)
            )
        )
    return " · ".join(parts) if parts else _("all claims")  # fmt: skip


def _stratified_detail(design: dict[str, Any]) -> list[tuple[str, str]]:
    from inspector_app.sampling.design import Stratifier, TierRule

    how = design.get("stratification", {})
    by = Stratifier(how.get("by", Stratifier.AMOUNT.value))
    text = stratifier_label(by)
    if by is Stratifier.AMOUNT:
        text += " · " + tier_rule_label(TierRule(how.get("rule", TierRule.CUM_SQRT_F.value)))
    rows = [(_("Strata by"), text)]
    if "certainty_fen" in how:
        rows.append(
            (
                _("Certainty stratum"),
                _("every claim of at least {amount}").format(amount=money(how["certainty_fen"])),
            )
        )
    allocation = allocation_label(Allocation(design.get("allocation_used", "proportional")))
    if design.get("allocation") != design.get("allocation_used"):
        allocation += " " + _("(Neyman had no spread to weigh: proportional used)")
    minimum = _("at least {minimum} per stratum").format(minimum=design.get("minimum", 2))
    rows.append((_("Allocation"), f"{allocation} · {minimum}"))
    return rows  # fmt: skip


def method_detail(summary: DrawSummary) -> list[tuple[str, str]]:
    """Rows (plain text) of what the method computed: strata, interval, flagged claims."""
    design = summary.design
    if summary.method is SamplingMethod.STRATIFIED:
        return _stratified_detail(design)
    if summary.method is SamplingMethod.PPS:
        start = _("random start {amount}").format(amount=money(design.get("random_start_fen", 0)))
        certain = _("{count} claims as large as the interval").format(
            count=count(int(design.get("certainty_units", 0)))
        )
        return [
            (_("Selection points"), count(int(design.get("points", 0)))),
            (_("Interval"), f"{money(design.get('interval_fen', 0))} · {start}"),
            (_("Certainty"), certain),
        ]  # fmt: skip
    if summary.method is SamplingMethod.RISK_BASED:
        words = (
            _("{taken} of {total} drawn at random")
            if design.get("flagged_selection") == "random"
            else _("{taken} of {total} taken, largest amount at stake first")
        )
        text = words.format(
            taken=count(int(design.get("flagged_taken", 0))),
            total=count(int(design.get("flagged_total", 0))),
        )
        cap = design.get("flagged_cap")
        if cap is not None:
            text += " · " + _("at most {cap}").format(cap=cap)
        return [(_("Flagged claims"), text)]  # fmt: skip
    return []


def _local(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def design_rows(summary: DrawSummary, *, full_hash: bool = False) -> list[tuple[str, str]]:
    """(name, value) rows of a draw's record: method, frame, filters, design, seed, hash."""
    basis = _("fund share") if summary.frame.amount_basis is AmountBasis.FUND else _("billed total")
    digest = summary.frame_sha256 if full_hash else summary.frame_sha256[:16] + "…"
    return [
        (pgettext("sampling", "Method"), method_label(summary.method)),
        (_("Frame"), _("{count} claims · {total} ({basis})").format(
            count=count(summary.frame_size), total=money(summary.frame_total_fen), basis=basis)),
        (_("Filters"), filters_text(summary)),
        *method_detail(summary),
        (pgettext("sampling", "Sample"),
         _("{count} claims").format(count=count(summary.sample_size))),
        (_("Seed"), summary.seed),
        (_("Frame SHA-256"), digest),
        (_("Generator"), summary.generator),
        (_("Software"), summary.software_version),
        (_("Drawn"), _("{when} by {who}").format(when=_local(summary.drawn_at),
                                                 who=summary.drawn_by)),
    ]  # fmt: skip


def estimator_label(name: str) -> str:
    """An estimator's name in words (unknown names as stored)."""
    labels = {
        "difference": _("Difference"),
        "ratio": _("Ratio"),
        "mean_per_unit": _("Mean per unit"),
    }
    return labels.get(name, name)
