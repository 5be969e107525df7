"""``inspector documents …``: a case's document set without a screen.

``build`` writes the set as it stands (drafts) or, with ``--sign``, seals it with the team
leader's certificate, which closes the case; a closed case's build exports the sealed files
as issued. ``sign``/``refuse`` record a handwritten signature (a PNG) or a refusal with its
witness, ``approve`` adds the supervisor's approval signature, ``status`` lists who still
has to sign.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from inspector_app.cli.common import print_error, unlocked
from inspector_app.i18n import _

EXIT_OK = 0
EXIT_FAILED = 1


class ExportFailedError(OSError):
    """The documents were issued but the copies could not be written (says so in full)."""


def _case_id(profile: Any, ref: str) -> str | None:
    from inspector_app.evidence.catalog import resolve_case

    with profile.read_session() as session:
        case = resolve_case(session, ref)
        return case.id if case is not None else None


def _known_errors() -> tuple[type[BaseException], ...]:
    from inspector_app.casework.access import CaseNotFoundError, NotAllowedError
    from inspector_app.documents.fonts import FontUnavailableError
    from inspector_app.services.signing_keys import NoCredentialError
    from inspector_app.signing.errors import SigningFailure

    return (
        NotAllowedError,
        CaseNotFoundError,
        NoCredentialError,
        FontUnavailableError,
        SigningFailure,
        LookupError,
        ValueError,
        OSError,
    )


def _run(args: argparse.Namespace, work: Callable[[Any, str], list[str]]) -> int:
    """Unlock, find ``args.case``, run ``work(profile, case_id)`` and print its lines; a
    refusal the user can act on (closed case, missing signature, no certificate) is one
    error line and exit 1."""
    with unlocked(args) as profile:
        case_id = _case_id(profile, args.case)
        if case_id is None:
            print_error(_("No case {case} in this profile.").format(case=args.case))
            return EXIT_FAILED
        try:
            lines = work(profile, case_id)
        except _known_errors() as exc:
            print_error(str(exc))
            return EXIT_FAILED
    for line in lines:
        print(line)
    return EXIT_OK


def _write_drafts(profile: Any, case_id: str, out: Path, language: str) -> list[Path]:
    from inspector_app.documents.service import build_documents

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for document in build_documents(profile=profile, case_id=case_id, language=language):
        target = out / f"{document.file_stem}.pdf"
        target.write_bytes(document.pdf)
        written.append(target)
    return written


def _cmd_build(args: argparse.Namespace) -> int:
    from inspector_app.documents.service import case_documents, export_issued, seal_documents

    def work(profile: Any, case_id: str) -> list[str]:
        state = case_documents(profile=profile, case_id=case_id)
        if state.read_only and state.issued:
            paths = export_issued(profile=profile, case_id=case_id, folder=args.out)
            head = _("Case {number} is sealed; exported its issued documents:").format(
                number=state.case_number
            )
        elif args.sign:
            result = seal_documents(
                profile=profile, case_id=case_id, export_to=args.out, language=args.language
            )
            if result.export_problem:
                raise ExportFailedError(
                    _("Sealed {n} documents of case {number}; the case is closed. {problem} "
                      "`inspector documents build` exports them again.").format(
                        n=len(result.documents), number=result.case_number,
                        problem=result.export_problem)
                )  # fmt: skip
            paths = list(result.exported)
            head = _(
                "Sealed {n} documents of case {number} as {signer}; the case is closed."
            ).format(n=len(result.documents), number=result.case_number, signer=result.signer)
        else:
            paths = _write_drafts(profile, case_id, args.out, args.language)
            head = _("Wrote {n} draft documents of case {number} (not sealed):").format(
                n=len(paths), number=state.case_number
            )
        return [head, *(f"  {path}" for path in paths)]

    return _run(args, work)


def _cmd_status(args: argparse.Namespace) -> int:
    from inspector_app.documents.service import case_documents
    from inspector_app.vocabulary import case_status_label

    def work(profile: Any, case_id: str) -> list[str]:
        state = case_documents(profile=profile, case_id=case_id)
        lines = [_("Case {number}: {status}").format(
            number=state.case_number, status=case_status_label(state.status))]  # fmt: skip
        for document in state.documents:
            ref = document.ref
            where = f"{ref.kind.value} {ref.subject_id}".strip()
            lines.append(f"{ref.sequence}  {document.name}  [{where}]")
            for slot in document.slots:
                if slot.refused:
                    mark = _("refused (witness {witness})").format(witness=slot.witness_name)
                else:
                    mark = _("signed") if slot.signed_at is not None else _("to sign")
                lines.append(
                    f"    {slot.slot.role.value:<14} {slot.slot.key:<36} {slot.slot.name}  {mark}"
                )
        lines += [
            _("Issued: {file} ({signatures} signatures, SHA-256 {sha})").format(
                file=row.file_name, signatures=row.signature_count, sha=row.sha256)
            for row in state.issued
        ]  # fmt: skip
        return lines

    return _run(args, work)


def _slot_args(args: argparse.Namespace, case_id: str) -> dict[str, Any]:
    from local_db.enums import DocumentKind, SignerRole

    return {
        "case_id": case_id,
        "kind": DocumentKind(args.document),
        "subject_id": args.interview or "",
        "role": SignerRole(args.role),
        "key": args.signer or SignerRole(args.role).value,
    }


def _cmd_sign(args: argparse.Namespace) -> int:
    from inspector_app.documents.signatures import record_signature

    def work(profile: Any, case_id: str) -> list[str]:
        state = record_signature(
            profile=profile, png=args.image.read_bytes(), **_slot_args(args, case_id)
        )
        return [_("Signature of {name} recorded.").format(name=state.slot.name)]

    return _run(args, work)


def _cmd_refuse(args: argparse.Namespace) -> int:
    from inspector_app.documents.signatures import record_refusal

    def work(profile: Any, case_id: str) -> list[str]:
        state = record_refusal(
            profile=profile,
            witness_inspector_id=args.witness,
            reason=args.reason,
            refused_at=args.at,
            **_slot_args(args, case_id),
        )
        return [_("Refusal of {name} recorded with witness {witness}.").format(
            name=state.slot.name, witness=state.witness_name)]  # fmt: skip

    return _run(args, work)


def _cmd_approve(args: argparse.Namespace) -> int:
    from inspector_app.documents.service import countersign_documents

    def work(profile: Any, case_id: str) -> list[str]:
        result = countersign_documents(profile=profile, case_id=case_id, export_to=args.out)
        return [_("Approved {n} documents of case {number} as {signer}.").format(
            n=len(result.documents), number=result.case_number, signer=result.signer)]  # fmt: skip

    return _run(args, work)


def _aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.astimezone()
    return value


def add_parsers(commands: Any) -> None:
    """Register ``documents`` and its actions."""
    documents = commands.add_parser("documents", help=_("build, sign and seal a case's documents"))
    actions = documents.add_subparsers(dest="documents_command", metavar="ACTION")

    def action(name: str, text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, help=text)
        parser.add_argument("--profile", type=Path, required=True)
        parser.add_argument("--case", required=True, help=_("case id or case number"))
        return parser

    build = action("build", _("write the case's documents (sealed ones as issued)"))
    build.add_argument("--out", type=Path, required=True, help=_("folder for the PDF files"))
    build.add_argument(
        "--sign", action="store_true", help=_("seal with the leader's certificate and close")
    )
    build.add_argument(
        "--language", choices=["zh_CN", "en"], default="zh_CN",
        help=_("language of the documents (default zh_CN)"),
    )  # fmt: skip
    build.set_defaults(handler=_cmd_build)
    action("status", _("who has signed what, and the issued files")).set_defaults(
        handler=_cmd_status
    )
    kinds = ["notice", "onsite_record", "interview_record", "findings_list", "evidence_list",
             "sampling_report"]  # fmt: skip
    for name, text, handler in (
        ("sign", _("record a handwritten signature (PNG)"), _cmd_sign),
        ("refuse", _("record that a person refused to sign, with a witness"), _cmd_refuse),
    ):
        parser = action(name, text)
        parser.add_argument("--document", required=True, choices=kinds)
        parser.add_argument("--interview", help=_("the interview (for an interview record)"))
        parser.add_argument(
            "--role", required=True,
            choices=["inspector", "recorder", "representative", "interviewee"],
        )  # fmt: skip
        parser.add_argument("--signer", help=_("inspector id (team members)"))
        if name == "sign":
            parser.add_argument("--image", type=Path, required=True)
        else:
            parser.add_argument("--witness", required=True, help=_("witness's inspector id"))
            parser.add_argument("--reason", default="")
            parser.add_argument("--at", type=_aware, default=None, help=_("time (ISO 8601)"))
        parser.set_defaults(handler=handler)
    approve = action("approve", _("add the supervisor's approval signature"))
    approve.add_argument("--out", type=Path, default=None)
    approve.set_defaults(handler=_cmd_approve)
