"""A fresh case from first signature to sealed and closed, and the certificates dialog.

Runs on the small seeded profile (no certificate yet): everyone signs through the signature
dialog (the interviewee refuses before a witness), the leader creates a test certificate from
the link the page offers, seals, and the case is closed; the exported file then verifies.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pytestqt.qtbot import QtBot

from inspector_app.documents.service import case_documents
from inspector_app.services.signing_keys import list_credentials, list_trusted_roots
from inspector_app.signing.certificates import issue_test_ca, issue_test_signer
from inspector_app.signing.identity import identity_to_pkcs12
from local_db.enums import SignerRole
from tests.ui.documents_support import (
    idle,
    open_page,
    show_case,
    wait_workspace,
)
from tests.ui.seed import CASE_NUMBER
from tests.ui.test_signature_pad import draw_signature
from ui.context import ShellContext
from ui.dialogs.signature_dialog import SignatureDialog
from ui.documents.certificates_dialog import CertificatesDialog
from ui.documents.seal_dialog import SealDialog
from ui.documents.summary import CERTIFICATES_LINK
from ui.documents.verify_dialog import VerificationDialog

PASSWORD = "p12 secret"


def sign_everyone(qtbot: QtBot, context: ShellContext, page: object) -> None:
    """Each pending person signs through the dialog; the interviewee refuses."""
    from ui.pages.documents_page import DocumentsPage

    assert isinstance(page, DocumentsPage)
    panel = page.workspace.signers
    while pending := [g for g in panel.table.visible_rows() if g.pending]:
        group = pending[0]
        panel.table.selectRow(panel.table.visible_rows().index(group))
        dialog = panel.sign_selected()
        assert isinstance(dialog, SignatureDialog)
        if group.role is SignerRole.INTERVIEWEE:
            dialog.refuse_box.setChecked(True)
            dialog.witness_combo.setCurrentIndex(0)
        else:
            draw_signature(dialog.pad)
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: not panel.recording, timeout=20_000)
        wait_workspace(qtbot, page, CASE_NUMBER)
        idle(qtbot, context)
        still = [g for g in panel.table.visible_rows() if g.pending]
        assert len(still) == len(pending) - 1, page.workspace.error_label.text()


pytestmark = pytest.mark.usefixtures("collect_garbage_after_each_test")


def test_sign_all_create_a_test_certificate_seal_and_close(
    qtbot: QtBot, context: ShellContext, seeded: dict[str, str]
) -> None:
    page = open_page(qtbot, context)
    case_id = show_case(qtbot, page, CASE_NUMBER)
    view = page.workspace
    assert not view.seal_button.isEnabled()
    sign_everyone(qtbot, context, page)
    assert not case_documents(profile=context.profile, case_id=case_id).missing
    assert not view.seal_button.isEnabled()  # no certificate yet
    assert view.seal_status.text().startswith("No signing certificate in this profile: ")
    assert f'href="{CERTIFICATES_LINK}"' in view.seal_status.text()
    view.seal_status.linkActivated.emit(CERTIFICATES_LINK)
    certificates = page.dialog
    assert isinstance(certificates, CertificatesDialog)
    qtbot.waitUntil(lambda: not certificates.loading, timeout=10_000)
    assert certificates.credentials == []
    certificates.test_button.click()
    qtbot.waitUntil(lambda: len(certificates.credentials) == 1, timeout=20_000)
    certificates.close()
    qtbot.waitUntil(view.seal_button.isEnabled, timeout=10_000)
    assert "TEST certificate" in view.seal_status.text()
    dialog = view.confirm_seal()
    assert isinstance(dialog, SealDialog)
    points = dialog.points()
    assert points[0].startswith("Each of the 5 documents is sealed with the electronic signature")
    assert "TEST certificate" in points[0]
    assert "read-only" in points[1] and "new, linked records" in points[2]
    assert dialog.test_label.isVisibleTo(dialog)
    assert not dialog.export_box.isChecked()  # copies leave the store only when asked
    dialog.export_box.setChecked(True)
    dialog.seal_button.click()
    qtbot.waitUntil(
        lambda: view.workspace is not None and view.workspace.case.read_only, timeout=60_000
    )
    wait_loaded_cases(qtbot, page, case_id)
    assert view.notice.text().startswith("Sealed 5 documents with the certificate of ")
    assert view.notice.text().endswith(f"Copies are saved in {dialog.folder}.")
    assert view.banner.isVisible() and view.banner.text().startswith("Sealed on ")
    assert not view.seal_button.isVisible()
    assert view.tabs.currentWidget() is view.issued
    assert len(view.issued.issued_table.visible_rows()) == 5
    assert not view.signers.sign_button.isEnabled()
    assert not view.document_set.onsite_button.isEnabled()
    state = case_documents(profile=context.profile, case_id=case_id)
    assert state.read_only and len(state.issued) == 5
    files = view.issued.files.document_table.visible_rows()
    assert len(files) == 5
    check = page.verify_pdf(files[0].path)
    assert isinstance(check, VerificationDialog)
    qtbot.waitUntil(check.is_done, timeout=30_000)
    assert check.ok(), check.verdict_label.text()
    assert check.independent_label.text().startswith("Independent check (Poppler pdfsig): agrees")
    check.close()
    idle(qtbot, context)


def wait_loaded_cases(qtbot: QtBot, page: object, case_id: str) -> None:
    """Wait until the page's case list shows the case closed with its files."""
    from ui.pages.documents_page import DocumentsPage

    assert isinstance(page, DocumentsPage)
    qtbot.waitUntil(
        lambda: (
            not page.loading
            and any(c.id == case_id and c.status == "closed" and c.documents for c in page.cases)
        ),
        timeout=10_000,
    )
    wait_workspace(qtbot, page)


def _pkcs12(tmp_path: Path) -> tuple[Path, Path]:
    authority = issue_test_ca(organisation="朝阳区医疗保障局")
    identity = issue_test_signer(authority, name="王建国", organisation="朝阳区医疗保障局")
    p12 = tmp_path / "wang.p12"
    p12.write_bytes(identity_to_pkcs12(identity, PASSWORD))
    root = tmp_path / "other-root.pem"
    other = issue_test_ca(organisation="海淀区医疗保障局")
    root.write_bytes(x509.load_der_x509_certificate(other.certificate).public_bytes(Encoding.PEM))
    return p12, root


def test_certificates_dialog_imports_creates_and_trusts(
    qtbot: QtBot, context: ShellContext, tmp_path: Path
) -> None:
    p12, root = _pkcs12(tmp_path)
    page = open_page(qtbot, context)
    dialog = page.open_certificates()
    assert isinstance(dialog, CertificatesDialog)
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)
    assert dialog.credentials == [] and dialog.roots == []
    assert "training" in dialog.test_button.text()
    picker = dialog.choose_pkcs12()
    picker.close()
    dialog.form.start(p12)
    assert dialog.form.isVisibleTo(dialog)
    dialog.form.password_edit.setText("wrong")
    dialog.form.import_button.click()
    qtbot.waitUntil(lambda: dialog.form.error_label.isVisibleTo(dialog), timeout=10_000)
    assert "password" in dialog.form.error_label.text().lower()
    assert list_credentials(profile=context.profile) == []
    dialog.form.password_edit.setText(PASSWORD)
    dialog.form.import_button.click()
    qtbot.waitUntil(lambda: len(dialog.credentials) == 1, timeout=10_000)
    assert not dialog.form.isVisibleTo(dialog)
    assert dialog.status_label.text().startswith("Imported the certificate of 王建国")
    assert [r.is_test for r in dialog.roots] == [True]  # the file's own root, trusted
    dialog.test_button.click()
    qtbot.waitUntil(lambda: len(dialog.credentials) == 2, timeout=20_000)
    newest = dialog.credential_table.visible_rows()[0]
    assert newest.is_test and newest.is_default  # the new one signs
    assert (
        dialog.credential_table.row_model.data(dialog.credential_table.row_model.index(0, 4))
        == "TEST"
    )
    dialog.trust_file(tmp_path / "wang.p12")  # not a certificate
    qtbot.waitUntil(lambda: dialog.error_label.isVisibleTo(dialog), timeout=10_000)
    assert dialog.error_label.text()
    dialog.trust_file(root)
    qtbot.waitUntil(lambda: len(dialog.roots) == 3, timeout=10_000)
    assert len(list_trusted_roots(profile=context.profile)) == 3
    dialog.close()
    idle(qtbot, context)
