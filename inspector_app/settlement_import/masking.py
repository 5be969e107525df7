"""Who sees the values of an import's problems as read, and how the others see them masked.

An error report quotes the cells it complains about, and those may identify a patient: a
name, an ID number (every ``id_check_digit`` warning), a phone number in a shifted row. The
rule is the one the claims follow: in a case, the user's standing in its team
(``case_access``: a social supervisor sees no identifiers); without a case, the profile
owner's role (a supervisor's does not record and sees none). For those who may not see
them, values of identity columns are masked — ID and phone numbers as ``mask_identifier``
does, names as the family name and ``*`` — and a value tied to no known column (a shifted
row's extra fields, a cell of an unmapped column) goes through ``scrub_text``. What is
stored stays as read: it is the evidence of what the file held, in the encrypted database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from inspector_app.casework.access import RECORDING_USER_ROLES, case_access, user_role
from inspector_app.privacy import mask_identifier, scrub_text
from inspector_app.profiles import OpenProfile
from inspector_app.settlement_import.fields import field_by_name, normalize_header
from inspector_app.settlement_import.problems import Problem
from local_db.enums import ImportFileRole
from local_db.models import InventoryBatch, SettlementBatch

# Target fields whose values identify a patient, and how each is masked.
_NAME, _ID, _PHONE = "name", "id", "phone"
IDENTITY_FIELDS = {"patient_name": _NAME, "patient_id_no": _ID}
# Headers of columns no role maps but exports carry (a column with a phone number).
_PHONE_HEADERS = ("电话", "手机", "联系方式", "phone", "mobile", "tel")
_IDENTITY_SYNONYMS = {
    normalize_header(synonym): kind
    for name, kind in IDENTITY_FIELDS.items()
    for synonym in field_by_name(ImportFileRole.CLAIMS, name).synonyms
}


def mask_name(value: str) -> str:
    """A name as its first character (the family name, mostly) and ``*``: 张三丰 → 张**."""
    name = value.strip().strip('"').strip()
    if len(name) <= 1:
        return "*" if name else ""
    return name[0] + "*" * (len(name) - 1)


@dataclass(frozen=True)
class ProblemMasking:
    """How the values of one load's problems are shown to a user who sees no identifiers.

    ``columns`` holds, per file role, the headers a mapping tied to a target field: the
    identity kind of those that identify a patient, "" for the others (shown as read).
    """

    columns: dict[tuple[str, str], str]

    def value(self, role: ImportFileRole, problem: Problem) -> str:
        """``problem.value`` as this user may see it."""
        if not problem.value:
            return ""
        kind = self.columns.get((role.value, problem.column))
        if kind is None:
            kind = _column_kind(problem.column)
        if kind == _NAME:
            return mask_name(problem.value)
        if kind in (_ID, _PHONE):
            return mask_identifier(problem.value)
        if kind == "":
            return problem.value
        return scrub_text(problem.value)


def _column_kind(header: str) -> str | None:
    """The identity kind of a header no mapping names (None: unknown, scrub the value)."""
    normalized = normalize_header(header)
    if normalized in _IDENTITY_SYNONYMS:
        return _IDENTITY_SYNONYMS[normalized]
    if any(mark in normalized for mark in _PHONE_HEADERS):
        return _PHONE
    return None


def _mapped_columns(files: Any) -> dict[tuple[str, str], str]:
    """(role, header) → identity kind ("" for others) from the stored import details."""
    columns: dict[tuple[str, str], str] = {}
    for entry in files if isinstance(files, list) else []:
        mapping = entry.get("mapping") if isinstance(entry, dict) else None
        mapped = mapping.get("columns") if isinstance(mapping, dict) else None
        if not isinstance(mapped, dict):
            continue
        for name, header in mapped.items():
            if isinstance(header, str):
                kind = IDENTITY_FIELDS.get(str(name), "")
                columns[(str(entry.get("role")), header[:128])] = kind
    return columns


def problem_masking(profile: OpenProfile, load_id: str) -> ProblemMasking | None:
    """None when the user sees the load's values as read; else how to mask them.

    Raises:
        CaseNotFoundError: the load belongs to a case that is gone.
    """
    with profile.read_session() as session:
        case_id: str | None
        batch = session.get(SettlementBatch, load_id)
        if batch is not None:
            case_id, stored = batch.case_id, json_object(batch.import_detail).get("files")
        else:
            inventory = session.get(InventoryBatch, load_id)
            case_id = inventory.case_id if inventory is not None else None
            stored = _json_list(inventory.sources) if inventory is not None else []
        if case_id is not None:
            sees = case_access(session, profile, case_id).sees_identifiers
        else:
            sees = user_role(session, profile) in RECORDING_USER_ROLES
    return None if sees else ProblemMasking(_mapped_columns(stored))


def json_object(text: str | None) -> dict[str, Any]:
    """A stored JSON object ({} when it is none or unreadable)."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _json_list(text: str | None) -> list[Any]:
    try:
        data = json.loads(text or "[]")
    except ValueError:
        return []
    return data if isinstance(data, list) else []
