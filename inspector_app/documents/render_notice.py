"""检查通知书: the letter handed over at the door, laid out as an official notice."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer

from inspector_app.documents.assemble import finish, new_kit
from inspector_app.documents.blocks import (
    Info,
    heading,
    info_table,
    institution_rows,
    issuer_block,
    labelled,
    numbered,
    prose,
    task_rows,
    team_table,
    title_block,
)
from inspector_app.documents.formats import day, day_span, markup
from inspector_app.documents.model import NoticeData, RenderedDocument
from inspector_app.documents.signer_blocks import closing_blocks
from inspector_app.i18n import _


def notice_text(data: NoticeData) -> str:
    """The sentence that announces the inspection, built from its basis, type and period."""
    header = data.header
    values = {
        "legal_basis": data.legal_basis,
        "authority": header.issuing_authority,
        "task_type": header.task_type_label,
        "dates": day_span(header.planned_start, header.planned_end),
    }
    if data.period_start is not None and data.period_end is not None:
        return _(
            "In accordance with {legal_basis}, {authority} has decided to carry out a "
            "{task_type} of your institution's use of medical security funds between "
            "{period_start} and {period_end}, on {dates}."
        ).format(period_start=day(data.period_start), period_end=day(data.period_end), **values)
    return _(
        "In accordance with {legal_basis}, {authority} has decided to carry out a "
        "{task_type} of your institution's use of medical security funds on {dates}."
    ).format(**values)


def render_notice(data: NoticeData) -> RenderedDocument:
    """Lay out the notice of inspection."""
    kit = new_kit()
    styles = kit.styles
    header = data.header
    story: list[Flowable] = [*title_block(data.meta, styles)]
    story.append(
        Paragraph(markup(_("{addressee}:").format(addressee=header.institution_name)), styles.body)
    )
    story.append(Paragraph(markup(notice_text(data)), styles.body_indent))
    if data.scope.strip():
        scope = _("Scope of the inspection: {scope}").format(scope=data.scope.strip())
        story += prose(scope, styles)
    if data.demands:
        story += prose(
            _("Please cooperate with the inspection and provide the following materials:"),
            styles,
        )
        story += numbered(data.demands, styles)
    story += heading(_("Inspection case"), styles)
    rows = [*institution_rows(header), *task_rows(header)]
    rows.append(Info(_("Case number"), header.case_number))
    rows.append(Info(_("Team leader"), header.leader_name))
    if header.location:
        rows.append(Info(_("Place of inspection"), header.location, wide=True))
    story.append(info_table(rows, styles))
    if header.team:
        story += heading(_("Inspection team"), styles)
        story.append(team_table(header.team, styles))
    if data.contact.strip():
        story.append(Spacer(1, 6))
        story.append(labelled(_("Contact"), data.contact.strip(), styles))
    story += issuer_block(header.issuing_authority, day(data.meta.generated_at), styles)
    story += closing_blocks(
        (data.receiver,),
        data.seals,
        styles,
        kit.placements,
        title=_("Acknowledgement of receipt"),
    )
    return finish(kit, data.meta, header, story)
