"""``inspector sync``: one synchronisation run without a screen."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from inspector_app.cli.common import print_error, unlocked
from inspector_app.i18n import _

EXIT_OK = 0
EXIT_FAILED = 1
# The server account's password, needed only when no sign-in is kept in the keyring.
SERVER_PASSWORD_VARIABLE = "INSPECTOR_SERVER_PASSWORD"


def _cmd_sync(args: argparse.Namespace) -> int:
    from inspector_app.sync.engine import SyncEngine

    with unlocked(args, past_offline_grant=True) as profile:
        engine = SyncEngine(
            profile, args.server, password=os.environ.get(SERVER_PASSWORD_VARIABLE) or None
        )
        report = engine.run()
        if not report.revoked:
            from inspector_app.services.sync_status import record_run

            record_run(profile=profile, report=report)
    up = _(
        "Up: {changes} changes ({duplicates} already on the server), {blobs} files, {size} bytes"
    )
    print(up.format(changes=report.pushed, duplicates=report.duplicates, blobs=report.blobs_up,
                    size=report.bytes_up))  # fmt: skip
    down = _("Down: {records} records, {blobs} files, {size} bytes")
    print(down.format(records=report.pulled, blobs=report.blobs_down, size=report.bytes_down))
    if report.extracts_written or report.extracts_loaded:
        extracts = _("Settlement data: {written} batches packed to go up, {loaded} loaded")
        print(extracts.format(written=report.extracts_written, loaded=report.extracts_loaded))
    if report.conflicts:
        print(_("Conflicts to resolve: {count}").format(count=report.conflicts))
    if report.parked:
        print(_("Waiting for related records: {count}").format(count=report.parked))
    for notice in report.notices:
        print(_("Note: {text}").format(text=notice))
    for failure in report.failures:
        print_error(failure)
    return EXIT_OK if report.ok else EXIT_FAILED


def add_parsers(commands: Any) -> None:
    """Register ``sync``."""
    sync = commands.add_parser("sync", help=_("synchronise a profile with the central server once"))
    sync.add_argument("--profile", type=Path, required=True)
    sync.add_argument(
        "--server", required=True, help=_("server address, e.g. http://127.0.0.1:8700")
    )
    sync.set_defaults(handler=_cmd_sync)
