"""Move a case's checklist to a newer template version, on purpose and on the record.

A case never follows a template change by itself (it stays pinned); the team may move it.
Answers to items that survive are carried over and now count under the new version;
answers to removed items stay in the database, retired (the view lists them apart), so
nothing recorded on site is lost. A ``ChecklistMigration`` row keeps what changed (synced,
so the reviewer sees it) and the case's history gets an event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from inspector_app.casework.access import record_case_event, require_recording
from inspector_app.checklists.diff import TemplateDiff, diff_templates
from inspector_app.checklists.service import (
    ChecklistNotStartedError,
    check_codes_free,
    store_shipped_templates,
    stored_template,
)
from inspector_app.checklists.templates import version_key
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from local_db.models import CaseChecklist, ChecklistMigration, ChecklistResponse


@dataclass(frozen=True)
class MigrationReport:
    """What a migration did: the item changes and how many answers were carried over."""

    diff: TemplateDiff
    answers_carried: int
    answers_retired: int
    migration_id: str


def available_upgrades(*, profile: OpenProfile, case_id: str) -> list[TemplateDiff]:
    """For each pinned checklist with a newer version available, the changes a move brings."""
    from inspector_app.checklists.service import checklist_view

    view = checklist_view(profile=profile, case_id=case_id)
    return [pinned.upgrade for pinned in view.checklists if pinned.upgrade is not None]


def migrate_checklist(
    *, profile: OpenProfile, case_id: str, template_code: str, to_version: str
) -> MigrationReport:
    """Move the case's ``template_code`` checklist to ``to_version`` (a newer version).

    Raises:
        NotAllowedError: the user may not record in this case.
        ChecklistNotStartedError: the case has no checklist of that template.
        LookupError: the version is not available.
        ValueError: ``to_version`` is not newer than the pinned version.
    """
    with profile.session() as session:
        require_recording(session, profile, case_id)
        store_shipped_templates(session)
        pin = session.scalar(
            select(CaseChecklist).where(
                CaseChecklist.case_id == case_id,
                CaseChecklist.template_code == template_code,
                CaseChecklist.deleted_at.is_(None),
            )
        )
        if pin is None:
            raise ChecklistNotStartedError(
                _("This case has no checklist {code}.").format(code=template_code)
            )
        if version_key(to_version) <= version_key(pin.template_version):
            raise ValueError(
                _("Version {to} is not newer than the case's version {current}.").format(
                    to=to_version, current=pin.template_version
                )
            )
        old = stored_template(session, template_code, pin.template_version)
        new = stored_template(session, template_code, to_version)
        check_codes_free(session, case_id, new)
        diff = diff_templates(old, new)
        carried = retired = 0
        for response in session.scalars(
            select(ChecklistResponse).where(
                ChecklistResponse.case_id == case_id,
                ChecklistResponse.template_code == template_code,
                ChecklistResponse.template_version == old.version,
                ChecklistResponse.deleted_at.is_(None),
            )
        ):
            if response.item_code in new.items_by_code:
                response.template_version = new.version
                carried += 1
            else:
                retired += 1  # kept as answered under the old version
        pin.template_version = new.version
        pin.template_sha256 = new.sha256
        record = ChecklistMigration(
            case_id=case_id,
            template_code=template_code,
            from_version=old.version,
            to_version=new.version,
            changes=diff.to_json(carried),
        )
        session.add(record)
        session.flush()
        record_case_event(
            profile,
            session,
            case_id,
            "checklist.migrated",
            entity="checklist_migration",
            entity_id=record.id,
            detail=(
                f"{template_code} {old.version}->{new.version} +{len(diff.added)} "
                f"-{len(diff.removed)} ~{len(diff.changed)}"
            ),
        )
        return MigrationReport(
            diff=diff, answers_carried=carried, answers_retired=retired, migration_id=record.id
        )
