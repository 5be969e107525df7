"""PAdES signing of finished documents: a certification by the team leader, approvals after.

Every signature is an incremental update, so the bytes signed earlier are never rewritten
and earlier signatures stay valid. The certification allows form filling and signing
(DocMDP level 2) and nothing else; since a new *visible* field added after it counts as a
forbidden change, the fields for later signers are reserved when certifying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import read_certification_data
from pyhanko_certvalidator.registry import CertificateRegistry

from inspector_app.i18n import _
from inspector_app.signing.appearance import FramedStampStyle
from inspector_app.signing.errors import DamagedPdfError, PdfSigningError
from inspector_app.signing.identity import SigningIdentity

# An RFC 3161 time-stamp authority client; pyHanko's own interface, passed through.
Timestamper = TimeStamper

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class SignatureField:
    """An empty signature field to reserve: where a later signer will sign.

    ``box`` is (x1, y1, x2, y2) in PDF points from the page's lower-left corner.
    """

    name: str
    page_index: int
    box: Box


def http_timestamper(url: str, *, timeout_seconds: int = 10) -> Timestamper:
    """A time-stamp client for the TSA at ``url`` (used only when the machine is online)."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=timeout_seconds)


def _first_der(der: bytes) -> Any:
    return next(iter(load_certs_from_pemder_data(der)))


def _signer(identity: SigningIdentity) -> signers.SimpleSigner:
    # No certificate fetcher: the chain comes from the identity, never from the network.
    registry = CertificateRegistry.build([_first_der(der) for der in identity.chain])
    return signers.SimpleSigner(
        signing_cert=_first_der(identity.certificate),
        signing_key=load_private_key_from_pemder_data(identity.private_key, passphrase=None),
        cert_registry=registry,
    )


def _open(pdf: bytes) -> IncrementalPdfFileWriter:
    if b"%PDF-" not in pdf[:1024]:
        raise DamagedPdfError(_("This file is not a PDF document."))
    try:
        return IncrementalPdfFileWriter(BytesIO(pdf))
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise DamagedPdfError(
            _("The PDF document is damaged and cannot be read: {reason}").format(reason=exc)
        ) from None


def _integer_box(box: Box) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = (round(value) for value in box)
    return (x1, y1, x2, y2)


def _page_count(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"])


def _field_spec(
    reader: PdfFileReader, name: str, page_index: int, box: Box | None
) -> fields.SigFieldSpec:
    if not 0 <= page_index < _page_count(reader):
        raise PdfSigningError(
            _("The document has no page {number} for the signature field.").format(
                number=page_index + 1
            )
        )
    return fields.SigFieldSpec(
        sig_field_name=name,
        on_page=page_index,
        box=None if box is None else _integer_box(box),
    )


def _existing_fields(reader: PdfFileReader) -> dict[str, bool]:
    """Signature field names, each with whether it is already signed."""
    return {
        str(name): value is not None for name, value, _ref in fields.enumerate_sig_fields(reader)
    }


def _check_request(
    reader: PdfFileReader,
    existing: dict[str, bool],
    *,
    field_name: str,
    certify: bool,
    box: Box | None,
    reserve_fields: Sequence[SignatureField],
) -> None:
    if existing.get(field_name):
        raise PdfSigningError(
            _("The signature field {name} is already signed.").format(name=field_name)
        )
    certified = read_certification_data(reader) is not None
    if certify and (certified or any(existing.values())):
        raise PdfSigningError(
            _("Only the first signature of a document can certify it; sign it as an approval.")
        )
    if certified and (reserve_fields or (field_name not in existing and box is not None)):
        empty = [name for name, signed in existing.items() if not signed]
        if empty:
            raise PdfSigningError(
                _(
                    "The document is certified: no new visible signature field may be added. "
                    "Sign an empty field ({fields}) or sign invisibly."
                ).format(fields=", ".join(empty))
            )
        raise PdfSigningError(
            _(
                "The document is certified: no new visible signature field may be added. "
                "Sign invisibly."
            )
        )
    for reserved in reserve_fields:
        if reserved.name in existing or reserved.name == field_name:
            raise PdfSigningError(
                _("The signature field {name} exists already.").format(name=reserved.name)
            )


def sign_pdf(
    pdf: bytes,
    *,
    identity: SigningIdentity,
    field_name: str,
    signer_name: str,
    reason: str,
    location: str,
    certify: bool,
    page_index: int | None = None,
    box: Box | None = None,
    timestamper: Timestamper | None = None,
    appearance_lines: Sequence[str] = (),
    reserve_fields: Sequence[SignatureField] = (),
) -> bytes:
    """Sign ``pdf`` as an incremental update; the result starts with the input bytes.

    An existing empty field ``field_name`` is signed where it is; otherwise a new field is
    made: visible at ``box`` on ``page_index`` (default the first page), or invisible when
    ``box`` is None. ``certify`` makes a certification signature that still allows form
    filling and signing; ``reserve_fields`` adds empty fields for later signers in the
    same revision (only before the document is certified). The visible stamp shows
    ``signer_name``, the signing time and ``appearance_lines``. With a ``timestamper`` the
    signature gets an RFC 3161 time-stamp (network access).

    Raises:
        DamagedPdfError: ``pdf`` is not a readable PDF.
        PdfSigningError: the request is not allowed on this document, or signing failed.
    """
    writer = _open(pdf)
    reader = writer.prev
    try:
        existing = _existing_fields(reader)
    except (PdfError, ValueError, KeyError) as exc:
        raise DamagedPdfError(
            _("The PDF document is damaged and cannot be read: {reason}").format(reason=exc)
        ) from None
    _check_request(
        reader,
        existing,
        field_name=field_name,
        certify=certify,
        box=box,
        reserve_fields=reserve_fields,
    )
    new_field = None
    if field_name not in existing:
        new_field = _field_spec(reader, field_name, page_index or 0, box)
    for reserved in reserve_fields:
        fields.append_signature_field(
            writer, _field_spec(reader, reserved.name, reserved.page_index, reserved.box)
        )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        name=signer_name,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        _signer(identity),
        timestamper=timestamper,
        stamp_style=FramedStampStyle(lines=tuple(appearance_lines)),
        new_field_spec=new_field,
    )
    try:
        output = pdf_signer.sign_pdf(writer, existing_fields_only=new_field is None)
    except (SigningError, PdfError, ValueError) as exc:
        raise PdfSigningError(
            _("The document could not be signed: {reason}").format(reason=exc)
        ) from exc
    signed: bytes = output.getvalue()
    if not signed.startswith(pdf):  # the promise every earlier signature depends on
        raise PdfSigningError(_("Signing would have rewritten the document; nothing was saved."))
    return signed
