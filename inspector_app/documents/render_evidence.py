"""证据清单: every evidence item with its hash and thumbnail, and how electronic data was copied.

Thumbnails arrive as small JPEGs and are embedded as they are (no re-encoding), so a list
of hundreds of photographs stays small and quick to build.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Paragraph, Spacer

from inspector_app.documents.assemble import finish, new_kit
from inspector_app.documents.blocks import (
    Info,
    data_table,
    heading,
    info_table,
    institution_rows,
    prose,
    title_block,
)
from inspector_app.documents.formats import clock, day, hash_markup, markup, moment_text, size_text
from inspector_app.documents.model import (
    EvidenceEntry,
    EvidenceListData,
    ExtractionEntry,
    RenderedDocument,
)
from inspector_app.documents.signer_blocks import closing_blocks
from inspector_app.documents.styles import MUTED_HEX, Styles
from inspector_app.i18n import _

THUMB_MAX = (23 * mm, 23 * mm)
# Column widths in mm: label, kind, caption, time, by, SHA-256, size, thumbnail.
COLUMNS = (11, 13, 24, 24, 15, 37, 15, 26)


def _thumbnail(jpeg: bytes) -> Flowable:
    width, height = ImageReader(io.BytesIO(jpeg)).getSize()
    scale = min(THUMB_MAX[0] / width, THUMB_MAX[1] / height, 1.0)
    return Image(io.BytesIO(jpeg), width=width * scale, height=height * scale, mask=None)


def extraction_text(extraction: ExtractionEntry) -> str:
    """The extraction record (提取记录) of an electronic-data item, as one paragraph."""
    return _(
        "Extraction record: source system {system}; query or screen {query}; extracted "
        "{time} by {person}; method {method}; data holder {holder}; SHA-256 {sha256}"
    ).format(
        system=extraction.source_system,
        query=extraction.query_or_screen,
        time=moment_text(extraction.extracted_at),
        person=extraction.extracted_by,
        method=extraction.method,
        holder=extraction.holder,
        sha256=extraction.sha256,
    )


def _caption(item: EvidenceEntry, styles: Styles) -> Flowable | str:
    if not item.withdrawn_note:
        return item.caption
    note = f'<br/><font color="{MUTED_HEX}">{markup(item.withdrawn_note)}</font>'
    return Paragraph(markup(item.caption) + note, styles.cell_small)


def evidence_table(items: Sequence[EvidenceEntry], styles: Styles) -> Flowable:
    """The list itself; extraction records follow their item as a spanning row."""
    rows: list[list[Flowable | str]] = []
    extra: list[tuple[object, ...]] = []
    for item in items:
        rows.append(
            [
                item.label,
                item.kind_label,
                _caption(item, styles),
                Paragraph(
                    f"{day(item.captured_at)}<br/>{clock(item.captured_at)}", styles.cell_small
                ),
                item.captured_by,
                Paragraph(hash_markup(item.sha256), styles.hash),
                Paragraph(markup(size_text(item.size_bytes)), styles.cell_small_right),
                _thumbnail(item.thumbnail_jpeg) if item.thumbnail_jpeg else "",
            ]
        )
        if item.extraction is not None:
            rows.append(["", Paragraph(markup(extraction_text(item.extraction)), styles.small)])
            rows[-1] += [""] * (len(COLUMNS) - 2)
            at = len(rows)  # row 0 is the header
            extra += [("SPAN", (1, at), (-1, at)), ("NOSPLIT", (0, at - 1), (-1, at))]
    header = [
        _("No."),
        _("Kind"),
        _("Caption"),
        _("Captured at"),
        _("Captured by"),
        "SHA-256",
        _("Size"),
        _("Thumbnail"),
    ]
    extra.append(("VALIGN", (-1, 1), (-1, -1), "MIDDLE"))
    return data_table(
        header,
        rows,
        COLUMNS,
        styles,
        extra=extra,
        cell_style=styles.cell_small,
        head_style=styles.cell_small_head,
        keep_rows=True,
    )


def render_evidence(data: EvidenceListData) -> RenderedDocument:
    """Lay out the evidence list."""
    kit = new_kit()
    styles = kit.styles
    header = data.header
    story: list[Flowable] = [*title_block(data.meta, styles)]
    rows = institution_rows(header)[:1]
    rows += [
        Info(_("Inspection task"), header.task_title, wide=True),
        Info(_("Case number"), header.case_number),
        Info(_("Number of items"), str(len(data.items))),
    ]
    story.append(info_table(rows, styles))
    story.append(Spacer(1, 8))
    if data.items:
        story.append(evidence_table(data.items, styles))
    else:
        story.append(Paragraph(markup(_("No evidence was recorded.")), styles.body))
    if data.chain_summary.strip():
        story += heading(_("Chain of custody"), styles)
        story += prose(data.chain_summary, styles)
    story += closing_blocks(data.signatures, data.seals, styles, kit.placements)
    return finish(kit, data.meta, header, story)
