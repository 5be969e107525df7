"""``inspector pdf``: verify the signatures of a document and issue test certificates for demos.

``verify`` needs no profile: the roots to trust come from ``--trust`` files (PEM or DER),
collected in :func:`trust_roots_from_args` so further sources (a profile's trusted roots)
plug in at one place. It exits 0 only when every signature is intact and trusted (and,
with ``--pdfsig``, Poppler agrees); 1 otherwise or when the file cannot be read.
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.cli.common import print_error as _error
from inspector_app.i18n import _

if TYPE_CHECKING:
    from inspector_app.signing import PdfsigReport, PdfVerification, SignatureCheck

_UNSAFE_FILE_CHARACTERS = re.compile(r'[\\/:*?"<>|\s]+')


def trust_roots_from_args(args: argparse.Namespace) -> list[bytes]:
    """Every trusted root certificate (DER) the arguments name.

    Raises:
        OSError: a file cannot be read.
        NotACertificateError: a file holds no certificate.
    """
    from inspector_app.signing import load_certificates

    roots: list[bytes] = []
    for path in getattr(args, "trust", None) or []:
        roots.extend(load_certificates(Path(path).read_bytes()))
    if getattr(args, "profile", None) is not None:
        from inspector_app.cli.common import unlocked
        from inspector_app.services.signing_keys import trusted_root_certificates

        with unlocked(args) as profile, profile.read_session() as session:
            roots.extend(trusted_root_certificates(session))
    return roots


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _local_time(moment: datetime | None) -> str:
    if moment is None:
        return _("unknown")
    return f"{moment.astimezone():%Y-%m-%d %H:%M:%S %z}"


def _later_changes(check: SignatureCheck) -> str:
    if check.forbidden_changes:
        return _("FORBIDDEN changes after this signature")
    if check.modified_after:
        return _("allowed additions only (form filling, further signatures)")
    return _("none")


def _print_check(number: int, total: int, check: SignatureCheck) -> None:
    kind = _("certification") if check.certification else _("approval")
    if check.document_timestamp:
        kind = _("document time-stamp")
    print(
        _("Signature {number} of {total}: field {field} ({kind})").format(
            number=number, total=total, field=check.field_name, kind=kind
        )
    )
    print("  " + _("Signer: {name}").format(name=check.signer_common_name or _("unknown")))
    if check.is_test_certificate:
        print("  " + _("TEST certificate: not valid for real cases"))
    print("  " + _("Signed at: {time}").format(time=_local_time(check.signing_time)))
    if check.timestamp_time is not None:
        print("  " + _("Time-stamp: {time}").format(time=_local_time(check.timestamp_time)))
    print("  " + _("Intact: {answer}").format(answer=_yes_no(check.intact)))
    print("  " + _("Trusted: {answer}").format(answer=_yes_no(check.trusted)))
    print("  " + _("Later changes: {changes}").format(changes=_later_changes(check)))
    if check.problem:
        print("  " + _("Problem: {problem}").format(problem=check.problem))


def _print_verification(result: PdfVerification) -> None:
    total = len(result.signatures)
    for number, check in enumerate(result.signatures, start=1):
        _print_check(number, total, check)
    if result.message:
        print(result.message)


def _print_pdfsig(report: PdfsigReport) -> None:
    print(_("Independent check (Poppler pdfsig):"))
    if not report.signatures:
        print("  " + _("pdfsig found no signature."))
    for signature in report.signatures:
        print(
            "  "
            + _("{field} ({signer}): signature {signature}; certificate {certificate}").format(
                field=signature.field_name,
                signer=signature.signer_name,
                signature=signature.signature_validation or _("not reported"),
                certificate=signature.certificate_validation or _("not reported"),
            )
        )


def _cmd_verify(args: argparse.Namespace) -> int:
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK
    from inspector_app.signing import SigningFailure, run_pdfsig, verify_pdf

    path: Path = args.file
    try:
        roots = trust_roots_from_args(args)
        result = verify_pdf(path.read_bytes(), trust_roots=roots)
    except OSError as exc:
        _error(_("cannot read {path}: {reason}").format(path=exc.filename, reason=exc.strerror))
        return EXIT_FAILED
    except SigningFailure as exc:
        _error(_("{path}: {reason}").format(path=path, reason=exc))
        return EXIT_FAILED
    _print_verification(result)
    ok = result.ok
    if args.pdfsig:
        try:
            report = run_pdfsig(path, trust_roots=roots)
        except SigningFailure as exc:
            _error(str(exc))
            return EXIT_FAILED
        _print_pdfsig(report)
        ok = ok and report.ok
    tested = any(check.is_test_certificate for check in result.signatures)
    if ok and tested and not args.allow_test:
        print(
            _(
                "Result: intact and trusted, but signed with a TEST certificate, which is not "
                "valid for real cases (--allow-test accepts it for demos and training)."
            )
        )
        return EXIT_FAILED
    print(
        _("Result: every signature is intact and trusted.")
        if ok
        else _("Result: the document is NOT verified.")
    )
    return EXIT_OK if ok else EXIT_FAILED


def _p12_name(name: str, taken: set[str]) -> str:
    stem = _UNSAFE_FILE_CHARACTERS.sub("_", name).strip("._") or "signer"
    candidate, counter = stem, 2
    while candidate in taken:
        candidate, counter = f"{stem}-{counter}", counter + 1
    taken.add(candidate)
    return candidate + ".p12"


def _cmd_test_ca(args: argparse.Namespace) -> int:
    from inspector_app.cli.cert_commands import P12_PASSWORD_VARIABLE
    from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from inspector_app.cli.password import NoPasswordError, read_secret
    from inspector_app.signing import (
        certificates_to_pem,
        identity_to_pkcs12,
        issue_test_ca,
        issue_test_signer,
    )

    password = args.password
    if password is None:
        try:
            password = read_secret(_("Password for the .p12 files: "), P12_PASSWORD_VARIABLE)
        except NoPasswordError:
            password = ""
    if not password:
        _error(_("give --password for the .p12 files."))
        return EXIT_USAGE
    out: Path = args.out
    taken: set[str] = set()
    p12_files = [(_p12_name(name, taken), name) for name in args.signer]
    names = ["ca.pem", *(file_name for file_name, _signer in p12_files)]
    existing = [name for name in names if (out / name).exists()]
    if existing:
        _error(_("{path} exists already; nothing was written.").format(path=out / existing[0]))
        return EXIT_FAILED
    authority = issue_test_ca(organisation=args.organisation)
    files = {"ca.pem": certificates_to_pem([authority.certificate])}
    for file_name, signer in p12_files:
        identity = issue_test_signer(authority, name=signer, organisation=args.organisation)
        files[file_name] = identity_to_pkcs12(identity, password)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for file_name, data in files.items():
            (out / file_name).write_bytes(data)
    except OSError as exc:
        _error(_("cannot write {path}: {reason}").format(path=exc.filename, reason=exc.strerror))
        return EXIT_FAILED
    print(_("TEST certificates (not valid for real cases) written to {path}:").format(path=out))
    for file_name in files:
        print("  " + file_name)
    return EXIT_OK


def add_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Register ``inspector pdf`` and its actions on ``commands``."""
    pdf = commands.add_parser(
        "pdf", help=_("verify signed PDFs, issue test certificates (no profile needed)")
    )
    actions = pdf.add_subparsers(dest="pdf_command", metavar="ACTION")

    verify = actions.add_parser(
        "verify", help=_("check every signature of a PDF: intact, trusted, no forbidden edits")
    )
    verify.add_argument("file", type=Path, metavar="FILE", help=_("the signed PDF"))
    verify.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="CERT",
        help=_("a trusted root certificate, PEM or DER (repeatable)"),
    )
    verify.add_argument(
        "--profile",
        type=Path,
        default=None,
        help=_("also trust the roots this profile trusts (asks for its password)"),
    )
    verify.add_argument(
        "--allow-test",
        action="store_true",
        help=_("accept signatures made with TEST certificates (demos and training)"),
    )
    verify.add_argument(
        "--pdfsig",
        action="store_true",
        help=_("also check with Poppler's pdfsig, an independent validator"),
    )
    verify.set_defaults(handler=_cmd_verify)

    test_ca = actions.add_parser(
        "test-ca", help=_("issue a TEST CA and signer certificates for demos (never real cases)")
    )
    test_ca.add_argument("--out", type=Path, required=True, help=_("folder to write into"))
    test_ca.add_argument("--organisation", required=True, help=_("organisation named in them"))
    test_ca.add_argument(
        "--signer",
        action="append",
        required=True,
        metavar="NAME",
        help=_("a signer's name; one .p12 file each (repeatable)"),
    )
    test_ca.add_argument(
        "--password",
        help=_("password of the .p12 files (default: INSPECTOR_PASSWORD or standard input)"),
    )
    test_ca.set_defaults(handler=_cmd_test_ca)
