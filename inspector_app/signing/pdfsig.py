"""A second opinion from Poppler's ``pdfsig``: an independent implementation (NSS) checks each
signature's cryptography and certificate trust.

Trust comes from a throw-away NSS database holding only the caller's roots. ``pdfsig`` does
not judge whether later revisions made forbidden changes; :mod:`verification` does that.
OCSP stays at ``pdfsig``'s default because its ``-no-ocsp`` switch (Poppler 22.12) makes
every certificate fail; it reaches out only for certificates naming an OCSP responder.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from inspector_app.i18n import _
from inspector_app.signing.errors import PdfsigError, ValidatorUnavailableError

SIGNATURE_VALID = "Signature is Valid."
CERTIFICATE_TRUSTED = "Certificate is Trusted."
_UNSIGNED_FIELD = "The signature form field is not signed."
_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class PdfsigSignature:
    """One signature as ``pdfsig`` sees it (results are its own English sentences)."""

    field_name: str
    signer_name: str
    signing_time: str
    signature_validation: str
    certificate_validation: str
    total_document_signed: bool

    @property
    def valid(self) -> bool:
        """The signed bytes are unchanged and the signature value is correct."""
        return self.signature_validation == SIGNATURE_VALID

    @property
    def trusted(self) -> bool:
        """The certificate chains to one of the given roots."""
        return self.certificate_validation == CERTIFICATE_TRUSTED


@dataclass(frozen=True)
class PdfsigReport:
    """All signatures ``pdfsig`` found, the empty signature fields, and its raw output."""

    signatures: tuple[PdfsigSignature, ...]
    unsigned_fields: tuple[str, ...]
    output: str

    @property
    def ok(self) -> bool:
        """At least one signature, every one valid and trusted."""
        return bool(self.signatures) and all(s.valid and s.trusted for s in self.signatures)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ValidatorUnavailableError(
            _(
                "The independent signature check needs the program {program}, which is not "
                "installed (Debian/Ubuntu: poppler-utils and libnss3-tools)."
            ).format(program=name)
        )
    return path


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        stdin=subprocess.DEVNULL,
        timeout=_TIMEOUT_SECONDS,
        check=False,
    )


def _make_nss_database(certutil: str, folder: Path, trust_roots: Sequence[bytes]) -> None:
    database = f"sql:{folder}"
    created = _run([certutil, "-N", "-d", database, "--empty-password"])
    if created.returncode != 0:
        raise PdfsigError(
            _("The trust store for pdfsig could not be made: {reason}").format(
                reason=created.stderr.strip()
            )
        )
    for index, der in enumerate(trust_roots):
        certificate = folder / f"root{index}.der"
        certificate.write_bytes(der)
        nickname = f"root{index}"
        trust = "CT,C,C"  # a CA trusted for TLS, e-mail (S/MIME: document signing) and code
        added = _run(
            [certutil, "-A", "-d", database, "-n", nickname, "-t", trust, "-i", str(certificate)]
        )
        if added.returncode != 0:
            raise PdfsigError(
                _("A trusted root could not be given to pdfsig: {reason}").format(
                    reason=added.stderr.strip()
                )
            )


def _blocks(output: str) -> list[dict[str, str]]:
    """One ``key: value`` mapping per "Signature #n" block; bare sentences keep an empty value."""
    blocks: list[dict[str, str]] = []
    for line in output.splitlines():
        if line.startswith("Signature #"):
            blocks.append({})
            continue
        text = line.strip()
        if not blocks or not text:
            continue
        if text.startswith("- "):
            key, separator, value = text[2:].partition(":")
            blocks[-1][key.strip()] = value.strip() if separator else ""
        else:
            blocks[-1][text] = ""
    return blocks


def parse_pdfsig_output(output: str) -> tuple[tuple[PdfsigSignature, ...], tuple[str, ...]]:
    """The signatures described in ``pdfsig``'s standard output, and the unsigned fields."""
    signatures: list[PdfsigSignature] = []
    unsigned: list[str] = []
    for block in _blocks(output):
        field_name = block.get("Signature Field Name", "")
        if _UNSIGNED_FIELD in block:
            unsigned.append(field_name)
            continue
        signatures.append(
            PdfsigSignature(
                field_name=field_name,
                signer_name=block.get("Signer Certificate Common Name", ""),
                signing_time=block.get("Signing Time", ""),
                signature_validation=block.get("Signature Validation", ""),
                certificate_validation=block.get("Certificate Validation", ""),
                total_document_signed="Total document signed" in block,
            )
        )
    return tuple(signatures), tuple(unsigned)


def run_pdfsig(path: Path, *, trust_roots: Sequence[bytes]) -> PdfsigReport:
    """Run ``pdfsig`` on ``path`` trusting only ``trust_roots`` (DER certificates).

    Raises:
        ValidatorUnavailableError: ``pdfsig`` or ``certutil`` is not installed.
        PdfsigError: ``pdfsig`` could not read the file or failed otherwise.
    """
    pdfsig = _tool("pdfsig")
    certutil = _tool("certutil")
    with tempfile.TemporaryDirectory(prefix="inspector-nss-") as folder:
        _make_nss_database(certutil, Path(folder), trust_roots)
        try:
            result = _run([pdfsig, "-nssdir", f"sql:{folder}", str(path)])
        except subprocess.TimeoutExpired:
            raise PdfsigError(_("pdfsig did not finish in time.")) from None
    signatures, unsigned = parse_pdfsig_output(result.stdout)
    if not signatures and not unsigned and "does not contain any signatures" not in result.stdout:
        raise PdfsigError(
            _("pdfsig could not check the file: {reason}").format(
                reason=(result.stderr or result.stdout).strip() or result.returncode
            )
        )
    return PdfsigReport(signatures=signatures, unsigned_fields=unsigned, output=result.stdout)
