"""Column mappings: which source header fills which target field, auto-mapped or saved.

Auto-mapping compares normalized headers with each field's synonyms: exact matches first,
then (for fields still open) a header that contains a synonym of three characters or more,
the longest synonym winning (``医保统筹支付金额`` → ``fund_fen``). Each header fills at most
one field. Saved mappings are ``MappingProfile`` rows, written through the ORM so the outbox
syncs them to the team; a name is unique per file role, and deleting leaves a tombstone
that a later save of the same name revives.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.settlement_import.fields import (
    TargetField,
    normalize_header,
    role_fields,
)
from inspector_app.settlement_import.sources import ImportSource
from local_db.enums import ImportFileRole
from local_db.models import MappingProfile
from local_db.outbox import tombstone

MAX_NAME = 128
_CONTAINED_SYNONYM = 3  # shorter synonyms (单价, 数量) only match a whole header


class MappingError(ValueError):
    """A mapping cannot be used with a file; ``str()`` is a user-facing message."""


@dataclass(frozen=True)
class MappingOptions:
    """Reading choices kept with a saved mapping (None: detect)."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = None

    def to_json(self) -> str:
        """As stored in ``mapping_profile.options``."""
        return json.dumps(
            {key: value for key, value in asdict(self).items() if value is not None},
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> MappingOptions:
        """Read stored options, ignoring keys this version does not know."""
        data = json.loads(text or "{}")
        if not isinstance(data, dict):
            return cls()
        header_row = data.get("header_row")
        return cls(
            encoding=_text_or_none(data.get("encoding")),
            delimiter=_text_or_none(data.get("delimiter")),
            sheet=_text_or_none(data.get("sheet")),
            header_row=header_row if isinstance(header_row, int) else None,
        )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class ColumnMapping:
    """Target field name → source header, for one file role."""

    role: ImportFileRole
    columns: Mapping[str, str]
    options: MappingOptions = field(default_factory=MappingOptions)
    name: str | None = None  # the saved mapping it came from; None when automatic

    def apply_options(self, source: ImportSource) -> ImportSource:
        """``source`` with the options it leaves open taken from this mapping."""
        return replace(
            source,
            encoding=source.encoding or self.options.encoding,
            delimiter=source.delimiter or self.options.delimiter,
            sheet=source.sheet if source.sheet is not None else self.options.sheet,
            header_row=(
                source.header_row if source.header_row is not None else self.options.header_row
            ),
        )


def auto_map(role: ImportFileRole, headers: Sequence[str]) -> dict[str, str]:
    """Target field → header for every field a header names (see the module docstring)."""
    normalized = [normalize_header(header) for header in headers]
    taken: set[int] = set()
    found: dict[str, str] = {}
    targets = role_fields(role)
    for target in targets:
        synonyms = [normalize_header(synonym) for synonym in target.synonyms]
        for synonym in synonyms:
            index = next(
                (i for i, name in enumerate(normalized) if name == synonym and i not in taken),
                None,
            )
            if index is not None:
                found[target.name] = headers[index]
                taken.add(index)
                break
    for target in targets:
        if target.name in found:
            continue
        best: tuple[int, int] | None = None  # (synonym length, header index)
        for synonym in (normalize_header(s) for s in target.synonyms):
            if len(synonym) < _CONTAINED_SYNONYM:
                continue
            for index, name in enumerate(normalized):
                if (
                    index not in taken
                    and synonym in name
                    and (best is None or len(synonym) > best[0])
                ):
                    best = (len(synonym), index)
        if best is not None:
            found[target.name] = headers[best[1]]
            taken.add(best[1])
    return found


def automatic_mapping(role: ImportFileRole, headers: Sequence[str]) -> ColumnMapping:
    """An unsaved mapping made by :func:`auto_map`."""
    return ColumnMapping(role=role, columns=auto_map(role, headers))


def missing_required(mapping: ColumnMapping) -> list[TargetField]:
    """Required fields the mapping leaves unmapped."""
    return [t for t in role_fields(mapping.role) if t.required and not mapping.columns.get(t.name)]


def column_indexes(mapping: ColumnMapping, headers: Sequence[str]) -> dict[str, int]:
    """Target field → column index of its header in this file.

    Raises:
        MappingError: a required field is unmapped, or a mapped header is not in the file.
    """
    missing = missing_required(mapping)
    if missing:
        raise MappingError(
            _("These required fields are not mapped to a column: {fields}.").format(
                fields=", ".join(target.label_text() for target in missing)
            )
        )
    known = {target.name for target in role_fields(mapping.role)}
    position = {header: index for index, header in enumerate(headers)}
    indexes: dict[str, int] = {}
    absent = []
    for name, header in mapping.columns.items():
        if not header:
            continue
        if name not in known:
            raise MappingError(_("The mapping names an unknown field “{name}”.").format(name=name))
        if header not in position:
            absent.append(header)
            continue
        indexes[name] = position[header]
    if absent:
        raise MappingError(
            _("The file has no column named {headers}.").format(
                headers=", ".join(f"“{header}”" for header in absent)
            )
        )
    return indexes


@dataclass(frozen=True)
class SavedMapping:
    """A saved mapping as listed."""

    id: str
    mapping: ColumnMapping
    updated_at: datetime
    updated_by: str


def _clean_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise MappingError(_("Give the mapping a name."))
    if len(text) > MAX_NAME:
        raise MappingError(
            _("The mapping name is too long (at most {n} characters).").format(n=MAX_NAME)
        )
    return text


def _row(role: ImportFileRole, name: str) -> Any:
    return select(MappingProfile).where(
        MappingProfile.file_role == role, MappingProfile.name == name
    )


def save_mapping(*, profile: OpenProfile, name: str, mapping: ColumnMapping) -> SavedMapping:
    """Save ``mapping`` under ``name`` for its role, replacing one of the same name.

    Raises:
        MappingError: the name is empty or too long, or a field is unknown.
    """
    text = _clean_name(name)
    known = {target.name for target in role_fields(mapping.role)}
    unknown = sorted(set(mapping.columns) - known)
    if unknown:
        raise MappingError(
            _("The mapping names an unknown field “{name}”.").format(name=unknown[0])
        )
    columns = json.dumps(
        {key: value for key, value in mapping.columns.items() if value},
        ensure_ascii=False,
        sort_keys=True,
    )
    with profile.session() as session:
        row = session.scalar(_row(mapping.role, text))
        if row is None:
            row = MappingProfile(name=text, file_role=mapping.role)
            session.add(row)
        row.columns = columns
        row.options = mapping.options.to_json()
        row.deleted_at = None
        row.deleted_by = None
        session.flush()
        profile.audit(
            session, "mapping.saved", entity="mapping_profile", entity_id=row.id,
            detail=mapping.role.value,
        )  # fmt: skip
        return _saved(row)


def _saved(row: MappingProfile) -> SavedMapping:
    columns = json.loads(row.columns or "{}")
    return SavedMapping(
        id=row.id,
        mapping=ColumnMapping(
            role=row.file_role,
            columns={str(k): str(v) for k, v in columns.items()}
            if isinstance(columns, dict)
            else {},
            options=MappingOptions.from_json(row.options),
            name=row.name,
        ),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def load_mapping(*, profile: OpenProfile, role: ImportFileRole, name: str) -> ColumnMapping | None:
    """The saved mapping called ``name`` for ``role``, None if there is none."""
    with profile.read_session() as session:
        row = session.scalar(_row(role, " ".join(name.split())))
        if row is None or row.deleted_at is not None:
            return None
        return _saved(row).mapping


def list_mappings(
    *, profile: OpenProfile, role: ImportFileRole | None = None
) -> list[SavedMapping]:
    """Saved mappings (of one role, or all), by role and name."""
    query = select(MappingProfile).where(MappingProfile.deleted_at.is_(None))
    if role is not None:
        query = query.where(MappingProfile.file_role == role)
    with profile.read_session() as session:
        rows = session.scalars(query.order_by(MappingProfile.file_role, MappingProfile.name))
        return [_saved(row) for row in rows]


def delete_mapping(*, profile: OpenProfile, role: ImportFileRole, name: str) -> bool:
    """Delete (tombstone) a saved mapping; False if there was none."""
    with profile.session() as session:
        row = session.scalar(_row(role, " ".join(name.split())))
        if row is None or row.deleted_at is not None:
            return False
        tombstone(session, row)
        profile.audit(session, "mapping.deleted", entity="mapping_profile", entity_id=row.id)
        return True
