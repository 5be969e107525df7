"""``inspector sample``: draw a reproducible sample, redraw it, show it, export it.

``redraw`` exits 0 only when the redraw reproduces the stored draw exactly (same frame,
same design, same units in the same order); otherwise it prints the first difference and
exits 1, so a script can rely on it. Amounts on the command line are yuan.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector_app.cli.common import print_error as _error
from inspector_app.cli.common import unlock as _unlock
from inspector_app.i18n import _


def _fen(text: str | None) -> int | None:
    from inspector_app.findings.amounts import parse_amount

    return None if text is None else parse_amount(text)


def _boundaries(text: str | None) -> tuple[int, ...]:
    from inspector_app.findings.amounts import parse_amount

    if not text:
        return ()
    return tuple(parse_amount(part) for part in text.split(";") if part.strip())


def _yuan(fen: int) -> str:
    from inspector_app.findings.amounts import format_amount_input

    return format_amount_input(fen)


def _options(args: argparse.Namespace) -> Any:
    from inspector_app.sampling import DesignOptions, Stratifier, TierRule
    from inspector_app.statistics.allocation import Allocation

    boundaries = _boundaries(args.boundaries)
    return DesignOptions(
        stratify_by=Stratifier(args.strata) if args.strata else None,
        allocation=Allocation(args.allocation),
        minimum=args.minimum,
        tier_rule=TierRule.GIVEN if boundaries else TierRule(args.tier_rule),
        tiers=args.tiers,
        tier_classes=args.classes,
        boundaries_fen=boundaries,
        certainty_fen=_fen(args.certainty),
        flagged_cap=args.cap,
    )


def _print_summary(summary: Any) -> None:
    print(_("Draw {id}: {label}").format(id=summary.draw_id, label=summary.label))
    print(_("Method: {method}").format(method=summary.method.value))
    print(
        _("Frame: {size} claims, {total} yuan (SHA-256 {sha})").format(
            size=summary.frame_size, total=_yuan(summary.frame_total_fen), sha=summary.frame_sha256
        )
    )
    print(_("Sample: {size} claims").format(size=summary.sample_size))
    print(_("Seed: {seed}").format(seed=summary.seed))
    print(_("Generator: {generator}").format(generator=summary.generator))
    print(_("Software version: {version}").format(version=summary.software_version))
    print(_("Drawn at {when} by {who}").format(
        when=summary.drawn_at.isoformat(timespec="seconds"), who=summary.drawn_by
    ))  # fmt: skip
    if summary.stratified:
        print(_("Strata (label, N, n, fund share in yuan):"))
        for s in summary.strata:
            print(f"  {s.label}\t{s.frame_size}\t{s.sample_size}\t{_yuan(s.fund_fen)}")


def _cmd_draw(args: argparse.Namespace) -> int:
    from inspector_app.casework.access import CaseNotFoundError, NotAllowedError
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from inspector_app.sampling import (
        AmountBasis,
        DesignError,
        FrameDefinition,
        FrameError,
        default_batch,
        draw_sample,
        find_case,
        latest_screening_run,
    )
    from inspector_app.sampling.stream import parse_seed
    from local_db.enums import SamplingMethod

    try:
        seed = parse_seed(args.seed) if args.seed is not None else None
        options = _options(args)
        low, high = _fen(args.min_amount), _fen(args.max_amount)
    except ValueError as exc:
        _error(str(exc))
        return EXIT_USAGE
    profile = _unlock(args)
    try:
        case_id = find_case(profile, args.case)
        if case_id is None:
            _error(_("no case {case} in this profile.").format(case=args.case))
            return EXIT_FAILED
        batch_id = args.batch or default_batch(profile, case_id)
        if batch_id is None:
            _error(_("no settlement data for this case; load or import a batch first."))
            return EXIT_FAILED
        run = args.screening_run
        uses_flags = args.method == "risk_based" or args.strata == "flags"
        if run is None and uses_flags:
            run = latest_screening_run(profile, batch_id)
            if run is None:
                _error(_("the batch has not been screened; run the screening first."))
                return EXIT_FAILED
        frame = FrameDefinition(
            batch_id=batch_id,
            visit_types=tuple(args.visit_type or ()),
            settled_from=args.settled_from,
            settled_to=args.settled_to,
            departments=tuple(args.department or ()),
            amount_basis=AmountBasis(args.amount),
            min_amount_fen=low,
            max_amount_fen=high,
            screening_run_id=run,
            exclude_case_draws=args.exclude_drawn,
            exclude_nonpositive=not args.include_nonpositive,
        )
        summary = draw_sample(
            profile, case_id=case_id, frame=frame, method=SamplingMethod(args.method),
            size=args.size, options=options, seed=seed, label=args.label or "",
        )  # fmt: skip
    except (FrameError, DesignError, NotAllowedError, CaseNotFoundError) as exc:
        _error(str(exc))
        return EXIT_FAILED
    finally:
        profile.close()
    _print_summary(summary)
    return EXIT_OK


def _cmd_redraw(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK
    from inspector_app.sampling import DrawNotFoundError, redraw

    profile = _unlock(args)
    try:
        result = redraw(profile, args.record)
    except DrawNotFoundError as exc:
        _error(str(exc))
        return EXIT_FAILED
    finally:
        profile.close()
    for line in result.lines():
        print(line)
    return EXIT_OK if result.matched else EXIT_FAILED


def _cmd_show(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK
    from inspector_app.sampling import (
        DrawNotFoundError,
        draw_summary,
        draw_units,
        find_case,
        list_draws,
    )

    profile = _unlock(args)
    try:
        if args.record is None:
            case_id = find_case(profile, args.case) if args.case else None
            if args.case and case_id is None:
                _error(_("no case {case} in this profile.").format(case=args.case))
                return EXIT_FAILED
            draws = list_draws(profile, case_id=case_id)
            for draw in draws:
                print("\t".join([
                    draw.draw_id, draw.drawn_at.isoformat(timespec="seconds"),
                    draw.method.value, str(draw.sample_size), str(draw.frame_size), draw.label,
                ]))  # fmt: skip
            if not draws:
                print(_("No sample draws yet."))
            return EXIT_OK
        summary = draw_summary(profile, args.record)
        units = draw_units(profile, args.record)
    except DrawNotFoundError as exc:
        _error(str(exc))
        return EXIT_FAILED
    finally:
        profile.close()
    _print_summary(summary)
    print(_("Units (position, settlement number, stratum, origin, hits, probability):"))
    for unit in units:
        print(
            f"  {unit.position}\t{unit.settlement_no}\t{unit.stratum}\t{unit.origin}"
            f"\t{unit.hits}\t{unit.probability:.6g}"
        )
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK
    from inspector_app.sampling import DrawNotFoundError, export_sample_csv

    profile = _unlock(args)
    try:
        result = export_sample_csv(profile, args.record, args.out)
    except (DrawNotFoundError, OSError) as exc:
        _error(str(exc))
        return EXIT_FAILED
    finally:
        profile.close()
    print(_("Wrote {path} ({rows} claims, {reviewed} reviewed)").format(
        path=result.sample_path, rows=result.rows, reviewed=result.reviewed
    ))  # fmt: skip
    if result.strata_path is not None:
        print(_("Wrote {path}").format(path=result.strata_path))
        print(_("Appraise with: inspector stats appraise --input {sample} --strata {strata}")
              .format(sample=result.sample_path, strata=result.strata_path))  # fmt: skip
    else:
        print(
            _("Appraise with: inspector stats appraise --input {sample} --frame-size {n}"
              " --frame-examined {x}").format(
                sample=result.sample_path, n=result.frame_size,
                x=f"{result.frame_examined_fen / 100:.2f}",
            )
        )  # fmt: skip
    if not result.appraisal_valid:
        print(
            _("Note: this is a PPS sample; the appraise estimators assume simple random "
              "sampling and would be biased for it."),
            file=sys.stderr,
        )  # fmt: skip
    if not result.covers_frame:
        print(
            _("Note: the strata of this draw do not cover its frame (the flagged claims it "
              "did not take are in no stratum); an appraisal covers only the strata listed."),
            file=sys.stderr,
        )  # fmt: skip
    return EXIT_OK


def _add_draw_parser(actions: argparse._SubParsersAction[Any]) -> None:
    draw = actions.add_parser("draw", help=_("draw a reproducible sample of claims for a case"))
    draw.add_argument("--profile", type=Path, required=True)
    draw.add_argument("--case", required=True, help=_("case id or case number"))
    draw.add_argument(
        "--method", required=True, choices=["simple_random", "stratified", "pps", "risk_based"]
    )
    draw.add_argument(
        "--size", type=int, required=True,
        help=_("sample size (PPS: selection points; risk-based: the random remainder)"),
    )  # fmt: skip
    draw.add_argument("--batch", help=_("settlement batch id (default: the case's newest)"))
    draw.add_argument("--strata", choices=["amount", "department", "flags"])
    draw.add_argument("--allocation", default="proportional", choices=["proportional", "neyman"])
    draw.add_argument("--minimum", type=int, default=2, help=_("least units per stratum"))
    draw.add_argument("--tiers", type=int, default=4, help=_("number of amount tiers"))
    draw.add_argument(
        "--tier-rule", default="cum_sqrt_f", choices=["cum_sqrt_f", "equal_value"],
        help=_("how amount-tier boundaries are computed"),
    )  # fmt: skip
    draw.add_argument("--classes", type=int, default=100, help=_("classes of the √f rule"))
    draw.add_argument(
        "--boundaries", help=_("amount-tier boundaries in yuan, separated by ';' (e.g. 500;5000)")
    )
    draw.add_argument("--certainty", help=_("take every claim of at least this amount (yuan)"))
    draw.add_argument("--cap", type=int, help=_("risk-based: at most this many flagged claims"))
    draw.add_argument("--seed", help=_("seed (decimal; default: a fresh 128-bit seed)"))
    draw.add_argument("--label", help=_("a name for the draw"))
    draw.add_argument("--visit-type", action="append", choices=["outpatient", "inpatient"])
    draw.add_argument("--department", action="append", help=_("only this department (repeat)"))
    draw.add_argument("--from", dest="settled_from", help=_("settled on or after (YYYY-MM-DD)"))
    draw.add_argument("--to", dest="settled_to", help=_("settled on or before (YYYY-MM-DD)"))
    draw.add_argument("--min-amount", help=_("only claims of at least this amount (yuan)"))
    draw.add_argument("--max-amount", help=_("only claims of at most this amount (yuan)"))
    draw.add_argument(
        "--amount", default="fund", choices=["fund", "total"],
        help=_("which amount the frame measures (default: the fund's share)"),
    )  # fmt: skip
    draw.add_argument("--screening-run", help=_("screening run for flags (default: the newest)"))
    draw.add_argument(
        "--exclude-drawn", action="store_true",
        help=_("leave out claims already in another draw of the case"),
    )  # fmt: skip
    draw.add_argument(
        "--include-nonpositive", action="store_true",
        help=_("keep claims whose fund share is zero or negative (reversals); "
               "by default they are left out of the frame"),
    )  # fmt: skip
    draw.set_defaults(handler=_cmd_draw)


def add_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Register the sub-commands of this module on commands."""
    sample = commands.add_parser("sample", help=_("draw, redraw, show or export claim samples"))
    actions = sample.add_subparsers(dest="sample_command", metavar="ACTION")
    _add_draw_parser(actions)
    again = actions.add_parser(
        "redraw", help=_("reproduce a draw from its record; exit 0 only on an exact match")
    )
    again.add_argument("record", metavar="RECORD", help=_("draw id"))
    again.add_argument("--profile", type=Path, required=True)
    again.set_defaults(handler=_cmd_redraw)
    show = actions.add_parser("show", help=_("list the draws, or show one with its units"))
    show.add_argument("record", metavar="RECORD", nargs="?", help=_("draw id"))
    show.add_argument("--profile", type=Path, required=True)
    show.add_argument("--case", help=_("only the draws of this case"))
    show.set_defaults(handler=_cmd_show)
    export = actions.add_parser(
        "export", help=_("write SAMPLE.csv (and STRATA.csv) for inspector stats appraise")
    )
    export.add_argument("record", metavar="RECORD", help=_("draw id"))
    export.add_argument("--profile", type=Path, required=True)
    export.add_argument("--out", type=Path, required=True, help=_("folder to write into"))
    export.set_defaults(handler=_cmd_export)
