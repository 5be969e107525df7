"""Encrypt a flying inspection's target under a task key that only the opening code releases.

Two layers, so the expensive key derivation runs once per opening and the payload format can
change without touching the key handling:

* the payload (institution record, leads, title) is JSON encrypted with AES-256-GCM under a
  random 256-bit task key; the associated data binds it to the task's id and number, so a
  payload copied onto another task does not decrypt;
* the task key is wrapped under argon2id(opening code) by :mod:`inspector_app.security.key_wrap`
  (the same code that protects the profile's database key), bound to the same task.

``seal_task_payload`` runs where the task is prepared (the server; the demo; a team leader's
"New task" on this computer); ``unseal_task_payload`` runs when the leader opens the task.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from inspector_app.i18n import _
from inspector_app.sealing.opening_code import normalise_opening_code
from inspector_app.security.key_wrap import (
    NONCE_BYTES,
    KdfParams,
    WrappedKey,
    WrongPasswordError,
    new_database_key,
    unwrap_key,
    wrap_key,
)
from inspector_app.services.task_leads import clean_leads, refuse_identity_keys
from local_db.enums import InstitutionKind, InstitutionLevel

FORMAT = 1
CIPHER = "AES-256-GCM"
PAYLOAD_KEYS = frozenset({"format", "institution", "leads", "title"})
INSTITUTION_FIELDS = (
    "code",
    "name",
    "kind",
    "level",
    "region_code",
    "address",
    "legal_representative",
    "phone",
)


class WrongOpeningCodeError(ValueError):
    """The opening code is well formed but does not open this task."""


class SealedTaskDamagedError(ValueError):
    """The sealed part of a task is missing or unreadable (not a wrong code)."""


@dataclass(frozen=True)
class SealedInstitution:
    """The target institution as the sealed payload carries it (a full register record)."""

    code: str
    name: str
    kind: InstitutionKind
    level: InstitutionLevel
    region_code: str
    address: str = ""
    legal_representative: str = ""
    phone: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SealedInstitution:
        """Parse and validate; raises ValueError naming what is wrong."""
        unknown = sorted(set(data) - set(INSTITUTION_FIELDS))
        if unknown:
            raise ValueError(
                _("The sealed institution has unknown fields: {fields}.").format(
                    fields=", ".join(unknown)
                )
            )
        try:
            institution = cls(
                code=str(data["code"]).strip(),
                name=str(data["name"]).strip(),
                kind=InstitutionKind(data["kind"]),
                level=InstitutionLevel(data["level"]),
                region_code=str(data["region_code"]).strip(),
                address=str(data.get("address") or ""),
                legal_representative=str(data.get("legal_representative") or ""),
                phone=str(data.get("phone") or ""),
            )
        except (KeyError, ValueError) as exc:
            raise ValueError(
                _("The sealed institution record is incomplete or invalid ({detail}).").format(
                    detail=exc
                )
            ) from exc
        if not institution.code or not institution.name or not institution.region_code:
            raise ValueError(_("The sealed institution needs a code, a name and a region."))
        return institution


@dataclass(frozen=True)
class SealedPayload:
    """What stays hidden until the task is opened: the target and the leads."""

    institution: SealedInstitution
    leads: list[str] = field(default_factory=list)
    title: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON document that is encrypted."""
        document: dict[str, Any] = {
            "format": FORMAT,
            "institution": {key: str(value) for key, value in asdict(self.institution).items()},
            "leads": list(self.leads),
        }
        if self.title:
            document["title"] = self.title
        return document

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SealedPayload:
        """Parse and validate a payload document.

        Raises:
            WhistleblowerIdentityError: the payload or a lead carries identity fields.
            ValueError: anything else malformed.
        """
        refuse_identity_keys(data, where=_("sealed payload"))
        unknown = sorted(set(data) - PAYLOAD_KEYS)
        if unknown:
            raise ValueError(
                _("The sealed payload has unknown fields: {fields}.").format(
                    fields=", ".join(unknown)
                )
            )
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(_("The sealed payload was made by an unknown version."))
        institution = data.get("institution")
        leads = data.get("leads") or []
        if (
            not isinstance(institution, Mapping)
            or not isinstance(leads, Sequence)
            or isinstance(leads, str | bytes)
        ):
            raise ValueError(_("The sealed payload needs an institution record and a lead list."))
        title = data.get("title")
        return cls(
            institution=SealedInstitution.from_json(institution),
            leads=clean_leads(leads),
            title=str(title) if title else None,
        )


@dataclass(frozen=True)
class SealedTask:
    """The two stored columns of a sealed task: ciphertext and the wrapped task key."""

    payload: bytes  # nonce ‖ AES-GCM ciphertext (InspectionTask.sealed_payload)
    envelope: str  # JSON: format, cipher, wrapped task key (InspectionTask.seal_envelope)


def associated_data(task_id: str, task_number: str) -> bytes:
    """Binds a sealed payload and its key to one task."""
    return f"fund-inspector/sealed-task\n{task_id}\n{task_number}".encode()


def seal_task_payload(
    *,
    task_id: str,
    task_number: str,
    payload: SealedPayload | Mapping[str, Any],
    opening_code: str,
    kdf: KdfParams | None = None,
) -> SealedTask:
    """Encrypt ``payload`` for task ``task_id`` so that only ``opening_code`` opens it.

    The payload is validated first (the same checks as on opening), so a payload carrying a
    whistleblower's identity is never sealed.
    """
    if not isinstance(payload, SealedPayload):
        payload = SealedPayload.from_json(payload)
    else:
        payload = SealedPayload.from_json(payload.to_json())
    code = normalise_opening_code(opening_code)
    aad = associated_data(task_id, task_number)
    task_key = new_database_key()
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(payload.to_json(), ensure_ascii=False, sort_keys=True).encode()
    ciphertext = AESGCM(task_key).encrypt(nonce, plaintext, aad)
    wrapped = wrap_key(task_key, code, associated_data=aad, params=kdf)
    envelope = {"format": FORMAT, "cipher": CIPHER, "task_key": wrapped.to_json()}
    return SealedTask(payload=nonce + ciphertext, envelope=json.dumps(envelope))


def unseal_task_payload(
    *, task_id: str, task_number: str, sealed: SealedTask, opening_code: str
) -> SealedPayload:
    """Decrypt a sealed payload with the opening code.

    Raises:
        MistypedOpeningCodeError: the code is malformed (caught before any key derivation).
        WrongOpeningCodeError: the code does not open this task.
        SealedTaskDamagedError: the stored envelope or payload is unreadable.
    """
    code = normalise_opening_code(opening_code)
    try:
        envelope = json.loads(sealed.envelope)
        if envelope.get("format") != FORMAT or envelope.get("cipher") != CIPHER:
            raise ValueError("unknown envelope format")
        wrapped = WrappedKey.from_json(envelope["task_key"])
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise SealedTaskDamagedError(
            _("The sealed part of this task is damaged; ask the organiser to send it again.")
        ) from exc
    aad = associated_data(task_id, task_number)
    try:
        task_key = unwrap_key(wrapped, code, associated_data=aad)
    except WrongPasswordError as exc:
        raise WrongOpeningCodeError(
            _(
                "This opening code does not open this task. Check the code with the organiser; "
                "the failed attempt has been logged."
            )
        ) from exc
    nonce, ciphertext = sealed.payload[:NONCE_BYTES], sealed.payload[NONCE_BYTES:]
    try:
        plaintext = AESGCM(task_key).decrypt(nonce, ciphertext, aad)
        document = json.loads(plaintext)
    except (InvalidTag, ValueError) as exc:
        raise SealedTaskDamagedError(
            _("The sealed part of this task is damaged; ask the organiser to send it again.")
        ) from exc
    if not isinstance(document, dict):
        raise SealedTaskDamagedError(_("The sealed part of this task is damaged."))
    return SealedPayload.from_json(document)
