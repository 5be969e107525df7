"""``inspector cert …``: the certificates a profile signs with and the roots it trusts."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app.cli.common import print_error, unlocked
from inspector_app.i18n import _

EXIT_OK = 0
EXIT_FAILED = 1
# The PKCS#12 password, like the profile's, comes from the environment in automation.
P12_PASSWORD_VARIABLE = "INSPECTOR_P12_PASSWORD"


def _cmd_import(args: argparse.Namespace) -> int:
    from inspector_app.cli.password import read_secret
    from inspector_app.services.signing_keys import import_pkcs12
    from inspector_app.signing.errors import CredentialError

    with unlocked(args) as profile:
        password = read_secret(
            _("Password of {file}: ").format(file=args.file), P12_PASSWORD_VARIABLE
        )
        try:
            row = import_pkcs12(
                profile=profile, data=args.file.read_bytes(), password=password, label=args.label
            )
        except (CredentialError, OSError) as exc:
            print_error(str(exc))
            return EXIT_FAILED
    print(_("Imported the certificate of {name}, valid until {day}.").format(
        name=row.subject_name, day=row.not_after.date().isoformat()))  # fmt: skip
    return EXIT_OK


def _cmd_test(args: argparse.Namespace) -> int:
    from inspector_app.services.signing_keys import create_test_credentials

    with unlocked(args) as profile:
        row = create_test_credentials(profile=profile, organisation=args.organisation)
    print(_("Created a TEST certificate for {name} (not for real cases).").format(
        name=row.subject_name))  # fmt: skip
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    from inspector_app.services.signing_keys import list_credentials, list_trusted_roots

    with unlocked(args) as profile:
        credentials = list_credentials(profile=profile)
        roots = list_trusted_roots(profile=profile)
    print(_("Signing certificates:"))
    for row in credentials:
        marks = [_("default")] if row.is_default else []
        marks += [_("TEST")] if row.is_test else []
        marks += [_("expired")] if row.expired else []
        print(f"  {row.subject_name}  {row.issuer_name}  {row.not_after.date().isoformat()}"
              f"  {row.fingerprint[:16]}  {' '.join(marks)}")  # fmt: skip
    print(_("Trusted roots:"))
    for root in roots:
        test = _("TEST") if root.is_test else ""
        print(f"  {root.subject_name}  {root.fingerprint[:16]}  {root.source}  {test}")
    return EXIT_OK


def _cmd_trust(args: argparse.Namespace) -> int:
    from inspector_app.services.signing_keys import trust_root
    from inspector_app.signing.errors import CredentialError

    with unlocked(args) as profile:
        try:
            root = trust_root(profile=profile, certificate=args.file.read_bytes())
        except (CredentialError, ValueError, OSError) as exc:
            print_error(str(exc))
            return EXIT_FAILED
    print(_("Trusted {name} ({fingerprint}).").format(
        name=root.subject_name, fingerprint=root.fingerprint[:16]))  # fmt: skip
    return EXIT_OK


def add_parsers(commands: Any) -> None:
    """Register ``cert`` and its actions."""
    cert = commands.add_parser("cert", help=_("signing certificates and trusted roots"))
    actions = cert.add_subparsers(dest="cert_command", metavar="ACTION")

    def action(name: str, text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, help=text)
        parser.add_argument("--profile", type=Path, required=True)
        return parser

    imported = action("import", _("import a PKCS#12 (.p12/.pfx) certificate with its key"))
    imported.add_argument("--file", type=Path, required=True)
    imported.add_argument("--label", default="")
    imported.set_defaults(handler=_cmd_import)
    test = action("test", _("issue a local TEST certificate for demos and training"))
    test.add_argument("--organisation", default="")
    test.set_defaults(handler=_cmd_test)
    action("list", _("list certificates and trusted roots")).set_defaults(handler=_cmd_list)
    trust = action("trust", _("trust a root certificate (PEM or DER)"))
    trust.add_argument("--file", type=Path, required=True)
    trust.set_defaults(handler=_cmd_trust)
