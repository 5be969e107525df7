"""询问笔录: one interview, its caution, the questions and answers, the signatures."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from inspector_app.documents.assemble import finish, new_kit
from inspector_app.documents.blocks import Info, heading, info_table, prose, title_block
from inspector_app.documents.formats import markup, span_text
from inspector_app.documents.model import InterviewRecordData, RenderedDocument
from inspector_app.documents.signer_blocks import closing_blocks
from inspector_app.documents.styles import BoldParagraph
from inspector_app.i18n import _


def confirmation_text() -> str:
    """What the interviewee confirms above their signature."""
    return _(
        "I have read this record (or it has been read to me), and it is consistent "
        "with what I said."
    )


def _inspectors(data: InterviewRecordData) -> str:
    return "、".join(
        _("{name} (enforcement ID {number})").format(name=m.name, number=m.enforcement_id)
        if m.enforcement_id
        else m.name
        for m in data.inspectors
    )


def render_interview(data: InterviewRecordData, *, position: int | None = None) -> RenderedDocument:
    """Lay out an interview record; ``position`` (1-based) orders it among the case's interviews."""
    kit = new_kit()
    styles = kit.styles
    header = data.header
    story: list[Flowable] = [*title_block(data.meta, styles)]
    rows = [
        Info(_("Time"), span_text(data.started_at, data.ended_at), wide=True),
        Info(_("Place"), data.location or header.location, wide=True),
        Info(_("Interviewers"), _inspectors(data), wide=True),
        Info(_("Recorder"), data.recorder_name),
        Info(_("Case number"), header.case_number),
        Info(_("Interviewee"), data.interviewee_name),
        Info(_("Position"), data.interviewee_role),
        Info(_("Employer"), data.interviewee_organisation),
        Info(_("Identity document"), data.interviewee_id_label, wide=True),
        Info(_("Telephone"), data.interviewee_phone),
        Info(_("Inspected institution"), header.institution_name, wide=True),
    ]
    story.append(info_table(rows, styles))
    story += heading(_("Record"), styles)
    if data.opening_statement.strip():
        story += prose(data.opening_statement, styles)
    for entry in data.entries:
        question = _("Q: {text}").format(text=entry.question.strip())
        answer = _("A: {text}").format(text=entry.answer.strip())
        story.append(BoldParagraph(markup(question), styles.question))
        story.append(Paragraph(markup(answer), styles.hanging))
    if not data.entries and data.content.strip():
        story += prose(data.content, styles)
    story.append(Paragraph(markup(_("(Nothing follows.)")), styles.body))
    story += closing_blocks(
        data.signatures,
        data.seals,
        styles,
        kit.placements,
        confirmation=confirmation_text(),
    )
    return finish(kit, data.meta, header, story, position=position)
