"""Turns a renderer's story into a :class:`RenderedDocument`: pages, seals and file name.

Renderers only build flowables; this module owns what every document shares: the face,
the running header and footer, the PDF metadata, the seal placements and the file stem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reportlab.platypus import Flowable

from inspector_app.documents.fonts import document_font
from inspector_app.documents.model import (
    CaseHeader,
    DocumentKind,
    DocumentMeta,
    RenderedDocument,
    SealPlacement,
)
from inspector_app.documents.numbering import sequence_label
from inspector_app.documents.page import Running, build_pdf
from inspector_app.documents.styles import Styles, styles_for
from inspector_app.i18n import current_language

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_STEM = 120


@dataclass
class Kit:
    """What a renderer needs while building its story."""

    styles: Styles
    placements: list[SealPlacement] = field(default_factory=list)


def new_kit() -> Kit:
    """Styles in the registered face and an empty seal sink.

    Raises:
        FontUnavailableError: no face able to print Chinese.
    """
    return Kit(styles=styles_for(document_font().name, cjk=current_language() != "en"))


def safe_name(text: str) -> str:
    """``text`` usable as a file name on Windows, macOS and Linux."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", text))
    cleaned = re.sub(r"[\s_]+", "_", cleaned.strip()).strip("._")
    return cleaned[:MAX_STEM] or "document"


def file_stem(meta: DocumentMeta, case_number: str, position: int | None = None) -> str:
    """``{case_number}-{NN}-{title}``, NN being the place in the set (numbering's label).

    An interview record's ``position`` (1-based, as in its document number) gives 03a,
    03b …; without one the record's subject id is appended so that stems stay unique.
    """
    interview = meta.kind is DocumentKind.INTERVIEW_RECORD
    order = sequence_label(meta.kind, position if interview else None)
    stem = f"{case_number}-{order}-{meta.title}"
    if interview and position is None and meta.subject_id:
        stem += f"-{meta.subject_id[:8]}"
    return safe_name(stem)


def finish(
    kit: Kit,
    meta: DocumentMeta,
    header: CaseHeader,
    story: list[Flowable],
    *,
    position: int | None = None,
) -> RenderedDocument:
    """Lay the story out and describe the result."""
    running = Running(font=kit.styles.font, case_number=header.case_number, title=meta.title)
    built = build_pdf(
        story,
        running,
        title=f"{meta.title} {meta.number}".strip(),
        author=header.issuing_authority,
        subject=f"{header.case_number} {header.institution_name}".strip(),
    )
    return RenderedDocument(
        kind=meta.kind,
        subject_id=meta.subject_id,
        file_stem=file_stem(meta, header.case_number, position),
        pdf=built.pdf,
        page_count=built.page_count,
        seal_placements=tuple(kit.placements),
    )
