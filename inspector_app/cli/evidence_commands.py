"""``inspector evidence``: verify, list, add and export the evidence of a case headless.

``verify`` exits 0 when the case is intact and 1 when anything is broken, printing each break
with where it is, so a script (or a reviewer) can check a profile without the desktop app.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.cli.common import print_error as _error
from inspector_app.cli.common import unlocked as _unlocked
from inspector_app.i18n import _
from local_db.enums import EvidenceKind

if TYPE_CHECKING:
    from inspector_app.profiles import OpenProfile

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_FAILED = 1


def _case_id(profile: OpenProfile, case_ref: str) -> str | None:
    from inspector_app.evidence.catalog import resolve_case

    with profile.read_session() as session:
        case = resolve_case(session, case_ref)
        return case.id if case is not None else None


def _no_case(case_ref: str) -> int:
    _error(_("No case file {case} in this profile.").format(case=case_ref))
    return EXIT_FAILED


def _guarded(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the refusals a user can act on into one message and exit code 1."""

    def run(args: argparse.Namespace) -> int:
        from inspector_app.casework.access import CaseNotFoundError
        from inspector_app.evidence.store import BlobError

        try:
            return command(args)
        except CaseNotFoundError as exc:
            return _no_case(str(exc))
        except (PermissionError, ValueError, LookupError, BlobError) as exc:
            _error(str(exc))
            return EXIT_FAILED

    return run


def _cmd_verify(args: argparse.Namespace) -> int:
    from inspector_app.evidence.verify import verify_case

    with _unlocked(args) as profile:
        report = verify_case(profile=profile, case_ref=args.case)
    for line in report.lines():
        print(line)
    return EXIT_OK if report.ok else EXIT_BROKEN


def _cmd_list(args: argparse.Namespace) -> int:
    from inspector_app.evidence.catalog import list_evidence
    from inspector_app.evidence.kinds import evidence_kind_label

    with _unlocked(args) as profile:
        case_id = _case_id(profile, args.case)
        if case_id is None:
            return _no_case(args.case)
        items = list_evidence(profile=profile, case_id=case_id)
    if not items:
        print(_("No evidence recorded in this case."))
    for item in items:
        state = _("withdrawn") if item.withdrawn else _("recorded")
        print(
            "\t".join(
                [
                    item.id,
                    evidence_kind_label(item.kind),
                    item.captured_at.isoformat(timespec="seconds"),
                    item.captured_by,
                    item.sha256[:12],
                    state,
                    item.caption,
                ]
            )
        )
    return EXIT_OK


def _cmd_add(args: argparse.Namespace) -> int:
    from inspector_app.casework.links import LinkRef
    from inspector_app.cli.progress_line import stderr_progress
    from inspector_app.evidence.recording import ExtractionInput, add_evidence
    from local_db.enums import LinkKind

    source: Path = args.file
    if not source.is_file():
        _error(_("No file {path}.").format(path=source))
        return EXIT_FAILED
    supports = [LinkRef(LinkKind.CHECKLIST_ITEM, code) for code in args.supports_item or ()]
    supports += [LinkRef(LinkKind.FINDING, ref) for ref in args.supports_finding or ()]
    supports += [LinkRef(LinkKind.CLAIM, ref) for ref in args.supports_claim or ()]
    extraction = None
    if args.source_system or args.query:
        extraction = ExtractionInput(
            source_system=args.source_system or "",
            query_or_screen=args.query or "",
            method=args.method or "",
            holder_name=args.holder_name or "",
            holder_position=args.holder_position or "",
        )
    with _unlocked(args) as profile:
        case_id = _case_id(profile, args.case)
        if case_id is None:
            return _no_case(args.case)
        item = add_evidence(
            profile=profile,
            case_id=case_id,
            source=source,
            kind=EvidenceKind(args.kind),
            caption=args.caption or "",
            supports=supports,
            extraction=extraction,
            progress=stderr_progress(quiet=args.quiet),
        )
    print(
        _("Recorded evidence {id} (SHA-256 {sha256}, event {seq} of this device's lane)").format(
            id=item.id, sha256=item.sha256, seq=item.chain_index
        )
    )
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from inspector_app.evidence.catalog import evidence_summary
    from inspector_app.evidence.store import export_original

    out: Path = args.out
    if out.exists() and not args.force:
        _error(_("{path} exists; pass --force to replace it.").format(path=out))
        return EXIT_FAILED
    with _unlocked(args) as profile:
        item = evidence_summary(profile=profile, evidence_id=args.evidence_id)
        size = export_original(profile, item.sha256, out)
        with profile.session() as session:
            profile.audit(
                session,
                "evidence.exported",
                entity="evidence_item",
                entity_id=item.id,
                case_id=item.case_id,
            )
    print(_("Exported {size} bytes to {path} (SHA-256 verified)").format(size=size, path=out))
    return EXIT_OK


def add_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Register the sub-commands of this module on commands."""
    evidence = commands.add_parser("evidence", help=_("verify, list, add or export evidence"))
    actions = evidence.add_subparsers(dest="evidence_command", metavar="ACTION")

    verify = actions.add_parser(
        "verify", help=_("check a case's chain of custody and encrypted originals")
    )
    verify.add_argument("case", metavar="CASE", help=_("case number or id"))
    verify.add_argument("--profile", type=Path, required=True)
    verify.set_defaults(handler=_guarded(_cmd_verify))

    listing = actions.add_parser("list", help=_("list the evidence of a case"))
    listing.add_argument("case", metavar="CASE", help=_("case number or id"))
    listing.add_argument("--profile", type=Path, required=True)
    listing.set_defaults(handler=_guarded(_cmd_list))

    add = actions.add_parser("add", help=_("record a file as evidence in a case"))
    add.add_argument("case", metavar="CASE", help=_("case number or id"))
    add.add_argument("file", metavar="FILE", type=Path)
    add.add_argument("--profile", type=Path, required=True)
    add.add_argument(
        "--kind", choices=[kind.value for kind in EvidenceKind], default=EvidenceKind.DOCUMENT
    )
    add.add_argument("--caption", help=_("what the evidence shows (default: the file name)"))
    add.add_argument("--supports-item", action="append", metavar="CODE")
    add.add_argument("--supports-finding", action="append", metavar="ID")
    add.add_argument("--supports-claim", action="append", metavar="SETTLEMENT_NO")
    add.add_argument("--source-system", help=_("electronic data: the system it was copied from"))
    add.add_argument("--query", help=_("electronic data: the query or screen used"))
    add.add_argument("--method", help=_("electronic data: how it was copied"))
    add.add_argument("--holder-name", help=_("electronic data: the holder who confirmed it"))
    add.add_argument("--holder-position", help=_("electronic data: the holder's position"))
    add.add_argument("--quiet", action="store_true", help=_("no progress output"))
    add.set_defaults(handler=_guarded(_cmd_add))

    export = actions.add_parser("export", help=_("write a verified copy of an original"))
    export.add_argument("evidence_id", metavar="EVIDENCE_ID")
    export.add_argument("--out", type=Path, required=True, help=_("file to write"))
    export.add_argument("--profile", type=Path, required=True)
    export.add_argument("--force", action="store_true", help=_("replace an existing file"))
    export.set_defaults(handler=_guarded(_cmd_export))
    evidence.set_defaults(handler=lambda _args: _usage(evidence))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
