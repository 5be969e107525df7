"""问题清单 / 检查结果告知书: each finding with its basis, amount, evidence and status."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from inspector_app.documents.assemble import finish, new_kit
from inspector_app.documents.blocks import (
    ROW_SPLIT,
    Info,
    grid_commands,
    info_table,
    institution_rows,
    issuer_block,
    prose,
    task_rows,
    title_block,
)
from inspector_app.documents.formats import day, day_span, markup, yuan
from inspector_app.documents.model import FindingEntry, FindingsListData, RenderedDocument
from inspector_app.documents.page import FRAME_WIDTH
from inspector_app.documents.signer_blocks import closing_blocks
from inspector_app.documents.styles import MARK_SHADE, SHADE, BoldParagraph, Styles
from inspector_app.i18n import _, ngettext

LABEL_WIDTH = FRAME_WIDTH * 0.17


def intro_text(data: FindingsListData) -> str:
    """The opening paragraph: who inspected whom, when, and what follows."""
    header = data.header
    return _(
        "{authority} carried out a {task_type} of {institution} on {dates}. "
        "The problems found are listed below."
    ).format(
        authority=header.issuing_authority,
        task_type=header.task_type_label,
        institution=header.institution_name,
        dates=day_span(header.planned_start, header.planned_end),
    )


def finding_block(finding: FindingEntry, styles: Styles) -> Table:
    """One finding as a bordered table: its title across the top, then label/value rows."""
    title = _("{number}. {title}").format(number=finding.number, title=finding.title)
    if finding.disputed:
        title = _("{title} [disputed]").format(title=title)
    fields = [
        (_("Violation type"), finding.violation_label),
        (_("Legal basis"), finding.legal_basis),
        (_("Amount involved"), yuan(finding.amount_fen)),
        (_("Description of the problem"), finding.description),
        (_("Proposed handling"), "；".join(finding.handling)),
        (_("Based on"), "\n".join(finding.rests_on)),
        (_("Status"), finding.status_label),
    ]
    rows: list[list[Flowable | str]] = [[BoldParagraph(markup(title), styles.cell), ""]]
    for label, value in fields:
        if value.strip():
            rows.append(
                [Paragraph(markup(label), styles.cell_label), Paragraph(markup(value), styles.cell)]
            )
    table = Table(
        rows, colWidths=[LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH], repeatRows=1, **ROW_SPLIT
    )
    table.setStyle(
        TableStyle(
            [
                *grid_commands(styles),
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), MARK_SHADE if finding.disputed else SHADE),
            ]
        )
    )
    return table


def render_findings(data: FindingsListData) -> RenderedDocument:
    """Lay out the findings list / notice of the inspection's result."""
    kit = new_kit()
    styles = kit.styles
    header = data.header
    story: list[Flowable] = [*title_block(data.meta, styles)]
    rows = [*institution_rows(header), *task_rows(header)]
    rows.append(Info(_("Case number"), header.case_number))
    rows.append(Info(_("Team leader"), header.leader_name))
    story.append(info_table(rows, styles))
    story.append(Spacer(1, 8))
    story += prose(intro_text(data), styles)
    for finding in data.findings:
        story.append(Spacer(1, 6))
        story.append(finding_block(finding, styles))
    if not data.findings:
        story.append(Paragraph(markup(_("No problems were found.")), styles.body))
    total = total_text(len(data.findings), data.total_fen)
    story.append(Spacer(1, 6))
    story.append(BoldParagraph(markup(total), styles.body))
    if data.sampled_amount_note.strip():
        story += prose(data.sampled_amount_note, styles)
    if data.rights_notice.strip():
        story += prose(data.rights_notice, styles)
    story += issuer_block(header.issuing_authority, day(data.meta.generated_at), styles)
    story += closing_blocks(data.signatures, data.seals, styles, kit.placements)
    return finish(kit, data.meta, header, story)


def total_text(count: int, total_fen: int) -> str:
    """``共 3 个问题，涉及金额合计 1,234.56元``."""
    return ngettext(
        "{count} problem in total, amount involved {amount}",
        "{count} problems in total, amount involved {amount}",
        count,
    ).format(count=count, amount=yuan(total_fen))
