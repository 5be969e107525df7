"""Variable appraisal: extrapolating the improper amount of a reviewed sample to its frame.

``appraise`` reproduces RAT-STATS 2010 variable appraisal on the difference column
(unrestricted: t with n − 1 degrees of freedom; stratified: per stratum t, overall z, no
effective degrees of freedom) and adds the ratio and mean-per-unit estimators when the
frame's paid totals are known. Amounts go in as integer fen and come out in yuan to the
cent; everything in between is exact (see ``exact.py``). Bad input raises
:class:`AppraisalError` with a message that names the row or stratum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from inspector_app.i18n import _
from inspector_app.statistics import estimators
from inspector_app.statistics.estimators import Estimate
from inspector_app.statistics.intervals import Interval, json_amount
from inspector_app.statistics.quantiles import NORMAL, check_confidence, t_distribution
from inspector_app.statistics.recovery import DEFAULT_RULE, REPORTED_LEVELS, RecoveryRule

DIFFERENCE = "difference"
RATIO = "ratio"
MEAN_PER_UNIT = "mean_per_unit"


class AppraisalError(ValueError):
    """The sample or the frame cannot be appraised; the message says why and where."""


@dataclass(frozen=True)
class SampleRow:
    """One reviewed sampling unit: paid (examined) and correct (audited) amounts in fen."""

    id: str
    examined_fen: int
    audited_fen: int
    stratum: str = ""

    @property
    def difference_fen(self) -> int:
        """The improper amount: examined minus audited (negative for an underpayment)."""
        return self.examined_fen - self.audited_fen


@dataclass(frozen=True)
class Frame:
    """An unstratified frame: its number of units and, optionally, its total paid (fen)."""

    size: int
    examined_fen: int | None = None


@dataclass(frozen=True)
class StratumFrame:
    """One stratum of the frame: its label, number of units and optional total paid."""

    stratum: str
    size: int
    examined_fen: int | None = None


@dataclass(frozen=True)
class StratumResult:
    """One stratum's share of an estimator, with its own t interval (n_h − 1 df)."""

    stratum: str
    interval: Interval

    def to_json(self) -> dict[str, Any]:
        """The stratum's figures in yuan."""
        return {"stratum": self.stratum, **self.interval.to_json()}


@dataclass(frozen=True)
class EstimatorResult:
    """One estimator of the frame's improper total, its interval and recovery limits."""

    name: str
    interval: Interval
    rule: RecoveryRule = DEFAULT_RULE
    strata: tuple[StratumResult, ...] = ()

    @property
    def point_estimate(self) -> Decimal:
        """The point estimate in yuan, to the cent."""
        return self.interval.point_estimate

    @property
    def standard_error(self) -> Decimal:
        """The standard error of the total in yuan."""
        return self.interval.standard_error

    @property
    def lower(self) -> Decimal:
        """The two-sided lower limit at the requested confidence, in yuan."""
        return self.interval.lower

    @property
    def upper(self) -> Decimal:
        """The two-sided upper limit at the requested confidence, in yuan."""
        return self.interval.upper

    @property
    def precision(self) -> Decimal:
        """q · SE at the requested confidence, in yuan."""
        return self.interval.precision

    def lower_limit(self, two_sided_confidence: float) -> Decimal:
        """The lower limit of the two-sided interval at another level, in yuan."""
        return self.interval.at(two_sided_confidence).lower

    @property
    def recovery_lower(self) -> Decimal:
        """The lower limit the recovery rule selects, in yuan."""
        return self.lower_limit(self.rule.two_sided_level)

    def recovery_json(self) -> dict[str, Any]:
        """Point estimate, lower limits at each reported level, and the rule's choice."""
        levels = sorted({*REPORTED_LEVELS, self.rule.two_sided_level})
        return {
            "rule": self.rule.value,
            "two_sided_confidence": self.rule.two_sided_level,
            "one_sided_confidence": self.rule.one_sided_level,
            "selected_lower": json_amount(self.recovery_lower),
            "lower_limits": [
                {
                    "two_sided_confidence": level,
                    "one_sided_confidence": 0.5 + level / 2.0,
                    "lower": json_amount(self.lower_limit(level)),
                }
                for level in levels
            ],
        }

    def to_json(self) -> dict[str, Any]:
        """The estimator's figures in yuan, as ``inspector stats appraise --json`` prints."""
        return {
            **self.interval.to_json(),
            "recovery": self.recovery_json(),
            "strata": [stratum.to_json() for stratum in self.strata],
        }


@dataclass(frozen=True)
class Appraisal:
    """All estimators of one appraisal, at one confidence level."""

    confidence: float
    frame_size: int
    sample_size: int
    stratified: bool
    rule: RecoveryRule
    estimators: dict[str, EstimatorResult]
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The whole appraisal; amounts in yuan (the unit of SAMPLE.csv)."""
        return {
            "unit": "yuan",
            "confidence": self.confidence,
            "frame_size": self.frame_size,
            "sample_size": self.sample_size,
            "stratified": self.stratified,
            "recovery_rule": self.rule.value,
            "estimators": {name: result.to_json() for name, result in self.estimators.items()},
            "notes": list(self.notes),
        }


def _check_rows(rows: Sequence[SampleRow]) -> None:
    """Refuse an empty sample and missing or repeated ids.

    Negative amounts are accepted: a reversal (冲销) claim pays back, and the difference,
    mean-per-unit and ratio estimators are defined for any sign (RAT-STATS accepts them
    too); the ratio alone needs Σe > 0, which ``appraise`` checks per stratum.
    """
    if not rows:
        raise AppraisalError(_("The sample has no rows."))
    seen: set[str] = set()
    for row in rows:
        if not row.id.strip():
            raise AppraisalError(_("A sample row has no id."))
        if row.id in seen:
            raise AppraisalError(_("Sample id {id} appears more than once.").format(id=row.id))
        seen.add(row.id)


def _check_stratum_size(label: str, sample_size: int, frame_size: int) -> None:
    """n ≤ N, and at least two units unless the stratum is examined in full."""
    where = label or _("the frame")
    if frame_size < 1:
        raise AppraisalError(_("The frame size of {where} must be positive.").format(where=where))
    if sample_size > frame_size:
        raise AppraisalError(
            _("{where}: the sample ({n}) is larger than the frame ({N}).").format(
                where=where, n=sample_size, N=frame_size
            )
        )
    if sample_size < 2 and sample_size < frame_size:
        raise AppraisalError(
            _("{where}: at least two sampled units are needed to estimate a variance.").format(
                where=where
            )
        )


@dataclass(frozen=True)
class _Part:
    """One stratum (or the whole unstratified frame) ready for the estimators."""

    label: str
    rows: tuple[SampleRow, ...]
    size: int
    examined_fen: int | None

    @property
    def differences(self) -> list[int]:
        return [row.difference_fen for row in self.rows]

    @property
    def examined(self) -> list[int]:
        return [row.examined_fen for row in self.rows]

    @property
    def audited(self) -> list[int]:
        return [row.audited_fen for row in self.rows]


def _unrestricted_parts(rows: Sequence[SampleRow], frame: Frame) -> list[_Part]:
    labels = {row.stratum.strip() for row in rows} - {""}
    if len(labels) > 1:
        raise AppraisalError(
            _("The sample has several strata ({labels}); give the strata's frame sizes.").format(
                labels=", ".join(sorted(labels))
            )
        )
    return [_Part("", tuple(rows), frame.size, frame.examined_fen)]


def _stratified_parts(rows: Sequence[SampleRow], strata: Sequence[StratumFrame]) -> list[_Part]:
    if not strata:
        raise AppraisalError(_("No strata were given."))
    by_label: dict[str, list[SampleRow]] = {}
    for stratum in strata:
        label = stratum.stratum.strip()
        if not label or label in by_label:
            raise AppraisalError(
                _("Stratum labels must be present and unique ({label!r}).").format(label=label)
            )
        by_label[label] = []
    for row in rows:
        label = row.stratum.strip()
        if label not in by_label:
            raise AppraisalError(
                _("Sample row {id} is in stratum {label!r}, which the strata do not list.").format(
                    id=row.id, label=label
                )
            )
        by_label[label].append(row)
    parts = []
    for stratum in strata:
        label = stratum.stratum.strip()
        if not by_label[label]:
            raise AppraisalError(_("Stratum {label} has no sampled units.").format(label=label))
        parts.append(_Part(label, tuple(by_label[label]), stratum.size, stratum.examined_fen))
    return parts


def _check_frame_totals(parts: Sequence[_Part]) -> bool:
    """Whether ratio and mean-per-unit can be computed; refuses impossible totals.

    A frame's total paid below its sample's is impossible when no amount is negative, so
    it is refused then (a total typed in the wrong unit, or for another frame). A sample
    holding a negative amount shows the frame may hold more of them, and then the frame
    total can legitimately be the smaller: no check.
    """
    if any(part.examined_fen is None for part in parts):
        return False
    for part in parts:
        assert part.examined_fen is not None
        if any(e < 0 for e in part.examined):
            continue
        if part.examined_fen < sum(part.examined):
            raise AppraisalError(
                _("{where}: the frame's total paid is less than the sample's.").format(
                    where=part.label or _("the frame")
                )
            )
    return True


EstimatorFunction = Callable[[_Part], Estimate]


def _difference(part: _Part) -> Estimate:
    return estimators.difference(part.differences, part.size)


def _ratio(part: _Part) -> Estimate:
    assert part.examined_fen is not None
    return estimators.ratio(part.differences, part.examined, part.size, part.examined_fen)


def _mean_per_unit(part: _Part) -> Estimate:
    assert part.examined_fen is not None
    return estimators.mean_per_unit(part.audited, part.size, part.examined_fen)


def _result(
    name: str,
    *,
    function: EstimatorFunction,
    parts: Sequence[_Part],
    confidence: float,
    rule: RecoveryRule,
    stratified: bool,
) -> EstimatorResult:
    per_part = [function(part) for part in parts]
    if not stratified:
        total = per_part[0]
        return EstimatorResult(
            name, Interval.build(total, t_distribution(total.degrees_of_freedom), confidence), rule
        )
    strata = tuple(
        StratumResult(
            part.label,
            Interval.build(estimate, t_distribution(estimate.degrees_of_freedom), confidence),
        )
        for part, estimate in zip(parts, per_part, strict=True)
    )
    total = estimators.combined(per_part)
    # One stratum is an unrestricted sample: keep its t rather than switch to z.
    distribution = NORMAL if len(parts) > 1 else t_distribution(total.degrees_of_freedom)
    return EstimatorResult(name, Interval.build(total, distribution, confidence), rule, strata)


def appraise(
    rows: Sequence[SampleRow],
    *,
    frame: Frame | Sequence[StratumFrame],
    confidence: float,
    rule: RecoveryRule = DEFAULT_RULE,
) -> Appraisal:
    """Estimate the frame's improper total from the reviewed sample ``rows``.

    Args:
        rows: the reviewed units, amounts in fen; ``stratum`` matters only when stratified.
        frame: a :class:`Frame` for an unrestricted sample, or one :class:`StratumFrame`
            per stratum. Ratio and mean-per-unit are added when every paid total is given.
        confidence: two-sided confidence level of the reported interval, e.g. 0.90.
        rule: which lower limit recovery uses (shown beside the others, never alone).

    Raises:
        AppraisalError: empty sample, duplicate ids, fewer than two units in a stratum,
            a sample larger than its frame, strata that do not match, a frame total paid
            below the sample's (when no sampled amount is negative).
    """
    try:
        check_confidence(confidence)
    except ValueError as exc:
        raise AppraisalError(_("The confidence level must be between 0 and 1.")) from exc
    _check_rows(rows)
    stratified = not isinstance(frame, Frame)
    if isinstance(frame, Frame):
        parts = _unrestricted_parts(rows, frame)
    else:
        parts = _stratified_parts(rows, frame)
    for part in parts:
        _check_stratum_size(part.label, len(part.rows), part.size)
    functions: dict[str, EstimatorFunction] = {DIFFERENCE: _difference}
    notes: list[str] = []
    if _check_frame_totals(parts):
        unpaid = [part for part in parts if sum(part.examined) <= 0]
        if not unpaid:
            functions[RATIO] = _ratio
        else:
            # R̂ = Σd/Σe has no meaning when the sample paid nothing, or less than nothing
            # (reversals outweighing payments): refuse it with the reason, keep the others.
            part = unpaid[0]
            notes.append(
                _(
                    "The ratio estimator is left out: the sample of {where} paid {amount} yuan "
                    "in total (examined amounts summing to zero or less), so no ratio exists."
                ).format(
                    where=part.label or _("the frame"),
                    amount=f"{Decimal(sum(part.examined)) / 100:.2f}",
                )
            )
        functions[MEAN_PER_UNIT] = _mean_per_unit
    results = {
        name: _result(
            name,
            function=function,
            parts=parts,
            confidence=confidence,
            rule=rule,
            stratified=stratified,
        )
        for name, function in functions.items()
    }
    return Appraisal(
        confidence=confidence,
        frame_size=sum(part.size for part in parts),
        sample_size=len(rows),
        stratified=stratified,
        rule=rule,
        estimators=results,
        notes=tuple(notes),
    )
