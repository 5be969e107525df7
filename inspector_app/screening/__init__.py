"""Screening (数据筛查): rules as data, the engine that runs them, and the review of flags.

Rules live in ``resources/screening/rules-<version>.json`` (:mod:`.ruleset`, validated by
:mod:`.validation`); :func:`run_screening` runs them over one settlement batch and records
a ``ScreeningRun`` with its flags; :mod:`.flags` pages and words them; :mod:`.review`
records the team's decisions and turns confirmed flags into findings.
"""

from __future__ import annotations

from inspector_app.screening.engine import RuleOutcome, RunResult, may_screen, run_screening
from inspector_app.screening.flags import (
    UNREVIEWED,
    FlagFacets,
    FlagFilter,
    FlagNotFoundError,
    FlagPage,
    FlagRow,
    RuleSummary,
    RunNotFoundError,
    RunRow,
    flag_facets,
    get_flag,
    list_flags,
    rule_summaries,
    runs_of_batch,
)
from inspector_app.screening.review import (
    FindingPrefill,
    FlagAlreadyFindingError,
    FlagNotConfirmedError,
    ReviewRow,
    finding_from_flag,
    flag_to_finding,
    review_flag,
    review_of_flag,
)
from inspector_app.screening.ruleset import (
    Parameter,
    ParameterError,
    Rule,
    RuleSet,
    UnknownRuleError,
    load_ruleset,
    shipped_ruleset,
)
from inspector_app.screening.scope import BatchNotFoundError
from inspector_app.screening.validation import RuleFileError

__all__ = [
    "UNREVIEWED",
    "BatchNotFoundError",
    "FindingPrefill",
    "FlagAlreadyFindingError",
    "FlagFacets",
    "FlagFilter",
    "FlagNotConfirmedError",
    "FlagNotFoundError",
    "FlagPage",
    "FlagRow",
    "Parameter",
    "ParameterError",
    "ReviewRow",
    "Rule",
    "RuleFileError",
    "RuleOutcome",
    "RuleSet",
    "RuleSummary",
    "RunNotFoundError",
    "RunResult",
    "RunRow",
    "UnknownRuleError",
    "finding_from_flag",
    "flag_facets",
    "flag_to_finding",
    "get_flag",
    "list_flags",
    "load_ruleset",
    "may_screen",
    "review_flag",
    "review_of_flag",
    "rule_summaries",
    "run_screening",
    "runs_of_batch",
    "shipped_ruleset",
]
