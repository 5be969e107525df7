"""Page mechanics: repeated table headers, signatures and refusals, seal boxes, file names."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from inspector_app.documents.assemble import file_stem, safe_name
from inspector_app.documents.formats import moment_text
from inspector_app.documents.model import AnyDocument, DocumentKind, RenderedDocument, SignerRole
from inspector_app.documents.render import render_document
from inspector_app.documents.signer_blocks import SEAL_HEIGHT, SEAL_WIDTH, refusal_text
from inspector_app.i18n import _
from tests.unit.documents import factory
from tests.unit.documents.pdf_tools import flat, images, text, word_boxes


def body(rendered: RenderedDocument) -> str:
    """The text without the running header and footer that interrupt it at page breaks."""
    furniture = rf"{factory.CASE_NUMBER}[^A-Z]*?Page\d+of{rendered.page_count}"
    return re.sub(furniture, "", flat(text(rendered.pdf)))


def test_a_long_checklist_repeats_its_header_row_on_the_next_page() -> None:
    record = render_document(factory.onsite(checked=60))
    assert record.page_count >= 3
    second = flat(text(record.pdf, page=2))
    assert flat(_("Item checked")) in second
    assert flat(_("Result")) in second
    assert "H-2.1" in second  # rows continue there


def test_a_long_evidence_list_repeats_its_header_row_on_the_next_page() -> None:
    listing = render_document(factory.evidence(count=30))
    second = flat(text(listing.pdf, page=2))
    assert "SHA-256" in second
    assert flat(_("Thumbnail")) in second


def test_long_free_text_flows_across_pages() -> None:
    long_answer = "本人负责医保结算审核，每月抽查透析收费记录并形成书面报告。" * 120
    data = factory.interview(entries=1)
    data = dataclasses.replace(
        data, entries=(dataclasses.replace(data.entries[0], answer=long_answer),)
    )
    rendered = render_document(data)
    assert rendered.page_count >= 3
    assert flat(long_answer) in body(rendered)


def test_a_description_longer_than_a_page_splits_inside_the_finding_table() -> None:
    data = factory.findings(3)
    long = "经核查，该院对同一患者同日血液透析治疗重复计费。" * 150
    entries = list(data.findings)
    entries[1] = dataclasses.replace(entries[1], description=long)
    rendered = render_document(dataclasses.replace(data, findings=tuple(entries)))
    row = _("{number}. {title}").format(number=2, title=entries[1].title)
    row = _("{title} [disputed]").format(title=row)  # the second finding is disputed
    assert flat(long) in body(rendered).replace(flat(row), "")
    # the finding's title row repeats on the continuation pages, not twice on one page
    assert flat(text(rendered.pdf, page=1)).count(flat(entries[1].title)) == 1
    assert flat(entries[1].title) in flat(text(rendered.pdf, page=2))


def test_a_refusal_prints_the_statement_with_witness_and_time() -> None:
    data = factory.onsite()
    content = flat(text(render_document(data).pdf))
    refused = next(mark for mark in data.signatures if mark.refused)
    statement = refusal_text(refused)
    assert refused.witness_name in statement and moment_text(refused.refused_at) in statement
    assert flat(statement) in content


def test_signed_marks_embed_their_handwriting_with_transparency() -> None:
    blank = images(render_document(factory.notice()).pdf)
    receiver = factory.signed(SignerRole.REPRESENTATIVE, "被检查单位负责人", "陈立新", 5)
    signed = images(render_document(factory.notice(receiver=receiver)).pdf)
    assert blank == []
    assert [row["type"] for row in signed] == ["image", "smask"]
    onsite = images(render_document(factory.onsite()).pdf)
    assert sum(row["type"] == "image" for row in onsite) == 2  # two inspectors signed


def test_thumbnails_are_embedded_as_the_jpegs_they_are() -> None:
    data = factory.evidence(count=8)
    rows = images(render_document(data).pdf)
    thumbnails = [item for item in data.items if item.thumbnail_jpeg]
    jpegs = [row for row in rows if row["enc"] == "jpeg"]
    assert len(jpegs) == len(thumbnails) == 6
    assert all((row["width"], row["height"]) == ("320", "240") for row in jpegs)


@pytest.mark.parametrize("build", [factory.notice, factory.onsite, factory.findings])
def test_seal_boxes_sit_on_the_last_page_where_their_labels_are_drawn(
    build: Callable[[], AnyDocument],
) -> None:
    data = build()
    rendered = render_document(data)
    assert [p.field_name for p in rendered.seal_placements] == [s.field_name for s in data.seals]
    words = word_boxes(rendered.pdf, rendered.page_count)
    width, height = A4
    for placement, slot in zip(rendered.seal_placements, data.seals, strict=True):
        x1, y1, x2, y2 = placement.box
        assert placement.page_index == rendered.page_count - 1
        assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height
        assert x2 - x1 == pytest.approx(SEAL_WIDTH, abs=0.02)
        assert y2 - y1 == pytest.approx(SEAL_HEIGHT, abs=0.02)
        assert pytest.approx((60 * mm, 25 * mm)) == (SEAL_WIDTH, SEAL_HEIGHT)
        # the label is printed just above the recorded box (pdftotext: origin top left)
        label = next(w for w in words if w[0] == slot.label)
        assert label[1] == pytest.approx(x1, abs=0.5)
        assert 0 < (height - label[4]) - y2 < 10


def test_file_stems_order_the_set_and_stay_file_name_safe() -> None:
    notice = factory.notice()
    assert render_document(notice).file_stem == "AJ2026002-01-医疗保障基金检查通知书"
    interview = factory.interview()
    assert render_document(interview, position=2).file_stem == "AJ2026002-03b-询问笔录"
    assert file_stem(interview.meta, "AJ2026002") == "AJ2026002-03-询问笔录-iv-0001"
    odd = dataclasses.replace(
        notice.meta, title='通知书: "A/B" <1>?', kind=DocumentKind.SAMPLING_REPORT
    )
    assert file_stem(odd, "AJ 2026\\002") == "AJ_2026_002-06-通知书_A_B_1"
    assert safe_name("...") == "document"
