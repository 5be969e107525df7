"""Reproducible sampling of claims: frames, methods, draws, redraws and exports.

See docs/sampling.md for the frame hash, each method's rule and the draw record.
"""

from __future__ import annotations

from inspector_app.sampling.design import (
    CapRule,
    DesignError,
    DesignOptions,
    DesignParameters,
    Selection,
    Stratifier,
    TierRule,
)
from inspector_app.sampling.draws import (
    DrawNotFoundError,
    DrawSummary,
    FrameDescription,
    StratumSummary,
    UnitRow,
    default_batch,
    describe_frame,
    draw_sample,
    draw_summary,
    draw_units,
    find_case,
    latest_screening_run,
    list_draws,
)
from inspector_app.sampling.export import ExportResult, export_sample_csv
from inspector_app.sampling.frame import (
    AmountBasis,
    FrameArrays,
    FrameDefinition,
    FrameError,
    build_frame,
    frame_sha256,
)
from inspector_app.sampling.methods import run_method
from inspector_app.sampling.redraw import RedrawResult, UnitDifference, redraw
from inspector_app.sampling.strata import StratumStatistics, frame_statistics, stratify

__all__ = [
    "AmountBasis",
    "CapRule",
    "DesignError",
    "DesignOptions",
    "DesignParameters",
    "DrawNotFoundError",
    "DrawSummary",
    "ExportResult",
    "FrameArrays",
    "FrameDefinition",
    "FrameDescription",
    "FrameError",
    "RedrawResult",
    "Selection",
    "Stratifier",
    "StratumStatistics",
    "StratumSummary",
    "TierRule",
    "UnitDifference",
    "UnitRow",
    "build_frame",
    "default_batch",
    "describe_frame",
    "draw_sample",
    "draw_summary",
    "draw_units",
    "export_sample_csv",
    "find_case",
    "frame_sha256",
    "frame_statistics",
    "latest_screening_run",
    "list_draws",
    "redraw",
    "run_method",
    "stratify",
]
