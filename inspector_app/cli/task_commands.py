"""``inspector task``: list the profile's tasks and open a sealed flying inspection.

The opening code comes from ``--code`` or the ``INSPECTOR_OPENING_CODE`` environment
variable (standard input already carries the profile password). Opening is logged and
irreversible, as in the application.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from inspector_app.cli.common import print_error as _error
from inspector_app.cli.common import unlock as _unlock
from inspector_app.i18n import _

CODE_VARIABLE = "INSPECTOR_OPENING_CODE"


def _cmd_list(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_OK
    from inspector_app.services.tasks import list_tasks
    from inspector_app.vocabulary import task_status_label, task_type_label

    profile = _unlock(args)
    try:
        rows = list_tasks(profile=profile)
    finally:
        profile.close()
    for row in rows:
        target = row.institution_name or _("sealed (opened on site)")
        print(
            "\t".join(
                [
                    row.number,
                    row.planned_start.isoformat(),
                    task_type_label(row.task_type),
                    task_status_label(row.status),
                    target,
                    row.title,
                ]
            )
        )
    if not rows:
        print(_("No inspection tasks yet."))
    return EXIT_OK


def _cmd_open(args: argparse.Namespace) -> int:
    from inspector_app.casework.access import NotAllowedError
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from inspector_app.sealing import MistypedOpeningCodeError, WrongOpeningCodeError
    from inspector_app.sealing.opening import Location, open_sealed_task
    from inspector_app.sealing.payload import SealedTaskDamagedError
    from inspector_app.services.tasks import find_task

    code = args.code or os.environ.get(CODE_VARIABLE, "")
    if not code:
        _error(_("no opening code given; use --code or set {variable}.").format(
            variable=CODE_VARIABLE
        ))  # fmt: skip
        return EXIT_USAGE
    profile = _unlock(args)
    try:
        row = find_task(profile=profile, number=args.task_number)
        if row is None:
            _error(_("no task numbered {number} in this profile.").format(number=args.task_number))
            return EXIT_FAILED
        location = Location(text=args.location, source="stated") if args.location else None
        opened = open_sealed_task(
            profile=profile, task_id=row.id, opening_code=code, location=location
        )
    except MistypedOpeningCodeError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except (WrongOpeningCodeError, NotAllowedError, SealedTaskDamagedError) as exc:
        _error(str(exc))
        return EXIT_FAILED
    finally:
        profile.close()
    print(_("Task {number} opened. Institution: {name} ({code})").format(
        number=args.task_number, name=opened.institution_name, code=opened.institution_code
    ))  # fmt: skip
    print(_("Case file: {number}").format(number=opened.case_number))
    for lead in opened.leads:
        print("  - " + lead)
    return EXIT_OK


def add_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Register the sub-commands of this module on commands."""
    task = commands.add_parser("task", help=_("list inspection tasks or open a sealed one"))
    actions = task.add_subparsers(dest="task_command", metavar="ACTION")
    listing = actions.add_parser("list", help=_("list the profile's inspection tasks"))
    listing.add_argument("--profile", type=Path, required=True)
    listing.set_defaults(handler=_cmd_list)
    opening = actions.add_parser(
        "open", help=_("open a sealed flying inspection on site (logged, irreversible)")
    )
    opening.add_argument("task_number", metavar="TASK_NUMBER")
    opening.add_argument("--profile", type=Path, required=True)
    opening.add_argument(
        "--code", help=_("opening code (default: the {variable} environment variable)").format(
            variable=CODE_VARIABLE
        )
    )  # fmt: skip
    opening.add_argument("--location", default="", help=_("where the team is, as it states it"))
    opening.set_defaults(handler=_cmd_open)
