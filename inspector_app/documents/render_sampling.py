"""抽样与推算报告: each recorded draw's frame, design, review and extrapolation."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Paragraph, Spacer

from inspector_app.documents.assemble import finish, new_kit
from inspector_app.documents.blocks import (
    Info,
    data_table,
    heading,
    info_table,
    institution_rows,
    labelled,
    prose,
    task_rows,
    title_block,
)
from inspector_app.documents.formats import markup, yuan
from inspector_app.documents.model import (
    EstimateRow,
    RenderedDocument,
    SamplingReportData,
    SamplingSection,
    StratumRow,
)
from inspector_app.documents.signer_blocks import closing_blocks
from inspector_app.documents.styles import BoldParagraph, Styles
from inspector_app.i18n import _


def _number(value: int | str, styles: Styles) -> Paragraph:
    return Paragraph(markup(str(value)), styles.cell_right)


def strata_table(strata: Sequence[StratumRow], styles: Styles) -> Flowable:
    """Population and sample of each stratum, and what the review found in it."""
    rows: list[list[Flowable | str]] = [
        [
            s.label,
            _number(f"{s.population_count:,}", styles),
            _number(yuan(s.population_fen), styles),
            _number(s.sample_count, styles),
            _number(s.reviewed_count, styles),
            _number(yuan(s.audited_improper_fen), styles),
        ]
        for s in strata
    ]
    if len(strata) > 1:
        rows.append(
            [
                BoldParagraph(markup(_("Total")), styles.cell),
                _number(f"{sum(s.population_count for s in strata):,}", styles),
                _number(yuan(sum(s.population_fen for s in strata)), styles),
                _number(sum(s.sample_count for s in strata), styles),
                _number(sum(s.reviewed_count for s in strata), styles),
                _number(yuan(sum(s.audited_improper_fen for s in strata)), styles),
            ]
        )
    header = [
        _("Stratum"),
        _("Claims in population"),
        _("Population amount"),
        _("Sample size"),
        _("Reviewed"),
        _("Improper amount found"),
    ]
    return data_table(header, rows, [2.6, 1.7, 2.6, 1.4, 1.4, 2.6], styles)


def estimates_table(estimates: Sequence[EstimateRow], styles: Styles) -> Flowable:
    """Point estimate, confidence limits and precision of each estimator."""
    rows: list[list[Flowable | str]] = [
        [
            e.label,
            _number(yuan(e.point_fen), styles),
            _number(yuan(e.lower_fen), styles),
            _number(yuan(e.upper_fen), styles),
            _number(yuan(e.precision_fen), styles),
            _number("—" if e.precision_pct is None else f"{e.precision_pct:.1f}%", styles),
        ]
        for e in estimates
    ]
    header = [
        _("Estimator"),
        _("Point estimate"),
        _("Lower limit"),
        _("Upper limit"),
        _("Precision"),
        _("Precision (%)"),
    ]
    return data_table(header, rows, [2.6, 2.3, 2.3, 2.3, 2.1, 1.4], styles)


def section_blocks(section: SamplingSection, styles: Styles) -> list[Flowable]:
    """One draw: what it was drawn from, how, what the review found, what was inferred."""
    blocks: list[Flowable] = heading(section.draw_label, styles)
    rows = [
        Info(_("Settlement batch"), section.batch_label, wide=True),
        Info(_("Sampling frame"), "\n".join(section.frame_lines), wide=True),
        Info(_("Sample design"), "\n".join(section.design_lines), wide=True),
    ]
    rows = [row for row in rows if row.value.strip()]
    if rows:
        blocks.append(info_table(rows, styles))
    if section.strata:
        blocks += [Spacer(1, 4), strata_table(section.strata, styles), Spacer(1, 4)]
    if section.reviewed_summary:
        blocks.append(labelled(_("Review of the sample"), section.reviewed_summary, styles))
    blocks.append(
        labelled(_("Improper amount in the sample"), yuan(section.sample_improper_fen), styles)
    )
    if section.estimates:
        blocks += [Spacer(1, 4), estimates_table(section.estimates, styles), Spacer(1, 4)]
    else:
        blocks.append(
            Paragraph(markup(_("No extrapolation was recorded for this draw.")), styles.body)
        )
    if section.recovery_line:
        blocks.append(BoldParagraph(markup(section.recovery_line), styles.body))
    if section.inputs_sha256:
        blocks.append(
            Paragraph(
                markup(_("Inputs SHA-256: {digest}").format(digest=section.inputs_sha256)),
                styles.small,
            )
        )
    return blocks


def render_sampling(data: SamplingReportData) -> RenderedDocument:
    """Lay out the sampling and extrapolation report."""
    kit = new_kit()
    styles = kit.styles
    header = data.header
    story: list[Flowable] = [*title_block(data.meta, styles)]
    rows = [*institution_rows(header)[:1], *task_rows(header)]
    rows.append(Info(_("Case number"), header.case_number))
    rows.append(Info(_("Team leader"), header.leader_name))
    story.append(info_table(rows, styles))
    if data.method_note.strip():
        story += heading(_("Sampling and extrapolation method"), styles)
        story += prose(data.method_note, styles)
    for section in data.sections:
        story += section_blocks(section, styles)
    if not data.sections:
        story.append(Paragraph(markup(_("No sample was drawn.")), styles.body))
    story += closing_blocks(data.signatures, data.seals, styles, kit.placements)
    return finish(kit, data.meta, header, story)
