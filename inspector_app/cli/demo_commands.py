"""``inspector demo-claims``: add a synthetic settlement batch to an existing demo profile.

Used to grow a demo profile (e.g. to a million claims for benchmarks) and by the kill-safety
test, which needs a long load it can interrupt. When standard error is not a terminal the
progress is printed as one line per second, so a supervising process can follow it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector_app.cli.password import read_password
from inspector_app.cli.progress_line import stderr_progress
from inspector_app.i18n import _
from inspector_app.progress import Progress

DEFAULT_SEED = 20261124
LINE_INTERVAL_SECONDS = 1.0


def line_progress(*, quiet: bool) -> Progress:
    """The terminal's redrawn line, or when piped one line per report (at most 1/s)."""
    if quiet or sys.stderr.isatty():
        return stderr_progress(quiet=quiet)

    def show(done: int, total: int | None, label: str) -> None:
        counts = f"{done:,}/{total:,}" if total else f"{done:,}"
        sys.stderr.write(f"{label} {counts}\n")
        sys.stderr.flush()

    return Progress(callback=show, min_interval=LINE_INTERVAL_SECONDS)


def refuse_bad_arguments(*, claims: int, seed: int) -> bool:
    """Print a translated error and return True when the generator cannot honour these."""
    from inspector_app.demo.plan import MAX_CLAIMS, MIN_CLAIMS

    if not MIN_CLAIMS <= claims <= MAX_CLAIMS:
        print(
            _("Error: the number of claims must be between {low:,} and {high:,}.").format(
                low=MIN_CLAIMS, high=MAX_CLAIMS
            ),
            file=sys.stderr,
        )
        return True
    if seed < 0:
        print(_("Error: the seed must not be negative."), file=sys.stderr)
        return True
    return False


def run_demo_claims(args: argparse.Namespace) -> int:
    """Unlock the profile and load ``args.claims`` demo claims as one new batch."""
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from inspector_app.demo import MissingInstitutionError, load_demo_settlement
    from inspector_app.demo.places import INSPECTED_HOSPITAL
    from inspector_app.demo.summary import settlement_lines
    from inspector_app.profiles import unlock_profile

    if refuse_bad_arguments(claims=args.claims, seed=args.seed):
        return EXIT_USAGE
    password = read_password(_("Password for {profile}: ").format(profile=args.profile))
    profile = unlock_profile(path=args.profile, password=password)
    try:
        summary = load_demo_settlement(
            profile,
            institution_code=args.institution or INSPECTED_HOSPITAL,
            claims=args.claims,
            seed=args.seed,
            progress=line_progress(quiet=args.quiet),
        )
    except MissingInstitutionError as exc:
        message = _(
            "The profile has no institution with code {code}; use a profile made by "
            "'inspector demo'."
        )
        print(_("Error: {message}").format(message=message.format(code=exc)), file=sys.stderr)
        return EXIT_FAILED
    finally:
        profile.close()
    for line in settlement_lines(summary):
        print(line)
    return EXIT_OK


def add_demo_claims_parser(commands: Any) -> None:
    """Register ``demo-claims`` on the ``inspector`` sub-command parser."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "demo-claims", help=_("add a synthetic settlement batch to an existing demo profile")
    )
    parser.add_argument("--profile", type=Path, required=True, help=_("existing profile folder"))
    parser.add_argument(
        "--claims", type=int, default=2000, help=_("number of settlement claims (default 2000)")
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("random seed"))
    parser.add_argument(
        "--institution", help=_("institution code (default: the demo's inspected hospital)")
    )
    parser.add_argument("--quiet", action="store_true", help=_("no progress output"))
    parser.set_defaults(handler=run_demo_claims)
