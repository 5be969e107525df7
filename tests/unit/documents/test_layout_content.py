"""Each document prints what its data says, in the active language, with numbered pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from inspector_app.documents.model import AnyDocument, RenderedDocument
from inspector_app.documents.render import render_document
from inspector_app.documents.render_interview import confirmation_text
from inspector_app.findings.amounts import format_amount_input
from inspector_app.i18n import _
from tests.unit.documents import factory
from tests.unit.documents.conftest import in_language, language
from tests.unit.documents.pdf_tools import flat, text

BUILDERS: dict[str, Callable[[], AnyDocument]] = {
    "notice": factory.notice,
    "onsite": factory.onsite,
    "interview": factory.interview,
    "findings": factory.findings,
    "evidence": factory.evidence,
    "sampling": factory.sampling,
}


@pytest.fixture(scope="module")
def zh_documents() -> dict[str, tuple[Any, RenderedDocument]]:
    """Every document of the factory, laid out in Chinese."""

    def build() -> dict[str, tuple[Any, RenderedDocument]]:
        out: dict[str, tuple[Any, RenderedDocument]] = {}
        for name, make in BUILDERS.items():
            data = make()
            out[name] = (data, render_document(data))
        return out

    return in_language("zh_CN", build)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_document_names_case_institution_title_and_pages(
    name: str, zh_documents: dict[str, tuple[Any, RenderedDocument]]
) -> None:
    data, rendered = zh_documents[name]
    assert rendered.pdf.startswith(b"%PDF-")
    content = flat(text(rendered.pdf))
    assert factory.CASE_NUMBER in content
    assert factory.INSTITUTION in content
    assert flat(data.meta.title) in content
    assert flat(data.meta.number) in content
    with language("zh_CN"):
        for page in (1, rendered.page_count):
            footer = _("Page {page} of {pages}").format(page=page, pages=rendered.page_count)
            assert flat(footer) in content
    assert content.count(factory.CASE_NUMBER) >= rendered.page_count  # the running header


def test_findings_list_prints_every_finding_and_the_total(
    zh_documents: dict[str, tuple[Any, RenderedDocument]],
) -> None:
    data, rendered = zh_documents["findings"]
    content = flat(text(rendered.pdf))
    for finding in data.findings:
        assert flat(finding.title) in content
        assert finding.rests_on[0].replace(" ", "") in content
    assert format_amount_input(data.total_fen) in content
    assert flat(data.sampled_amount_note) in content
    assert flat(data.rights_notice) in content


def test_evidence_list_prints_every_full_hash_and_extraction(
    zh_documents: dict[str, tuple[Any, RenderedDocument]],
) -> None:
    data, rendered = zh_documents["evidence"]
    content = flat(text(rendered.pdf))
    for item in data.items:
        assert item.sha256 in content
        assert flat(item.caption) in content
        if item.extraction is not None:
            assert item.extraction.sha256 in content
            assert flat(item.extraction.source_system) in content
        if item.withdrawn_note:
            assert flat(item.withdrawn_note) in content
    assert flat(data.chain_summary) in content


def test_interview_prints_questions_answers_and_confirmation(
    zh_documents: dict[str, tuple[Any, RenderedDocument]],
) -> None:
    data, rendered = zh_documents["interview"]
    content = flat(text(rendered.pdf))
    for entry in data.entries:
        assert flat(entry.question) in content
        assert flat(entry.answer) in content
    assert flat(data.opening_statement) in content
    with language("zh_CN"):
        assert flat(confirmation_text()) in content
        assert flat(_("Q: {text}").format(text=data.entries[0].question)) in content


def test_interview_without_entries_prints_its_free_text() -> None:
    record = factory.interview(
        entries=0, content="被询问人陈述：收费系统由信息科维护，\n本人不清楚具体规则。"
    )
    content = flat(text(render_document(record).pdf))
    assert "被询问人陈述：收费系统由信息科维护，本人不清楚具体规则。" in content


def test_onsite_record_prints_checklist_findings_and_statement() -> None:
    record = factory.onsite(checked=10, statement="对检查发现的第2项问题有异议，将另行提交说明。")
    content = flat(text(render_document(record).pdf))
    for item in record.checked:
        assert item.code in content
    for finding in record.findings:
        assert flat(finding.title) in content
    assert "7,407.36" in content  # the total of the findings table
    assert flat(record.representative_statement) in content
    assert flat(record.checked_summary) in content


def test_sampling_report_without_appraisal_says_so() -> None:
    report = factory.sampling(appraised=False)
    content = flat(text(render_document(report).pdf))
    assert flat(_("No extrapolation was recorded for this draw.")) in content
    assert report.sections[0].inputs_sha256 in content
    assert "1,204" in content and "3,456,789.00" in content


def test_english_documents_use_english_labels() -> None:
    notice = render_document(factory.notice())
    content = text(notice.pdf)
    assert "Page 1 of 2" in content or f"Page 1 of {notice.page_count}" in content
    for label in ("Inspected institution", "Legal representative", "Acknowledgement of receipt"):
        assert flat(label) in flat(content)
    assert "2026-11-24" in content


def test_chinese_documents_use_the_chinese_catalog() -> None:
    with language("zh_CN"):
        zh = flat(text(render_document(factory.notice()).pdf))
        address = _("Address")
    en = flat(text(render_document(factory.notice()).pdf))
    assert address == "地址" and address in zh
    assert "Address" in en and "Address" not in zh
    assert "2026年11月24日" in zh or "2026-11-24" in zh
