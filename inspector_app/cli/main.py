"""Entry point of the ``inspector`` command line.

Each sub-command is a thin adapter: parse arguments, call one core service, print a
translated summary. Failures the user can fix (wrong password, missing profile, bad input)
print one clear message and exit non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from inspector_app import i18n
from inspector_app.cli import (
    cert_commands,
    checklist_commands,
    document_commands,
    evidence_commands,
    pdf_commands,
    sample_commands,
    screening_commands,
    settlement_commands,
    stats_commands,
    sync_commands,
    task_commands,
)
from inspector_app.cli.demo_commands import add_demo_claims_parser
from inspector_app.cli.password import NoPasswordError, read_password
from inspector_app.cli.progress_line import stderr_progress
from inspector_app.i18n import _
from inspector_app.progress import Cancelled
from inspector_app.version import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_WRONG_PASSWORD = 3
EXIT_CANCELLED = 130

Handler = Callable[[argparse.Namespace], int]


def _password(args: argparse.Namespace) -> str:
    return read_password(_("Password for {profile}: ").format(profile=args.profile))


def _cmd_demo(args: argparse.Namespace) -> int:
    from inspector_app.cli.demo_commands import refuse_bad_arguments
    from inspector_app.demo import DEMO_USER, build_demo
    from inspector_app.profiles import create_profile

    # Refuse bad arguments before a profile folder is created for them.
    if refuse_bad_arguments(claims=args.claims, seed=args.seed):
        return EXIT_USAGE
    password = _password(args)
    profile = create_profile(
        path=args.profile,
        password=password,
        display_name=DEMO_USER.display_name,
        username=DEMO_USER.username,
        role=DEMO_USER.role,
    )
    try:
        summary = build_demo(
            profile,
            claims=args.claims,
            seed=args.seed,
            progress=stderr_progress(quiet=args.quiet),
            analysis=True,
        )
    finally:
        profile.close()
    if not args.quiet:
        sys.stderr.write("\n")
    print(_("Demo profile created in {path}").format(path=args.profile))
    for line in summary.lines():
        print("  " + line)
    return EXIT_OK


def _cmd_profile_create(args: argparse.Namespace) -> int:
    from inspector_app.profiles import create_profile
    from local_db.enums import UserRole

    profile = create_profile(
        path=args.profile,
        password=_password(args),
        display_name=args.name,
        username=args.username,
        role=UserRole(args.role),
    )
    profile.close()
    print(_("Profile created in {path}").format(path=args.profile))
    return EXIT_OK


def _cmd_profile_show(args: argparse.Namespace) -> int:
    from inspector_app.profiles import read_profile_info
    from inspector_app.vocabulary import user_role_label

    info = read_profile_info(args.profile)
    print(_("Profile: {name} ({username})").format(name=info.display_name, username=info.username))
    print(_("Role: {role}").format(role=user_role_label(info.role)))
    print(_("Created: {when}").format(when=info.created_at.isoformat(timespec="seconds")))
    print(_("Database: {path}").format(path=info.database_path))
    return EXIT_OK


def _cmd_profile_verify(args: argparse.Namespace) -> int:
    from inspector_app.profiles import unlock_profile
    from inspector_app.services.maintenance import check_integrity

    profile = unlock_profile(path=args.profile, password=_password(args))
    try:
        report = check_integrity(profile, progress=stderr_progress(quiet=True))
    finally:
        profile.close()
    for line in report.lines():
        print(line)
    return EXIT_OK if report.ok else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the docs to list commands)."""
    parser = argparse.ArgumentParser(
        prog="inspector",
        description=_("Fund Inspector command line: the application core without a screen."),
    )
    parser.add_argument("--version", action="version", version=f"inspector {__version__}")
    parser.add_argument(
        "--lang",
        choices=[language.code for language in i18n.LANGUAGES],
        help=_("language of messages (default: from the environment, else zh_CN)"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help=_("create a profile filled with synthetic demo data"))
    demo.add_argument("--profile", type=Path, required=True, help=_("new profile folder"))
    demo.add_argument(
        "--claims", type=int, default=2000, help=_("number of settlement claims (default 2000)")
    )
    demo.add_argument("--seed", type=int, default=20261123, help=_("random seed"))
    demo.add_argument("--quiet", action="store_true", help=_("no progress output"))
    demo.set_defaults(handler=_cmd_demo)
    add_demo_claims_parser(commands)

    profile = commands.add_parser("profile", help=_("create, show or verify a profile"))
    profile_commands = profile.add_subparsers(dest="profile_command", metavar="ACTION")
    create = profile_commands.add_parser("create", help=_("create an empty profile"))
    create.add_argument("--profile", type=Path, required=True)
    create.add_argument("--name", required=True, help=_("display name"))
    create.add_argument("--username", required=True)
    create.add_argument(
        "--role", default="inspector", choices=["inspector", "team_leader", "supervisor", "admin"]
    )
    create.set_defaults(handler=_cmd_profile_create)
    show = profile_commands.add_parser("show", help=_("show a profile without unlocking it"))
    show.add_argument("--profile", type=Path, required=True)
    show.set_defaults(handler=_cmd_profile_show)
    verify = profile_commands.add_parser(
        "verify", help=_("unlock a profile and check the database's integrity")
    )
    verify.add_argument("--profile", type=Path, required=True)
    verify.set_defaults(handler=_cmd_profile_verify)
    for module in (
        task_commands,
        checklist_commands,
        evidence_commands,
        settlement_commands,
        screening_commands,
        sample_commands,
        stats_commands,
        document_commands,
        cert_commands,
        pdf_commands,
        sync_commands,
    ):
        module.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    from inspector_app.profiles import IncorrectPasswordError, ProfileError

    argv = list(sys.argv[1:] if argv is None else argv)
    language = i18n.system_language()
    if "--lang" in argv[:-1]:
        language = argv[argv.index("--lang") + 1]
    try:
        i18n.set_language(language)
    except ValueError:
        i18n.set_language("en")
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except IncorrectPasswordError as exc:
        print(_("Error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_WRONG_PASSWORD
    except ProfileError as exc:
        print(_("Error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_FAILED
    except NoPasswordError:
        print(
            _("Error: no password given; set INSPECTOR_PASSWORD or pipe it on standard input."),
            file=sys.stderr,
        )
        return EXIT_USAGE
    except Cancelled:
        print(_("Cancelled; nothing was saved from the interrupted step."), file=sys.stderr)
        return EXIT_CANCELLED
    except KeyboardInterrupt:
        return EXIT_CANCELLED
    except Exception as exc:  # never a raw traceback: it could carry patient data
        from inspector_app.privacy import scrubbed_message

        message = " ".join(scrubbed_message(exc).split())
        print(
            _("Unexpected error ({kind}): {message}").format(
                kind=type(exc).__name__, message=message or "-"
            ),
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
