"""现场检查笔录: who was there, what was checked and found, and the institution's statement."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Paragraph

from inspector_app.documents.assemble import finish, new_kit
from inspector_app.documents.blocks import (
    Info,
    data_table,
    heading,
    info_table,
    institution_rows,
    prose,
    task_rows,
    team_table,
    title_block,
    writing_area,
)
from inspector_app.documents.formats import markup, span_text, yuan
from inspector_app.documents.model import (
    CheckedItem,
    FindingBrief,
    OnsiteRecordData,
    RenderedDocument,
)
from inspector_app.documents.signer_blocks import closing_blocks
from inspector_app.documents.styles import MARK_SHADE, SHADE, BoldParagraph, Styles
from inspector_app.i18n import _


def checklist_table(items: Sequence[CheckedItem], styles: Styles) -> Flowable:
    """Checked items grouped by section; non-compliant rows shaded with a bold result."""
    rows: list[list[Flowable | str]] = []
    extra: list[tuple[object, ...]] = []
    section: str | None = None
    for item in items:
        if item.section and item.section != section:
            section = item.section
            rows.append([Paragraph(markup(section), styles.cell), "", "", ""])
            at = len(rows)  # the header row is row 0
            extra += [("SPAN", (0, at), (-1, at)), ("BACKGROUND", (0, at), (-1, at), SHADE)]
        result_style = styles.cell_center
        result: Flowable = (
            BoldParagraph(markup(item.answer_label), result_style)
            if item.non_compliant
            else Paragraph(markup(item.answer_label), result_style)
        )
        rows.append([item.code, item.text, result, item.note])
        if item.non_compliant:
            at = len(rows)
            extra.append(("BACKGROUND", (0, at), (-1, at), MARK_SHADE))
    header = [_("No."), _("Item checked"), _("Result"), _("Note")]
    return data_table(header, rows, [1.3, 6.2, 1.4, 3.1], styles, extra=extra)


def findings_table(findings: Sequence[FindingBrief], total_fen: int, styles: Styles) -> Flowable:
    """Number, title and amount of each finding, with the total."""
    rows: list[list[Flowable | str]] = [
        [
            Paragraph(str(f.number), styles.cell_center),
            f.title,
            Paragraph(markup(yuan(f.amount_fen)), styles.cell_right),
        ]
        for f in findings
    ]
    rows.append(
        [
            "",
            BoldParagraph(markup(_("Total")), styles.cell_right),
            BoldParagraph(markup(yuan(total_fen)), styles.cell_right),
        ]
    )
    header = [_("No."), _("Problem found"), _("Amount involved")]
    return data_table(header, rows, [1.0, 8.0, 2.6], styles)


def render_onsite_record(data: OnsiteRecordData) -> RenderedDocument:
    """Lay out the on-site inspection record."""
    kit = new_kit()
    styles = kit.styles
    header = data.header
    story: list[Flowable] = [*title_block(data.meta, styles)]
    rows = [*institution_rows(header), *task_rows(header)]
    rows.append(Info(_("Time of inspection"), span_text(data.started_at, data.ended_at), wide=True))
    rows.append(Info(_("Place of inspection"), header.location, wide=True))
    rows.append(Info(_("Team leader"), header.leader_name))
    rows.append(Info(_("Case number"), header.case_number))
    if data.representatives:
        rows.append(
            Info(_("Present for the institution"), "、".join(data.representatives), wide=True)
        )
    if data.documents_shown:
        rows.append(Info(_("Documents shown"), "、".join(data.documents_shown), wide=True))
    story.append(info_table(rows, styles))
    if header.team:
        story += heading(_("Inspectors"), styles)
        story.append(team_table(header.team, styles))
    if data.narrative.strip():
        story += heading(_("Course of the inspection"), styles)
        story += prose(data.narrative, styles)
    if data.checked:
        story += heading(_("Items checked"), styles)
        story.append(checklist_table(data.checked, styles))
    if data.checked_summary:
        story.append(Paragraph(markup(data.checked_summary), styles.body))
    story += heading(_("Problems found"), styles)
    if data.findings:
        story.append(findings_table(data.findings, data.total_fen, styles))
    else:
        story.append(Paragraph(markup(_("No problems were found.")), styles.body))
    story += heading(_("Statement of the inspected institution"), styles)
    if data.representative_statement.strip():
        story += prose(data.representative_statement, styles)
    else:
        story.append(writing_area(4, styles))
    story += closing_blocks(data.signatures, data.seals, styles, kit.placements)
    return finish(kit, data.meta, header, story)
