"""``inspector stats``: extrapolation, attribute limits and sample sizes from plain files.

These commands need no profile and no password: they read SAMPLE.csv / STRATA.csv (UTF-8
or GB18030) or numbers on the command line and print either a translated table or, with
``--json``, the figures the application itself would show (amounts in yuan, like the
input). A bad row stops the command with a message naming the line and exit status 1;
bad arguments exit 2.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from inspector_app.cli.common import print_error as _error
from inspector_app.i18n import N_, _

_ESTIMATOR_LABELS = {
    "difference": N_("Difference"),
    "ratio": N_("Ratio"),
    "mean_per_unit": N_("Mean per unit"),
}


def _confidence(text: str) -> float:
    """An argparse type: 0.90, or 90 read as a percentage (50 to 100) → 0.90."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a number: {text}").format(text=text)) from None
    if 50.0 <= value < 100.0:
        value /= 100.0
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(_("must be between 0 and 1 (or 50 and 100 %)"))
    return value


def _count(text: str, *, minimum: int) -> int:
    """A whole number of at least ``minimum`` (thousands separators allowed)."""
    from inspector_app.statistics.sample_csv import parse_count

    try:
        value = parse_count(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a whole number: {text}").format(text=text)
        ) from None
    if value < minimum:
        raise argparse.ArgumentTypeError(
            _("must be positive") if minimum > 0 else _("must not be negative")
        )
    return value


def _positive_int(text: str) -> int:
    return _count(text, minimum=1)


def _non_negative_int(text: str) -> int:
    return _count(text, minimum=0)


def _amount_fen(text: str) -> int:
    """An argparse type: yuan → fen. Negative totals are allowed (a frame of reversals)."""
    from inspector_app.statistics.sample_csv import parse_amount_fen

    try:
        return parse_amount_fen(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not an amount: {text}").format(text=text)) from None


def _fraction(text: str) -> float:
    """An argparse type for rates: below 1 a fraction (0.05), from 1 up a percent (5 → 0.05).

    "1" therefore means 1 %, never 100 %: a rate typed as a whole number is a percent.
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a number: {text}").format(text=text)) from None
    if 1.0 <= value <= 100.0:
        value /= 100.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(_("must be between 0 and 1 (or 0 and 100 %)"))
    return value


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _money(value: Decimal | float) -> str:
    return f"{Decimal(str(value)):,.2f}"


def _percent(level: float) -> str:
    return f"{level * 100:g}%"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Right-aligned columns (the first left-aligned), separated by two spaces."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        return "  ".join(cells).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _interval_cells(label: str, data: dict[str, Any]) -> list[str]:
    distribution = data["distribution"]
    shown = f"t({distribution['df']})" if distribution["name"] == "t" else "z"
    return [
        label,
        _money(data["point_estimate"]),
        _money(data["standard_error"]),
        _money(data["lower"]),
        _money(data["upper"]),
        _money(data["precision"]),
        f"{data['precision_percent']:.2f}",
        shown,
    ]


def _interval_header(first: str) -> list[str]:
    return [
        first,
        _("Point estimate"),
        _("Std. error"),
        _("Lower"),
        _("Upper"),
        _("Precision"),
        _("Precision %"),
        _("Distribution"),
    ]


def _print_appraisal(appraisal: Any) -> None:
    from inspector_app.statistics.recovery import RecoveryRule

    data = appraisal.to_json()
    kind = _("stratified") if data["stratified"] else _("unrestricted")
    print(
        _("Variable appraisal ({kind}), two-sided {level} confidence, amounts in yuan").format(
            kind=kind, level=_percent(data["confidence"])
        )
    )
    print(
        _("Frame size: {N:,}   Sample size: {n:,}").format(
            N=data["frame_size"], n=data["sample_size"]
        )
    )
    print()
    rows = [
        _interval_cells(_(_ESTIMATOR_LABELS[name]), result)
        for name, result in data["estimators"].items()
    ]
    for line in _table(_interval_header(_("Estimator")), rows):
        print(line)
    rule = RecoveryRule(data["recovery_rule"])
    print()
    print(_("Recovery rule: {rule}").format(rule=_(rule.label)))
    for name, result in data["estimators"].items():
        limits = ", ".join(
            _("{level} lower {amount}").format(
                level=_percent(limit["two_sided_confidence"]), amount=_money(limit["lower"])
            )
            for limit in result["recovery"]["lower_limits"]
        )
        print(
            _("  {estimator}: point {point}; {limits}; selected {selected}").format(
                estimator=_(_ESTIMATOR_LABELS[name]),
                point=_money(result["point_estimate"]),
                limits=limits,
                selected=_money(result["recovery"]["selected_lower"]),
            )
        )
    for name, result in data["estimators"].items():
        if not result["strata"]:
            continue
        print()
        print(_("{estimator} by stratum:").format(estimator=_(_ESTIMATOR_LABELS[name])))
        rows = [_interval_cells(stratum["stratum"], stratum) for stratum in result["strata"]]
        for line in _table(_interval_header(_("Stratum")), rows):
            print(line)
    for note in data["notes"]:
        print(note)


def _cmd_appraise(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from inspector_app.statistics.recovery import RecoveryRule
    from inspector_app.statistics.sample_csv import CsvInputError, read_sample, read_strata
    from inspector_app.statistics.variables import AppraisalError, Frame, appraise

    if args.strata is None and args.frame_size is None:
        _error(_("give --frame-size N or --strata STRATA.csv."))
        return EXIT_USAGE
    if args.strata is not None and (args.frame_size is not None or args.frame_examined is not None):
        _error(_("--strata replaces --frame-size and --frame-examined; give one or the other."))
        return EXIT_USAGE
    try:
        rows = read_sample(args.input)
        frame: Any = (
            read_strata(args.strata)
            if args.strata is not None
            else Frame(args.frame_size, args.frame_examined)
        )
        appraisal = appraise(
            rows, frame=frame, confidence=args.confidence, rule=RecoveryRule(args.rule)
        )
    except (CsvInputError, AppraisalError) as exc:
        _error(str(exc))
        return EXIT_FAILED
    if args.json:
        _print_json(appraisal.to_json())
    else:
        _print_appraisal(appraisal)
    return EXIT_OK


def _cmd_attribute(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK
    from inspector_app.statistics.attributes import AttributeSampleError, attribute_limits

    try:
        result = attribute_limits(
            frame_size=args.frame_size,
            sample_size=args.sample_size,
            errors=args.errors,
            confidence=args.confidence,
        )
    except AttributeSampleError as exc:
        _error(str(exc))
        return EXIT_FAILED
    data = result.to_json()
    if args.json:
        _print_json(data)
        return EXIT_OK
    print(
        _("Attribute appraisal (exact hypergeometric), two-sided {level} confidence").format(
            level=_percent(data["confidence"])
        )
    )
    print(
        _("Frame size: {N:,}   Sample size: {n:,}   Errors in sample: {x:,}").format(
            N=data["frame_size"], n=data["sample_size"], x=data["errors"]
        )
    )
    header = [_("Units in error"), _("Point estimate"), _("Lower"), _("Upper")]
    rows = [
        [_("Number"), f"{data['point_estimate']:,.2f}", f"{data['lower']:,}", f"{data['upper']:,}"],
        [
            _("Rate %"),
            f"{data['rate'] * 100:.3f}",
            f"{data['lower_rate'] * 100:.3f}",
            f"{data['upper_rate'] * 100:.3f}",
        ],
    ]
    for line in _table(header, rows):
        print(line)
    return EXIT_OK


def _print_plan(title: str, data: dict[str, Any]) -> None:
    print(title)
    for key, value in data.items():
        if isinstance(value, list):
            continue
        print(f"  {key}: {value}")


def _run_plan(args: argparse.Namespace, plan: Callable[[], Any], title: str) -> int:
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK
    from inspector_app.statistics.sample_csv import CsvInputError
    from inspector_app.statistics.sample_size import SampleSizeError

    try:
        result = plan()
    except (CsvInputError, SampleSizeError) as exc:
        _error(str(exc))
        return EXIT_FAILED
    data = result.to_json()
    if args.json:
        _print_json(data)
        return EXIT_OK
    _print_plan(title, data)
    for row in data.get("allocation", []):
        print(
            _("  {stratum}: {n:,} of {N:,}").format(
                stratum=row["stratum"], n=row["sample_size"], N=row["frame_size"]
            )
        )
    return EXIT_OK


def _cmd_size_variable(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_USAGE
    from inspector_app.statistics.sample_csv import read_sample
    from inspector_app.statistics.sample_size import (
        variable_sample_size_from_error_rate,
        variable_sample_size_from_probe,
    )

    if args.probe is None and args.error_rate is None:
        _error(_("give --probe SAMPLE.csv or --error-rate with --reported-mean and --reported-sd."))
        return EXIT_USAGE
    if args.probe is None and (args.reported_mean is None or args.reported_sd is None):
        _error(_("--error-rate needs --reported-mean and --reported-sd."))
        return EXIT_USAGE

    def plan() -> Any:
        if args.probe is not None:
            differences = [row.difference_fen / 100 for row in read_sample(args.probe)]
            return variable_sample_size_from_probe(
                differences,
                frame_size=args.frame_size,
                precision_percent=args.precision_percent,
                confidence=args.confidence,
            )
        return variable_sample_size_from_error_rate(
            frame_size=args.frame_size,
            error_rate=args.error_rate,
            reported_mean=args.reported_mean,
            reported_sd=args.reported_sd,
            precision_percent=args.precision_percent,
            confidence=args.confidence,
        )

    return _run_plan(args, plan, _("Variable sample size"))


def _cmd_size_stratified(args: argparse.Namespace) -> int:
    from inspector_app.statistics.allocation import Allocation
    from inspector_app.statistics.sample_csv import read_stratum_plans
    from inspector_app.statistics.sample_size import stratified_sample_size

    allocation = Allocation(args.allocation)

    def plan() -> Any:
        return stratified_sample_size(
            read_stratum_plans(args.strata),
            precision_percent=args.precision_percent,
            confidence=args.confidence,
            total_size=args.total,
            allocation=allocation,
        )

    title = (
        _("Stratified sample size (Neyman allocation)")
        if allocation is Allocation.NEYMAN
        else _("Stratified sample size (proportional allocation)")
    )
    return _run_plan(args, plan, title)


def _cmd_size_attribute(args: argparse.Namespace) -> int:
    from inspector_app.statistics.sample_size import attribute_sample_size

    def plan() -> Any:
        return attribute_sample_size(
            frame_size=args.frame_size,
            expected_rate=args.expected_rate,
            precision=args.precision,
            confidence=args.confidence,
        )

    return _run_plan(args, plan, _("Attribute sample size (exact hypergeometric)"))


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--confidence",
        type=_confidence,
        default=0.90,
        help=_("two-sided confidence level, e.g. 0.90 (default 0.90)"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))


def _add_size_parsers(stats: Any) -> None:
    size = stats.add_parser("size", help=_("plan a sample size"))
    kinds = size.add_subparsers(dest="size_command", metavar="KIND")

    variable = kinds.add_parser("variable", help=_("sample size for estimating an amount"))
    variable.add_argument("--frame-size", type=_positive_int, required=True)
    variable.add_argument(
        "--precision-percent",
        type=float,
        required=True,
        help=_("precision wanted, percent of the estimated total"),
    )
    variable.add_argument("--probe", type=Path, help=_("probe sample (SAMPLE.csv)"))
    variable.add_argument("--error-rate", type=_fraction, help=_("expected error rate"))
    variable.add_argument("--reported-mean", type=float, help=_("mean paid amount (yuan)"))
    variable.add_argument("--reported-sd", type=float, help=_("SD of the paid amounts (yuan)"))
    _add_common(variable)
    variable.set_defaults(handler=_cmd_size_variable)

    stratified = kinds.add_parser("stratified", help=_("stratified sample size and its allocation"))
    stratified.add_argument(
        "--strata",
        type=Path,
        required=True,
        help=_("CSV with columns stratum, frame_size, mean, sd"),
    )
    stratified.add_argument("--precision-percent", type=float, required=True)
    stratified.add_argument("--total", type=_positive_int, help=_("allocate this total instead"))
    stratified.add_argument(
        "--allocation",
        choices=["neyman", "proportional"],
        default="neyman",
        help=_("how the draw will share the total (default: neyman)"),
    )
    _add_common(stratified)
    stratified.set_defaults(handler=_cmd_size_stratified)

    attribute = kinds.add_parser("attribute", help=_("sample size for estimating an error rate"))
    attribute.add_argument("--frame-size", type=_positive_int, required=True)
    attribute.add_argument("--expected-rate", type=_fraction, required=True)
    attribute.add_argument(
        "--precision", type=_fraction, required=True, help=_("± half-width of the rate, e.g. 0.05")
    )
    _add_common(attribute)
    attribute.set_defaults(handler=_cmd_size_attribute)


def add_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Register ``inspector stats`` and its actions on ``commands``."""
    from inspector_app.statistics.recovery import DEFAULT_RULE, RecoveryRule

    stats = commands.add_parser(
        "stats", help=_("extrapolation, attribute limits and sample sizes (no profile needed)")
    )
    actions = stats.add_subparsers(dest="stats_command", metavar="ACTION")

    appraise = actions.add_parser(
        "appraise", help=_("extrapolate the improper amount of a reviewed sample")
    )
    appraise.add_argument(
        "--input",
        type=Path,
        required=True,
        help=_("SAMPLE.csv: id, examined, audited[, stratum]"),
    )
    appraise.add_argument("--frame-size", type=_positive_int, help=_("units in the frame"))
    appraise.add_argument(
        "--frame-examined", type=_amount_fen, help=_("the frame's total paid (yuan)")
    )
    appraise.add_argument(
        "--strata",
        type=Path,
        help=_("STRATA.csv: stratum, frame_size[, frame_examined]"),
    )
    appraise.add_argument(
        "--rule",
        choices=[rule.value for rule in RecoveryRule],
        default=DEFAULT_RULE.value,
        help=_("which lower limit recovery uses"),
    )
    _add_common(appraise)
    appraise.set_defaults(handler=_cmd_appraise)

    attribute = actions.add_parser(
        "attribute", help=_("exact limits of the number of units in error")
    )
    attribute.add_argument("--frame-size", type=_positive_int, required=True)
    attribute.add_argument("--sample-size", type=_positive_int, required=True)
    attribute.add_argument("--errors", type=_non_negative_int, required=True)
    _add_common(attribute)
    attribute.set_defaults(handler=_cmd_attribute)

    _add_size_parsers(actions)
