"""Audit-sampling statistics: appraisal (extrapolation), attribute limits, sample sizes.

Pure functions over plain numbers (integer fen in, exact rationals inside, yuan to the
cent out), no database and no Qt, so the command line, the application and the tests
compute exactly the same figures. The formulas and their sources are in
``docs/statistics.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspector_app.statistics.attributes import (
        AttributeResult,
        AttributeSampleError,
        AttributeStratum,
        StratifiedAttributeResult,
        attribute_limits,
        stratified_attribute_limits,
    )
    from inspector_app.statistics.recovery import DEFAULT_RULE, REPORTED_LEVELS, RecoveryRule
    from inspector_app.statistics.sample_size import (
        AttributeSampleSize,
        SampleSizeError,
        StratifiedSampleSize,
        StratumPlan,
        VariableSampleSize,
        attribute_sample_size,
        stratified_sample_size,
        variable_sample_size,
        variable_sample_size_from_error_rate,
        variable_sample_size_from_probe,
    )
    from inspector_app.statistics.variables import (
        DIFFERENCE,
        MEAN_PER_UNIT,
        RATIO,
        Appraisal,
        AppraisalError,
        EstimatorResult,
        Frame,
        SampleRow,
        StratumFrame,
        StratumResult,
        appraise,
    )

# Submodules load on first use: ``import inspector_app.statistics.allocation`` must not pull
# in scipy, and the application starts faster when the statistics wait until needed.
_HOME = {
    "Appraisal": "inspector_app.statistics.variables",
    "AppraisalError": "inspector_app.statistics.variables",
    "AttributeResult": "inspector_app.statistics.attributes",
    "AttributeSampleError": "inspector_app.statistics.attributes",
    "AttributeSampleSize": "inspector_app.statistics.sample_size",
    "AttributeStratum": "inspector_app.statistics.attributes",
    "DEFAULT_RULE": "inspector_app.statistics.recovery",
    "DIFFERENCE": "inspector_app.statistics.variables",
    "EstimatorResult": "inspector_app.statistics.variables",
    "Frame": "inspector_app.statistics.variables",
    "MEAN_PER_UNIT": "inspector_app.statistics.variables",
    "RATIO": "inspector_app.statistics.variables",
    "REPORTED_LEVELS": "inspector_app.statistics.recovery",
    "RecoveryRule": "inspector_app.statistics.recovery",
    "SampleRow": "inspector_app.statistics.variables",
    "SampleSizeError": "inspector_app.statistics.sample_size",
    "StratifiedAttributeResult": "inspector_app.statistics.attributes",
    "StratifiedSampleSize": "inspector_app.statistics.sample_size",
    "StratumFrame": "inspector_app.statistics.variables",
    "StratumPlan": "inspector_app.statistics.sample_size",
    "StratumResult": "inspector_app.statistics.variables",
    "VariableSampleSize": "inspector_app.statistics.sample_size",
    "appraise": "inspector_app.statistics.variables",
    "attribute_limits": "inspector_app.statistics.attributes",
    "attribute_sample_size": "inspector_app.statistics.sample_size",
    "stratified_attribute_limits": "inspector_app.statistics.attributes",
    "stratified_sample_size": "inspector_app.statistics.sample_size",
    "variable_sample_size": "inspector_app.statistics.sample_size",
    "variable_sample_size_from_error_rate": "inspector_app.statistics.sample_size",
    "variable_sample_size_from_probe": "inspector_app.statistics.sample_size",
}


def __getattr__(name: str) -> Any:
    """Import the public name ``name`` from its submodule on first access (PEP 562)."""
    try:
        module = _HOME[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)


__all__ = [
    "DEFAULT_RULE",
    "DIFFERENCE",
    "MEAN_PER_UNIT",
    "RATIO",
    "REPORTED_LEVELS",
    "Appraisal",
    "AppraisalError",
    "AttributeResult",
    "AttributeSampleError",
    "AttributeSampleSize",
    "AttributeStratum",
    "EstimatorResult",
    "Frame",
    "RecoveryRule",
    "SampleRow",
    "SampleSizeError",
    "StratifiedAttributeResult",
    "StratifiedSampleSize",
    "StratumFrame",
    "StratumPlan",
    "StratumResult",
    "VariableSampleSize",
    "appraise",
    "attribute_limits",
    "attribute_sample_size",
    "stratified_attribute_limits",
    "stratified_sample_size",
    "variable_sample_size",
    "variable_sample_size_from_error_rate",
    "variable_sample_size_from_probe",
]
