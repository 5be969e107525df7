"""``inspector settlement``: import settlement and 进销存 exports, list loads, report problems.

Thin adapters over ``inspector_app.settlement_import``: the same import the desktop app
runs in a worker, with the progress on standard error (one line per second when piped, so
a supervising process can follow it). Refused rows do not fail an import (they are the
error report, see ``settlement problems``); a file, mapping or target that cannot be used
does, before anything is written.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.cli.common import print_error as _error
from inspector_app.cli.common import unlocked as _unlocked
from inspector_app.i18n import _
from local_db.enums import ImportFileRole, InventoryMovementKind

if TYPE_CHECKING:
    from inspector_app.profiles import OpenProfile
    from inspector_app.settlement_import import ColumnMapping, ImportSource

EXIT_OK = 0
EXIT_FAILED = 1
MIN_BATCH_PREFIX = 8


def _guarded(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the refusals a user can act on into one message and exit code 1."""

    def run(args: argparse.Namespace) -> int:
        from inspector_app.casework.access import CaseNotFoundError
        from inspector_app.evidence.store import BlobError
        from inspector_app.settlement_import import ImportRefusedError, MappingError, SourceError

        try:
            return command(args)
        except CaseNotFoundError as exc:
            _error(_("No case file {case} in this profile.").format(case=exc))
        except (ImportRefusedError, MappingError, SourceError, BlobError) as exc:
            _error(str(exc))
        except (PermissionError, LookupError) as exc:
            _error(str(exc))
        except OSError as exc:
            _error(_("Cannot read {name}: {reason}").format(name=exc.filename, reason=exc.strerror))
        return EXIT_FAILED

    return run


def _progress(args: argparse.Namespace) -> Any:
    from inspector_app.cli.demo_commands import line_progress

    return line_progress(quiet=args.quiet)


def _target(profile: OpenProfile, args: argparse.Namespace) -> dict[str, str | None]:
    """``case_id`` / ``institution_id`` (/ ``task_id``) keyword arguments from --case,
    --institution or --task."""
    from inspector_app.casework.access import CaseNotFoundError
    from inspector_app.settlement_import.service import (
        find_case_id,
        find_institution_id,
        find_task_id,
    )

    if args.case:
        case_id = find_case_id(profile, args.case)
        if case_id is None:
            raise CaseNotFoundError(args.case)
        return {"case_id": case_id, "institution_id": None}
    if getattr(args, "task", None):
        return {
            "case_id": None,
            "institution_id": None,
            "task_id": find_task_id(profile, args.task),
        }
    institution_id = find_institution_id(profile, args.institution)
    if institution_id is None:
        raise LookupError(
            _("No institution with code {code} in this profile.").format(code=args.institution)
        )
    return {"case_id": None, "institution_id": institution_id}


def _source(args: argparse.Namespace, path: Path) -> ImportSource:
    from inspector_app.settlement_import import ImportSource

    return ImportSource(
        path=path, encoding=args.encoding, delimiter=args.delimiter, sheet=args.sheet,
        header_row=args.header_row,
    )  # fmt: skip


def _mapping(
    profile: OpenProfile, args: argparse.Namespace, role: ImportFileRole
) -> ColumnMapping | None:
    from inspector_app.settlement_import import MappingError, load_mapping

    if not args.mapping:
        return None
    mapping = load_mapping(profile=profile, role=role, name=args.mapping)
    if mapping is None:
        raise MappingError(
            _("No saved mapping “{name}” for {role} files.").format(
                name=args.mapping, role=role.value
            )
        )
    return mapping


def _extraction(args: argparse.Namespace) -> Any:
    from inspector_app.evidence.recording import ExtractionInput

    if not args.source_system and not args.query:
        return None
    return ExtractionInput(
        source_system=args.source_system or _("Institution's information system"),
        query_or_screen=args.query or _("Export file"),
        holder_name=args.holder or "",
    )


def _cmd_import(args: argparse.Namespace) -> int:
    from inspector_app.settlement_import import import_settlement

    with _unlocked(args) as profile:
        summary = import_settlement(
            profile,
            claims=_source(args, args.claims),
            lines=_source(args, args.lines) if args.lines else None,
            claims_mapping=_mapping(profile, args, ImportFileRole.CLAIMS),
            lines_mapping=_mapping(profile, args, ImportFileRole.LINES) if args.lines else None,
            extraction=_extraction(args),
            progress=_progress(args),
            **_target(profile, args),
        )
    print(
        _("Imported batch {batch}: {claims:,} claims, {lines:,} lines ({start} to {end}).").format(
            batch=summary.batch_id, claims=summary.claims, lines=summary.lines,
            start=summary.period_start, end=summary.period_end,
        )
    )  # fmt: skip
    for each in summary.files:
        counts = each.counts
        print(
            "  "
            + _(
                "{name}: {rows:,} rows, {loaded:,} loaded, {refused:,} refused, "
                "{skipped:,} skipped (blank or total), {warnings:,} warnings; "
                "encoding {encoding}, header in row {header}; SHA-256 {sha}"
            ).format(
                name=each.name, rows=counts.rows, loaded=counts.loaded, refused=counts.refused,
                skipped=counts.skipped, warnings=counts.warnings,
                encoding=each.encoding or "xlsx", header=each.header_row, sha=each.sha256,
            )
        )  # fmt: skip
        if each.evidence_id:
            print("  " + _("Recorded as evidence item {id}.").format(id=each.evidence_id))
    if summary.problems:
        print(
            _("{n:,} problems reported; list them with: inspector settlement problems "
              "--profile {profile} --batch {batch}").format(
                n=summary.problems, profile=args.profile, batch=summary.batch_id
            )
        )  # fmt: skip
    return EXIT_OK


def _find_batch(profile: OpenProfile, reference: str) -> str:
    """A batch id from the id or a unique prefix of it (at least 8 characters)."""
    from sqlalchemy import select

    from local_db.models import SettlementBatch

    with profile.read_session() as session:
        if session.get(SettlementBatch, reference) is not None:
            return reference
        if len(reference) >= MIN_BATCH_PREFIX:
            found = session.scalars(
                select(SettlementBatch.id).where(SettlementBatch.id.startswith(reference)).limit(2)
            ).all()
            if len(found) == 1:
                return found[0]
    raise LookupError(_("No settlement batch {batch} in this profile.").format(batch=reference))


def _cmd_problems(args: argparse.Namespace) -> int:
    from inspector_app.settlement_import import export_problems, list_problems, role_label
    from inspector_app.settlement_import.problems import severity, severity_label

    with _unlocked(args) as profile:
        batch_id = _find_batch(profile, args.batch)
        if args.csv:
            written = export_problems(profile=profile, batch_id=batch_id, dest=args.csv)
            print(_("{n:,} problems written to {path}").format(n=written, path=args.csv))
            return EXIT_OK
        rows = list_problems(profile=profile, batch_id=batch_id, limit=args.limit)
    for role, problem in rows:
        print(
            "\t".join(
                [
                    role_label(role),
                    str(problem.row_no),
                    problem.column,
                    problem.value,
                    severity_label(severity(problem.code)),
                    problem.text(),
                ]
            )
        )
    if not rows:
        print(_("The import of this batch reported no problems."))
    elif len(rows) == args.limit:
        print(_("(first {n:,} shown; write them all with --csv FILE)").format(n=args.limit))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from inspector_app.settlement_import.export_csv import export_batch

    with _unlocked(args) as profile:
        batch_id = _find_batch(profile, args.batch)
        exported = export_batch(
            profile=profile, batch_id=batch_id, folder=args.out, encoding=args.encoding,
            progress=_progress(args),
        )  # fmt: skip
    print(
        _("Wrote {claims:,} claims to {claims_path} and {lines:,} lines to {lines_path} "
          "({encoding}).").format(
            claims=exported.claims, claims_path=exported.claims_path, lines=exported.lines,
            lines_path=exported.lines_path, encoding=exported.encoding,
        )
    )  # fmt: skip
    return EXIT_OK


def _cmd_batches(args: argparse.Namespace) -> int:
    from inspector_app.settlement_import import list_batches

    with _unlocked(args) as profile:
        rows = list_batches(profile=profile)
    for row in rows:
        print(
            "\t".join(
                [
                    row.id,
                    row.loaded_at.isoformat(timespec="seconds"),
                    row.institution_code,
                    f"{row.period_start}..{row.period_end}",
                    f"{row.claims:,}",
                    f"{row.lines:,}",
                    f"{row.rejected:,}",
                    row.source,
                ]
            )
        )
    if not rows:
        print(_("No settlement data in this profile yet."))
    return EXIT_OK


def _cmd_preview(args: argparse.Namespace) -> int:
    from inspector_app.settlement_import import preview

    mapping = None
    if args.mapping:
        if args.profile is None:
            _error(_("--mapping needs --profile (saved mappings live in a profile)."))
            return EXIT_FAILED
        with _unlocked(args) as profile:
            mapping = _mapping(profile, args, ImportFileRole(args.role))
    shown = preview(
        _source(args, args.file), role=ImportFileRole(args.role), mapping=mapping,
        limit=args.rows,
    )  # fmt: skip
    layout = shown.layout
    print(
        _("Format {format}, encoding {encoding}, delimiter {delimiter!r}, header in row {row}.")
        .format(
            format=layout.format.value, encoding=layout.encoding or "-",
            delimiter=layout.delimiter or "-", row=layout.header_row,
        )
    )  # fmt: skip
    for name, header in shown.mapping.columns.items():
        print(f"  {name} ← {header}")
    if shown.mapping_error:
        _error(shown.mapping_error)
    for row in shown.rows:
        state = row.kind.value
        print(f"{row.row_no}\t{state}\t{row.values if row.values is not None else ''}")
        for problem in row.problems:
            print(f"\t{problem.column}\t{problem.value}\t{problem.text()}")
    return EXIT_OK if not shown.mapping_error else EXIT_FAILED


def _cmd_mappings(args: argparse.Namespace) -> int:
    from inspector_app.settlement_import import list_mappings

    with _unlocked(args) as profile:
        saved = list_mappings(profile=profile)
    for each in saved:
        columns = ", ".join(f"{k}={v}" for k, v in sorted(each.mapping.columns.items()))
        print(f"{each.mapping.role.value}\t{each.mapping.name}\t{columns}")
    if not saved:
        print(_("No saved mappings."))
    return EXIT_OK


def _cmd_save_mapping(args: argparse.Namespace) -> int:
    from inspector_app.settlement_import import (
        ColumnMapping,
        MappingError,
        MappingOptions,
        preview,
        save_mapping,
    )

    role = ImportFileRole(args.role)
    shown = preview(_source(args, args.file), role=role, limit=0)
    columns = dict(shown.mapping.columns)
    for assignment in args.set:
        field, _sep, header = assignment.partition("=")
        if not field or not _sep:
            raise MappingError(
                _("Write --set as FIELD=HEADER, not “{text}”.").format(text=assignment)
            )
        columns[field.strip()] = header.strip()
    options = MappingOptions(
        encoding=args.encoding, delimiter=args.delimiter, sheet=args.sheet,
        header_row=args.header_row,
    )  # fmt: skip
    with _unlocked(args) as profile:
        saved = save_mapping(
            profile=profile, name=args.name,
            mapping=ColumnMapping(role=role, columns=columns, options=options),
        )  # fmt: skip
    print(_("Saved mapping “{name}” for {role} files.").format(name=args.name, role=role.value))
    for name, header in sorted(saved.mapping.columns.items()):
        print(f"  {name} ← {header}")
    return EXIT_OK


def _cmd_delete_mapping(args: argparse.Namespace) -> int:
    from inspector_app.settlement_import import delete_mapping

    with _unlocked(args) as profile:
        deleted = delete_mapping(profile=profile, role=ImportFileRole(args.role), name=args.name)
    if not deleted:
        _error(_("No saved mapping “{name}”.").format(name=args.name))
        return EXIT_FAILED
    print(_("Deleted mapping “{name}”.").format(name=args.name))
    return EXIT_OK


def _inventory_files(profile: OpenProfile, args: argparse.Namespace) -> list[Any]:
    from inspector_app.settlement_import.inventory import InventoryFile

    files = []
    chosen: list[tuple[ImportFileRole, Path | None, InventoryMovementKind | None]] = [
        (ImportFileRole.PURCHASES, args.purchases, None),
        (ImportFileRole.DISPENSING, args.dispensing, None),
        (ImportFileRole.STOCK_COUNTS, args.stock_counts, None),
        (ImportFileRole.STOCK_COUNTS, args.opening_stock, InventoryMovementKind.OPENING_STOCK),
        (ImportFileRole.STOCK_COUNTS, args.closing_stock, InventoryMovementKind.CLOSING_STOCK),
    ]
    for role, path, kind in chosen:
        if path is not None:
            files.append(
                InventoryFile(
                    role=role, source=_source(args, path), mapping=_mapping(profile, args, role),
                    count_kind=kind,
                )
            )  # fmt: skip
    return files


def _cmd_import_inventory(args: argparse.Namespace) -> int:
    from inspector_app.settlement_import import import_inventory

    with _unlocked(args) as profile:
        summary = import_inventory(
            profile, files=_inventory_files(profile, args), period_start=args.period_start,
            period_end=args.period_end, extraction=_extraction(args), progress=_progress(args),
            **_target(profile, args),
        )  # fmt: skip
    print(
        _("Imported 进销存 batch {batch}: {n:,} movements ({start} to {end}), {refused:,} rows "
          "refused.").format(
            batch=summary.batch_id, n=summary.movements, start=summary.period_start,
            end=summary.period_end, refused=summary.rejected,
        )
    )  # fmt: skip
    for entry in summary.files:
        print(
            "  "
            + _("{name}: {loaded:,} loaded, {refused:,} refused, {warnings:,} warnings").format(
                name=entry["name"], loaded=entry["loaded"], refused=entry["rejected"],
                warnings=entry["warnings"],
            )
        )  # fmt: skip
    if summary.rejected or any(entry["warnings"] for entry in summary.files):
        print(
            _("See the rows refused: inspector settlement problems --profile {profile} "
              "--batch {batch}").format(profile=args.profile, batch=summary.batch_id)
        )  # fmt: skip
    return EXIT_OK


def _reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--encoding", help=_("text encoding of CSV files (default: detected)"))
    parser.add_argument("--delimiter", help=_("field delimiter of CSV files (default: detected)"))
    parser.add_argument("--sheet", help=_("sheet of XLSX files (default: the first)"))
    parser.add_argument(
        "--header-row", type=int, help=_("row number of the header (default: detected)")
    )


def _target_options(parser: argparse.ArgumentParser, *, task: bool = False) -> None:
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--case", help=_("case file id or number (the files become evidence)"))
    target.add_argument("--institution", help=_("institution code (no case: no evidence)"))
    if task:
        target.add_argument(
            "--task",
            help=_("task id or number of an upcoming inspection: the data goes to its team"),
        )
    parser.add_argument("--mapping", help=_("saved column mapping to use (default: automatic)"))
    parser.add_argument("--source-system", help=_("extraction record: the system exported from"))
    parser.add_argument("--query", help=_("extraction record: the query or screen used"))
    parser.add_argument("--holder", help=_("extraction record: the institution's data holder"))
    parser.add_argument("--quiet", action="store_true", help=_("no progress output"))


def _add_import(actions: Any) -> None:
    command = actions.add_parser(
        "import", help=_("import a claims file (and its lines file) as one batch")
    )
    command.add_argument("--profile", type=Path, required=True)
    command.add_argument("--claims", type=Path, required=True, help=_("claims file (CSV/XLSX)"))
    command.add_argument("--lines", type=Path, help=_("lines file (CSV/XLSX)"))
    _target_options(command, task=True)
    _reading_options(command)
    command.set_defaults(handler=_guarded(_cmd_import))

    inventory = actions.add_parser(
        "import-inventory", help=_("import 进销存 files (purchases, dispensing, stock counts)")
    )
    inventory.add_argument("--profile", type=Path, required=True)
    inventory.add_argument("--purchases", type=Path, help=_("purchases file"))
    inventory.add_argument("--dispensing", type=Path, help=_("dispensing or sales file"))
    inventory.add_argument(
        "--stock-counts", type=Path, help=_("stock counts saying 期初/期末 in a column")
    )
    inventory.add_argument("--opening-stock", type=Path, help=_("opening stock counts"))
    inventory.add_argument("--closing-stock", type=Path, help=_("closing stock counts"))
    inventory.add_argument("--period-start", help=_("first day (default: earliest date)"))
    inventory.add_argument("--period-end", help=_("last day (default: latest date)"))
    _target_options(inventory)
    _reading_options(inventory)
    inventory.set_defaults(handler=_guarded(_cmd_import_inventory))


def _add_reports(actions: Any) -> None:
    problems = actions.add_parser("problems", help=_("show or export a batch's error report"))
    problems.add_argument("--profile", type=Path, required=True)
    problems.add_argument("--batch", required=True, help=_("batch id (or its first characters)"))
    problems.add_argument(
        "--csv", type=Path, metavar="OUT", help=_("write every problem to OUT (.csv or .xlsx)")
    )
    problems.add_argument("--limit", type=int, default=200, help=_("rows shown (default 200)"))
    problems.set_defaults(handler=_guarded(_cmd_problems))

    export = actions.add_parser("export", help=_("write a batch as claims.csv and lines.csv"))
    export.add_argument("--profile", type=Path, required=True)
    export.add_argument("--batch", required=True, help=_("batch id (or its first characters)"))
    export.add_argument("--out", type=Path, required=True, help=_("folder to write into"))
    export.add_argument("--encoding", default="utf-8", help=_("utf-8 (default) or gbk"))
    export.add_argument("--quiet", action="store_true", help=_("no progress output"))
    export.set_defaults(handler=_guarded(_cmd_export))

    batches = actions.add_parser("batches", help=_("list the profile's settlement batches"))
    batches.add_argument("--profile", type=Path, required=True)
    batches.set_defaults(handler=_guarded(_cmd_batches))


def _add_mappings(actions: Any) -> None:
    roles = [role.value for role in ImportFileRole]
    shown = actions.add_parser(
        "preview", help=_("show how a file reads and maps, and its first rows parsed")
    )
    shown.add_argument("--file", type=Path, required=True)
    shown.add_argument("--role", choices=roles, required=True)
    shown.add_argument("--rows", type=int, default=10)
    shown.add_argument("--profile", type=Path, help=_("needed with --mapping"))
    shown.add_argument("--mapping", help=_("saved column mapping to use (default: automatic)"))
    _reading_options(shown)
    shown.set_defaults(handler=_guarded(_cmd_preview))

    listing = actions.add_parser("mappings", help=_("list saved column mappings"))
    listing.add_argument("--profile", type=Path, required=True)
    listing.set_defaults(handler=_guarded(_cmd_mappings))

    save = actions.add_parser(
        "save-mapping", help=_("save a column mapping (automatic from a file, adjusted by --set)")
    )
    save.add_argument("--profile", type=Path, required=True)
    save.add_argument("--name", required=True)
    save.add_argument("--role", choices=roles, required=True)
    save.add_argument("--file", type=Path, required=True, help=_("a sample file of this kind"))
    save.add_argument(
        "--set", action="append", default=[], metavar="FIELD=HEADER",
        help=_("map FIELD to the column HEADER (repeatable; empty HEADER unmaps)"),
    )  # fmt: skip
    _reading_options(save)
    save.set_defaults(handler=_guarded(_cmd_save_mapping))

    delete = actions.add_parser("delete-mapping", help=_("delete a saved column mapping"))
    delete.add_argument("--profile", type=Path, required=True)
    delete.add_argument("--name", required=True)
    delete.add_argument("--role", choices=roles, required=True)
    delete.set_defaults(handler=_guarded(_cmd_delete_mapping))


def add_parsers(commands: Any) -> None:
    """Register ``inspector settlement …`` on the ``inspector`` parser."""
    settlement = commands.add_parser(
        "settlement", help=_("import settlement and 进销存 exports; batches and error reports")
    )
    actions = settlement.add_subparsers(dest="settlement_command", metavar="ACTION")
    _add_import(actions)
    _add_reports(actions)
    _add_mappings(actions)
