"""Big documents stay quick and small: the whole set of a case has a 10 s budget with signing."""

from __future__ import annotations

import time

from inspector_app.documents.fonts import document_font
from inspector_app.documents.model import AnyDocument, RenderedDocument
from inspector_app.documents.render import render_document
from tests.unit.documents import factory
from tests.unit.documents.pdf_tools import images

LIMIT_SECONDS = 2.0


def _timed(data: AnyDocument) -> tuple[RenderedDocument, float]:
    document_font()  # registering the face is a one-off per process, not per document
    start = time.perf_counter()
    rendered = render_document(data)
    return rendered, time.perf_counter() - start


def test_a_findings_list_of_100_findings_renders_well_within_budget() -> None:
    rendered, seconds = _timed(factory.findings(100))
    assert seconds < LIMIT_SECONDS, seconds
    assert rendered.page_count > 10


def test_an_evidence_list_of_200_photographs_renders_fast_and_stays_small() -> None:
    data = factory.evidence(200)
    rendered, seconds = _timed(data)
    assert seconds < LIMIT_SECONDS, seconds
    thumbnails = [item.thumbnail_jpeg for item in data.items if item.thumbnail_jpeg]
    assert len([row for row in images(rendered.pdf) if row["enc"] == "jpeg"]) == len(thumbnails)
    # the thumbnails pass through: the file is about their size plus the font subset
    assert len(rendered.pdf) < sum(len(jpeg) for jpeg in thumbnails) + 400_000
