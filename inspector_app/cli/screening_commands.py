"""``inspector screen``: run the screening rules, list their flags, list or check a rule file.

``screen run`` prints what each rule found (flags, claims, amount at stake, seconds);
``screen flags`` prints one run's flags or writes them to CSV (reasons in the chosen
language, no patient identifiers); ``screen rules`` lists the rules of a rule file and exits
non-zero with the file, rule and problem when the file is not valid.
"""

from __future__ import annotations

import argparse
import csv
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from inspector_app.cli.common import print_error as _error
from inspector_app.cli.common import unlock as _unlock
from inspector_app.i18n import _
from inspector_app.progress import Progress

CSV_PAGE = 1000
SCREEN_PAGE = 50


def _yuan(fen: int) -> str:
    from inspector_app.screening.reasons import yuan

    return yuan(fen)


def _ruleset(path: Path | None) -> Any:
    from inspector_app.screening.ruleset import load_ruleset, shipped_ruleset

    return load_ruleset(path) if path is not None else shipped_ruleset()


def _overrides(values: list[str]) -> dict[str, dict[str, str]]:
    """``CODE.parameter=value`` options as {code: {parameter: value}}."""
    overrides: dict[str, dict[str, str]] = {}
    for value in values:
        target, sep, setting = value.partition("=")
        code, dot, name = target.partition(".")
        if not sep or not dot or not code or not name:
            raise ValueError(
                _("“{value}” is not of the form RULE.parameter=value").format(value=value)
            )
        overrides.setdefault(code.strip(), {})[name.strip()] = setting.strip()
    return overrides


@contextmanager
def _cancel_on_interrupt(progress: Progress) -> Iterator[None]:
    """Ctrl-C asks the run to stop (it rolls back) instead of killing the process."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda _signal, _frame: progress.cancel())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _cmd_run(args: argparse.Namespace) -> int:
    from inspector_app.casework.access import NotAllowedError
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from inspector_app.cli.progress_line import stderr_progress
    from inspector_app.screening import (
        BatchNotFoundError,
        ParameterError,
        RuleFileError,
        UnknownRuleError,
        run_screening,
    )

    try:
        ruleset = _ruleset(args.rules)
        overrides = _overrides(args.set or [])
    except RuleFileError as exc:
        _error(str(exc))
        return EXIT_FAILED
    except ValueError as exc:
        _error(str(exc))
        return EXIT_USAGE
    only = [code.strip() for code in args.only.split(",") if code.strip()] if args.only else None
    progress = stderr_progress(quiet=args.quiet)
    profile = _unlock(args)
    try:
        with _cancel_on_interrupt(progress):
            result = run_screening(
                profile=profile, batch_id=args.batch, progress=progress, ruleset=ruleset,
                only=only, parameters=overrides,
            )  # fmt: skip
    except (UnknownRuleError, ParameterError) as exc:
        _error(str(exc))
        return EXIT_USAGE
    except BatchNotFoundError:
        _error(_("no settlement batch {batch} in this profile.").format(batch=args.batch))
        return EXIT_FAILED
    except NotAllowedError as exc:
        _error(str(exc))
        return EXIT_FAILED
    finally:
        profile.close()
    if not args.quiet:
        sys.stderr.write("\n")
    print(_("Screening run {run} (rules {version}, sha256 {sha})").format(
        run=result.run_id, version=result.ruleset_version, sha=result.ruleset_sha256[:12]
    ))  # fmt: skip
    header = (_("rule"), _("flags"), _("claims"), _("amount (yuan)"), _("seconds"))
    print(f"{header[0]:<24}{header[1]:>8}{header[2]:>8}{header[3]:>18}{header[4]:>9}")
    for rule in result.rules:
        print(
            f"{rule.code:<24}{rule.flags:>8,}{rule.claims:>8,}{_yuan(rule.amount_fen):>18}"
            f"{rule.seconds:>9.2f}"
        )
    shared = sum(result.shared_seconds.values())
    print(
        _("Total: {flags} flags on {claims} claims, {amount} yuan at stake, {seconds} s").format(
            flags=f"{result.flag_count:,}", claims=f"{result.flagged_claims:,}",
            amount=_yuan(result.amount_fen), seconds=f"{result.seconds:.1f}",
        )
    )  # fmt: skip
    print(
        _("Shared reading of the lines: {seconds} s ({parts})").format(
            seconds=f"{shared:.1f}",
            parts=", ".join(f"{k} {v:.2f}" for k, v in result.shared_seconds.items()),
        )
    )
    return EXIT_OK


def _latest_run(profile: Any) -> str | None:
    from sqlalchemy import select

    from local_db.models import ScreeningRun

    with profile.read_session() as session:
        run_id: str | None = session.scalar(
            select(ScreeningRun.id)
            .where(ScreeningRun.deleted_at.is_(None))
            .order_by(ScreeningRun.started_at.desc())
            .limit(1)
        )
        return run_id


def _status_label(status: Any) -> str:
    if status is None:
        return _("unreviewed")
    return {
        "confirmed": _("confirmed"),
        "data_quality": _("data-quality issue"),
        "dismissed": _("dismissed"),
    }[str(status.value)]


def _write_csv(path: Path, rows: list[Any]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([
            _("flag"), _("rule"), _("rule title"), _("settlement number"), _("visit type"),
            _("department"), _("doctor"), _("admission date"), _("discharge date"),
            _("line"), _("related settlement"), _("amount (yuan)"), _("review"), _("reason"),
        ])  # fmt: skip
        for row in rows:
            writer.writerow([
                row.id, row.rule_code, row.rule_title, row.settlement_no, row.visit_type,
                row.department, f"{row.doctor_name} ({row.doctor_code})", row.admission_date,
                row.discharge_date or "", row.line_no or "", row.related_settlement_no or "",
                _yuan(row.amount_fen), _status_label(row.status), row.reason,
            ])  # fmt: skip


def _cmd_flags(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from inspector_app.screening import UNREVIEWED, FlagFilter, RunNotFoundError, list_flags

    statuses = {"confirmed", "data_quality", "dismissed", UNREVIEWED}
    if args.status and args.status not in statuses:
        _error(_("--status must be one of: {values}").format(values=", ".join(sorted(statuses))))
        return EXIT_USAGE
    filters = FlagFilter(
        rule_codes=tuple(code.strip() for code in (args.rule or "").split(",") if code.strip()),
        status=args.status or "",
        min_amount_fen=round(args.min_amount * 100) if args.min_amount else 0,
        search=args.search or "",
    )
    profile = _unlock(args)
    try:
        run_id = _latest_run(profile) if args.run == "latest" else args.run
        if run_id is None:
            _error(_("the profile has no screening run yet."))
            return EXIT_FAILED
        rows: list[Any] = []
        limit = CSV_PAGE if args.csv else args.limit
        while True:
            page = list_flags(
                profile=profile, run_id=run_id, filters=filters, offset=len(rows), limit=limit
            )
            rows += page.rows
            if not args.csv or len(rows) >= page.total or not page.rows:
                break
    except RunNotFoundError:
        _error(_("no screening run {run} in this profile.").format(run=args.run))
        return EXIT_FAILED
    finally:
        profile.close()
    if args.csv:
        _write_csv(args.csv, rows)
        print(_("{n} flags written to {path}").format(n=f"{len(rows):,}", path=args.csv))
        return EXIT_OK
    for row in rows:
        print("\t".join([
            str(row.id), row.rule_code, row.settlement_no, _yuan(row.amount_fen),
            _status_label(row.status), row.reason,
        ]))  # fmt: skip
    print(_("{shown} of {total} flags shown").format(shown=len(rows), total=page.total))
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK
    from inspector_app.screening import RuleFileError

    try:
        ruleset = _ruleset(args.rules)
    except RuleFileError as exc:
        _error(str(exc))
        return EXIT_FAILED
    print(_("{file}: rule set {code} version {version}, {n} rules, sha256 {sha}").format(
        file=ruleset.source_name, code=ruleset.code, version=ruleset.version,
        n=len(ruleset.rules), sha=ruleset.sha256,
    ))  # fmt: skip
    for rule in ruleset.rules:
        state = "" if rule.enabled else _(" (disabled)")
        print(f"{rule.code}{state}\t{rule.violation}\t{rule.title.text()}")
        for parameter in rule.parameters:
            default = parameter.default
            shown = ",".join(default) if isinstance(default, tuple) else str(default)
            bounds = ""
            if parameter.minimum is not None and parameter.maximum is not None:
                bounds = f" [{parameter.minimum:g}–{parameter.maximum:g}]"
            print(f"    {parameter.name} = {shown}{bounds}\t{parameter.label.text()}")
    return EXIT_OK


def add_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Register ``inspector screen`` and its actions."""
    screen = commands.add_parser(
        "screen", help=_("run the screening rules over settlement data and list their flags")
    )
    actions = screen.add_subparsers(dest="screen_command", metavar="ACTION")
    run = actions.add_parser("run", help=_("run the rules over one settlement batch"))
    run.add_argument("--profile", type=Path, required=True)
    run.add_argument("--batch", required=True, help=_("settlement batch id"))
    run.add_argument("--rules", type=Path, help=_("rule file (default: the shipped rules)"))
    run.add_argument("--only", help=_("comma-separated rule codes to run"))
    run.add_argument(
        "--set", action="append", metavar="RULE.PARAMETER=VALUE",
        help=_("change a parameter for this run (repeatable)"),
    )  # fmt: skip
    run.add_argument("--quiet", action="store_true", help=_("no progress output"))
    run.set_defaults(handler=_cmd_run)
    flags = actions.add_parser("flags", help=_("list the flags of a screening run"))
    flags.add_argument("--profile", type=Path, required=True)
    flags.add_argument("--run", required=True, help=_("screening run id, or 'latest'"))
    flags.add_argument("--rule", help=_("comma-separated rule codes"))
    flags.add_argument(
        "--status", help=_("review status: confirmed, data_quality, dismissed or unreviewed")
    )
    flags.add_argument("--min-amount", type=float, help=_("smallest amount at stake (yuan)"))
    flags.add_argument("--search", help=_("part of a settlement number"))
    flags.add_argument("--limit", type=int, default=SCREEN_PAGE, help=_("flags to print"))
    flags.add_argument("--csv", type=Path, help=_("write every matching flag to this CSV file"))
    flags.set_defaults(handler=_cmd_flags)
    rules = actions.add_parser("rules", help=_("list the rules of a rule file (and check it)"))
    rules.add_argument("--rules", type=Path, help=_("rule file (default: the shipped rules)"))
    rules.set_defaults(handler=_cmd_rules)
