"""The documents workspace on the demo profile: sealed and open cases, signing, previews, checks.

The demo holds two closed, sealed cases (AJ…005, AJ…007; in 005 an interviewee refused to
sign before a witness) and open cases whose leader is the profile's owner (AJ…001) or someone
else (AJ…006). The demo is built once per session and copied for each test.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from inspector_app.documents.onsite import onsite_record
from inspector_app.services.signing_keys import create_test_credentials
from local_db.enums import SignerRole, UserRole
from local_db.models import LocalUser
from tests.ui.documents_support import (
    NOT_LEADING,
    OPEN,
    OTHER_SEALED,
    SEALED,
    documents,
    group_of,
    idle,
    open_page,
    show_case,
    wait_workspace,
)
from tests.ui.test_signature_pad import draw_signature
from ui.context import ShellContext
from ui.dialogs.signature_dialog import SignatureDialog
from ui.documents.onsite_record_dialog import OnsiteRecordDialog
from ui.documents.preview_dialog import DocumentPreviewDialog
from ui.documents.verify_dialog import VerificationDialog
from ui.translation import apply_language

pytestmark = pytest.mark.usefixtures("collect_garbage_after_each_test")


def test_a_sealed_case_is_shown_closed_and_read_only(
    qtbot: QtBot, demo_context: ShellContext
) -> None:
    page = open_page(qtbot, demo_context)
    show_case(qtbot, page, SEALED)
    view = page.workspace
    assert view.banner.isVisible()
    assert view.banner.text().startswith("Sealed on ") and "read-only" in view.banner.text()
    assert "沈亦舟" in view.banner.text()
    assert not view.seal_button.isVisible() and not view.seal_status.isVisible()
    assert not view.language_combo.isEnabled()
    assert not view.document_set.onsite_button.isEnabled()
    assert view.document_set.edit_onsite_record() is None
    statuses = {row.name: row for row in view.document_set.table.visible_rows()}
    assert len(statuses) == 5 and all(s.missing == 0 for s in statuses.values())
    assert sum(s.refused for s in statuses.values()) == 1  # the interviewee refused
    view.tabs.setCurrentWidget(view.signers)
    assert not view.signers.sign_button.isEnabled()
    assert view.signers.sign_selected() is None
    assert "sealed" in view.signers.hint.text()
    refused = group_of(page, SignerRole.INTERVIEWEE)
    assert refused.status_text().startswith("Refused to sign (witness: ")
    issued = view.issued.issued_table.visible_rows()
    assert len(issued) == 5 and all(row.signature_count == 1 for row in issued)
    assert view.issued.files.document_table.row_model.rowCount() == 5
    assert view.issued.files.documents_title.text() == f"5 documents exported for case {SEALED}"
    assert view.issued.approve_button.isHidden()  # a team leader's profile


def test_the_set_of_a_sealed_case_previews_the_issued_files(
    qtbot: QtBot, demo_context: ShellContext
) -> None:
    page = open_page(qtbot, demo_context)
    show_case(qtbot, page, SEALED)
    panel = page.workspace.document_set
    panel.table.selectRow(2)  # the interview record
    dialog = panel.preview()
    assert isinstance(dialog, DocumentPreviewDialog) and dialog.sealed
    assert dialog.current_index() == 2
    assert dialog.windowTitle() == "Sealed documents"
    qtbot.waitUntil(dialog.preview.is_ready, timeout=10_000)
    assert dialog.preview.page_count() > 0
    assert "draft" not in dialog.preview.title()
    dialog.close()
    idle(qtbot, demo_context)


def test_issued_documents_verify_and_export(
    qtbot: QtBot, demo_context: ShellContext, tmp_path: Path
) -> None:
    page = open_page(qtbot, demo_context)
    show_case(qtbot, page, SEALED)
    panel = page.workspace.issued
    dialog = panel.verify()
    assert isinstance(dialog, VerificationDialog)
    qtbot.waitUntil(dialog.is_done, timeout=20_000)
    assert dialog.ok(), dialog.verdict_label.text()
    assert dialog.verdict_label.text() == "Valid: all 5 signatures are intact and trusted."
    assert dialog.table.rowCount() == 5
    assert dialog.table.item(0, 3).text() == "✓" and dialog.table.item(0, 4).text() == "✓"
    assert dialog.table.item(0, 5).text() == "TEST" and dialog.test_label.isVisible()
    dialog.close()
    picker = panel.choose_export_folder()
    assert picker is not None
    picker.close()
    target = tmp_path / "out"
    target.mkdir()
    panel.export_to(target)
    qtbot.waitUntil(page.workspace.notice.isVisible, timeout=10_000)
    assert page.workspace.notice.text() == f"Exported 5 sealed documents to {target}."
    assert sorted(p.name for p in target.iterdir()) == sorted(
        row.file_name for row in panel.issued_table.visible_rows()
    )
    idle(qtbot, demo_context)


def test_a_supervisor_approves_a_sealed_case(qtbot: QtBot, demo_context: ShellContext) -> None:
    profile = demo_context.profile
    with profile.session() as session:  # a supervisor off the team, with their own certificate
        user = session.get_one(LocalUser, profile.user_id)
        user.role, user.inspector_id = UserRole.SUPERVISOR, None
    profile.info = dataclasses.replace(profile.info, role=UserRole.SUPERVISOR)
    create_test_credentials(profile=profile)
    page = open_page(qtbot, demo_context)
    case_id = show_case(qtbot, page, OTHER_SEALED)
    panel = page.workspace.issued
    assert not panel.approve_button.isHidden() and panel.approve_button.isEnabled()
    box = panel.confirm_approval()
    assert isinstance(box, QMessageBox) and OTHER_SEALED in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(
        lambda: (
            bool(page.workspace.workspace)
            and all(r.signature_count == 2 for r in page.workspace.workspace.case.issued)
        ),
        timeout=30_000,
    )
    wait_workspace(qtbot, page, OTHER_SEALED)
    assert page.workspace.notice.text().startswith("Approved 5 documents")
    assert not panel.approve_button.isEnabled()  # approved once
    assert all(len(r.signed_by) == 2 for r in documents(demo_context, case_id).issued)
    idle(qtbot, demo_context)


# ---------------------------------------------------------------------- open case


def test_sealing_waits_for_signatures_and_for_the_leader(
    qtbot: QtBot, demo_context: ShellContext
) -> None:
    page = open_page(qtbot, demo_context)
    show_case(qtbot, page, OPEN)
    view = page.workspace
    assert view.seal_button.isVisible() and not view.seal_button.isEnabled()
    assert view.confirm_seal() is None
    reason = view.seal_status.text()
    assert reason.startswith("Still to sign before sealing: ")
    representative = group_of(page, SignerRole.REPRESENTATIVE)
    assert f"{representative.name} (Representative of the institution, 4 documents)" in reason
    assert not view.banner.isVisible()
    show_case(qtbot, page, NOT_LEADING)
    assert not view.seal_button.isEnabled()
    assert view.seal_status.text() == (
        "Only the team leader of this inspection seals the documents and closes the case."
    )


def test_one_signature_on_screen_signs_all_of_a_persons_documents(
    qtbot: QtBot, demo_context: ShellContext
) -> None:
    page = open_page(qtbot, demo_context)
    case_id = show_case(qtbot, page, OPEN)
    view = page.workspace
    view.tabs.setCurrentWidget(view.signers)
    group = group_of(page, SignerRole.INSPECTOR, "沈亦舟")
    assert len(group.entries) == 4 and group.status_text() == "Not signed yet"
    dialog = view.signers.sign_selected()
    assert isinstance(dialog, SignatureDialog)
    assert not dialog.refuse_box.isVisibleTo(dialog)  # team members sign their own records
    assert dialog.documents == group.document_names()
    draw_signature(dialog.pad)
    dialog.ok_button.click()
    qtbot.waitUntil(view.notice.isVisible, timeout=20_000)
    assert view.notice.text() == "Recorded the signature of 沈亦舟 on 4 documents."
    wait_workspace(qtbot, page, OPEN)
    states = [
        state
        for doc in documents(demo_context, case_id).documents
        for state in doc.slots
        if state.slot.name == "沈亦舟" and state.slot.role is SignerRole.INSPECTOR
    ]
    assert len(states) == 4 and all(s.signed_at is not None and s.evidence_id for s in states)
    assert len({s.signed_at for s in states}) == 1  # one capture for every slot
    assert group_of(page, SignerRole.INSPECTOR, "沈亦舟").status_text() == "Signed"
    assert view.signers.sign_button.text() == "Sign again…"
    assert "沈亦舟" not in view.seal_status.text()
    idle(qtbot, demo_context)


def test_someone_outside_the_team_refuses_before_a_witness(
    qtbot: QtBot, demo_context: ShellContext
) -> None:
    page = open_page(qtbot, demo_context)
    case_id = show_case(qtbot, page, OPEN)
    view = page.workspace
    group = group_of(page, SignerRole.REPRESENTATIVE)
    dialog = view.signers.sign_selected()
    assert isinstance(dialog, SignatureDialog) and dialog.refuse_box.isVisibleTo(dialog)
    dialog.refuse_box.setChecked(True)
    assert not dialog.ok_button.isEnabled()  # a witness first
    witnesses = [dialog.witness_combo.itemText(n) for n in range(dialog.witness_combo.count())]
    assert "沈亦舟" in witnesses
    dialog.witness_combo.setCurrentIndex(witnesses.index("沈亦舟"))
    dialog.reason_edit.setText("拒绝签字")
    dialog.ok_button.click()
    qtbot.waitUntil(view.notice.isVisible, timeout=20_000)
    assert view.notice.text() == (
        f"Recorded that {group.name} refused to sign 4 documents (witness: 沈亦舟)."
    )
    wait_workspace(qtbot, page, OPEN)
    refused = [
        state
        for doc in documents(demo_context, case_id).documents
        for state in doc.slots
        if state.slot.role is SignerRole.REPRESENTATIVE
    ]
    assert len(refused) == 4
    assert all(s.refused and s.witness_name == "沈亦舟" for s in refused)
    assert all(s.refusal_reason == "拒绝签字" for s in refused)
    status = group_of(page, SignerRole.REPRESENTATIVE).status_text()
    assert status == "Refused to sign (witness: 沈亦舟)"
    idle(qtbot, demo_context)


def test_preview_builds_each_document_in_the_background_and_exports_it(
    qtbot: QtBot, demo_context: ShellContext, tmp_path: Path
) -> None:
    page = open_page(qtbot, demo_context)
    show_case(qtbot, page, OPEN)
    dialog = page.workspace.document_set.preview()
    assert isinstance(dialog, DocumentPreviewDialog) and not dialog.sealed
    assert dialog.windowTitle() == "Document preview — draft, not sealed"
    assert dialog.document_list.count() == 5
    qtbot.waitUntil(dialog.preview.is_ready, timeout=10_000)
    assert dialog.preview.page_count() > 0
    assert dialog.preview.title() == "Inspection notice — draft, not sealed"
    # Going back and forth starts one layout per document, not one per click.
    dialog.document_list.setCurrentRow(1)
    dialog.document_list.setCurrentRow(2)
    dialog.document_list.setCurrentRow(1)
    assert dialog.building <= {1, 2}
    qtbot.waitUntil(lambda: 1 in dialog.loaded and dialog.preview.is_ready(), timeout=10_000)
    assert dialog.preview.title().startswith("On-site inspection record")
    assert dialog.export_button.isEnabled()
    picker = dialog.export_current()
    assert picker is not None
    picker.close()
    target = tmp_path / "record.pdf"
    dialog.export_to(target, dialog.loaded[1].data)
    qtbot.waitUntil(lambda: dialog.status_label.text().startswith("Saved to"), timeout=10_000)
    assert target.read_bytes() == dialog.loaded[1].data and target.read_bytes()[:5] == b"%PDF-"
    assert not list(tmp_path.glob("*.tmp"))
    dialog.close()
    idle(qtbot, demo_context)


def test_the_on_site_record_is_edited_in_a_dialog(qtbot: QtBot, demo_context: ShellContext) -> None:
    page = open_page(qtbot, demo_context)
    case_id = show_case(qtbot, page, OPEN)
    dialog = page.workspace.document_set.edit_onsite_record()
    assert isinstance(dialog, OnsiteRecordDialog)
    qtbot.waitUntil(dialog.is_loaded, timeout=10_000)
    assert dialog.save_button.isEnabled() and dialog.started.value() is not None
    dialog.narrative.setPlainText("检查组调阅了住院病历和收费明细。")
    dialog.representative_position.setText("院长")
    dialog.ended.set_value(None)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.save_button.click()
    text = onsite_record(profile=demo_context.profile, case_id=case_id).text
    assert text.narrative == "检查组调阅了住院病历和收费明细。"
    assert text.representative_position == "院长" and text.ended_at is None
    wait_workspace(qtbot, page, OPEN)
    idle(qtbot, demo_context)


def test_an_end_before_the_start_is_refused_in_place(
    qtbot: QtBot, demo_context: ShellContext
) -> None:
    page = open_page(qtbot, demo_context)
    case_id = show_case(qtbot, page, OPEN)
    dialog = OnsiteRecordDialog(demo_context, case_id, page)  # the page owns it
    qtbot.waitUntil(dialog.is_loaded, timeout=10_000)
    started = dialog.started.value()
    assert started is not None
    dialog.ended.set_value(started.replace(year=started.year - 1))
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error_label.isVisibleTo(dialog), timeout=10_000)
    assert dialog.error_label.text() == "The inspection cannot end before it started."
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.save_button.isEnabled()
    idle(qtbot, demo_context)


def test_verify_a_pdf_file_with_both_validators(
    qtbot: QtBot, demo_context: ShellContext, tmp_path: Path
) -> None:
    page = open_page(qtbot, demo_context)
    show_case(qtbot, page, SEALED)
    exported = page.exported_files.document_table.visible_rows()[0].path
    picker = page.choose_pdf_to_verify()
    picker.close()
    dialog = page.verify_pdf(exported)
    assert isinstance(dialog, VerificationDialog)
    qtbot.waitUntil(dialog.is_done, timeout=30_000)
    assert dialog.ok(), dialog.verdict_label.text()
    assert dialog.verdict_label.text() == "Valid: the signature is intact and trusted."
    assert "#1e6b34" in dialog.verdict_label.styleSheet()  # green
    assert dialog.independent_label.text() == (
        "Independent check (Poppler pdfsig): agrees, 1 signature valid and trusted."
    )
    assert dialog.table.item(0, 0).text() == "LeaderSeal (certification)"
    dialog.close()
    tampered = tmp_path / "tampered.pdf"
    data = bytearray(exported.read_bytes())
    position = data.index(b"/Contents", 1000)  # a byte inside the signed range
    data[position + 1 : position + 2] = b"X"
    tampered.write_bytes(bytes(data))
    dialog = page.verify_pdf(tampered)
    qtbot.waitUntil(dialog.is_done, timeout=30_000)
    assert not dialog.ok()
    assert dialog.verdict_label.text().startswith(("Verification failed", "The file could not"))
    assert "#b3261e" in dialog.verdict_label.styleSheet()  # red
    dialog.close()
    idle(qtbot, demo_context)


def _pdf_text(data: bytes, folder: Path) -> str:
    path = folder / "shown.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_documents_are_laid_out_in_the_chosen_language(
    qtbot: QtBot, demo_context: ShellContext, tmp_path: Path
) -> None:
    page = open_page(qtbot, demo_context)
    show_case(qtbot, page, OPEN)
    view = page.workspace
    assert view.language() == "zh_CN" and view.language_combo.currentText() == "中文"
    texts = {}
    for code in ("zh_CN", "en"):
        view.language_combo.setCurrentIndex(view.language_combo.findData(code))
        dialog = view.document_set.preview()
        assert isinstance(dialog, DocumentPreviewDialog)
        qtbot.waitUntil(lambda d=dialog: 0 in d.loaded, timeout=10_000)
        texts[code] = _pdf_text(dialog.loaded[0].data, tmp_path)
        dialog.close()
    assert "医疗保障基金检查通知书" in texts["zh_CN"]
    assert "Notice of Medical Insurance Fund Inspection" in texts["en"]
    idle(qtbot, demo_context)


def test_the_workspace_and_its_dialogs_follow_a_language_switch(
    qtbot: QtBot, demo_context: ShellContext
) -> None:
    page = open_page(qtbot, demo_context)
    show_case(qtbot, page, SEALED)
    verify = page.workspace.issued.verify()
    assert isinstance(verify, VerificationDialog)
    qtbot.waitUntil(verify.is_done, timeout=20_000)
    certificates = page.open_certificates()
    qtbot.waitUntil(lambda: not certificates.loading, timeout=10_000)
    apply_language("zh_CN")
    page.retranslate()
    assert page.title_label.text() == "文书"
    assert page.workspace.case_title.text().endswith("已结案")
    assert verify.ok() and verify.table.rowCount() == 5  # rendered again, same verdict
    assert page.exported_files.open_button.text() == "打开"
    verify.close()
    certificates.close()
    idle(qtbot, demo_context)
