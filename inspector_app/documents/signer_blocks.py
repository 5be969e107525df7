"""Where people sign: handwriting, refusals, lines to sign on paper, and digital-seal boxes.

A seal box is drawn empty; the signing code later puts a visible PAdES signature field on
exactly that rectangle, so the box records the page and the absolute position it was drawn at.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer, Table, TableStyle

from inspector_app.documents.formats import markup, moment_text
from inspector_app.documents.model import SealPlacement, SealSlot, SignatureMark, SignerRole
from inspector_app.documents.page import FRAME_WIDTH
from inspector_app.documents.styles import MUTED, RULE, Styles
from inspector_app.i18n import _

SIGNATURE_BOX = (40 * mm, 15 * mm)  # handwriting is scaled to fit, keeping its aspect ratio
SEAL_WIDTH = 60 * mm
SEAL_HEIGHT = 25 * mm
SEAL_GAP = 8 * mm
SEAL_LABEL = 14.0  # room above each box for its label


def signer_line(mark: SignatureMark) -> str:
    """``被检查单位负责人：张某某``."""
    return _("{label}: {value}").format(label=mark.role_label, value=mark.name)


def refusal_text(mark: SignatureMark) -> str:
    """The statement printed instead of a refused signature."""
    values = {
        "role": mark.role_label,
        "name": mark.name,
        "witness": mark.witness_name or "—",
        "time": moment_text(mark.refused_at) or "—",
        "reason": mark.refusal_reason,
    }
    if mark.refusal_reason.strip():
        return _(
            "{role} {name} refused to sign. Witness: {witness}; time: {time}. Reason: {reason}"
        ).format(**values)
    return _("{role} {name} refused to sign. Witness: {witness}; time: {time}.").format(**values)


class _SignLine(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A label and a rule after it on one baseline, to sign on paper."""

    def __init__(self, label: str, font: str, size: float, width: float) -> None:
        super().__init__()
        self.label, self.font, self.size = label, font, size
        self.width, self.height = width, 12 * mm

    def draw(self) -> None:
        canv = self.canv
        canv.setFont(self.font, self.size)
        canv.drawString(0, 2, self.label)
        start = canv.stringWidth(self.label, self.font, self.size) + 2
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(start, 0, self.width, 0)


def _handwriting(png: bytes) -> Image:
    width, height = ImageReader(io.BytesIO(png)).getSize()
    box_w, box_h = SIGNATURE_BOX
    scale = min(box_w / width, box_h / height)
    image = Image(io.BytesIO(png), width=width * scale, height=height * scale, hAlign="LEFT")
    return image


def signature_cell(mark: SignatureMark, styles: Styles) -> list[Flowable]:
    """One signer's slot in the state the mark is in."""
    if mark.refused:
        return [Paragraph(markup(refusal_text(mark)), styles.cell)]
    cell: list[Flowable] = [Paragraph(markup(signer_line(mark)), styles.cell)]
    if mark.image_png:
        cell.append(_handwriting(mark.image_png))
        if mark.signed_at is not None:
            cell.append(Paragraph(markup(moment_text(mark.signed_at)), styles.small))
    else:
        width = SIGNATURE_BOX[0] + 20 * mm
        cell.append(_SignLine(_("Signature:"), styles.font, styles.cell.fontSize, width))
        cell.append(Spacer(1, 4))
        # Translators: a date to fill in by hand; zh: "日期：______年____月____日"
        cell.append(Paragraph(markup(_("Date: ______________")), styles.cell))
    return cell


def signature_section(
    marks: Sequence[SignatureMark], styles: Styles, *, confirmation: str = ""
) -> list[Flowable]:
    """Every signer's slot, two per row; the interviewee first under ``confirmation``."""
    if not marks:
        return []
    half = FRAME_WIDTH / 2
    rows: list[list[object]] = []
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
        ("FONTNAME", (0, 0), (-1, -1), styles.font),
    ]
    rest = list(marks)
    if confirmation:
        for mark in marks:
            if mark.role is SignerRole.INTERVIEWEE:
                rest.remove(mark)
                cell = signature_cell(mark, styles)
                if not mark.refused:
                    cell.insert(0, Paragraph(markup(confirmation), styles.body))
                rows.append([cell, ""])
                commands.append(("SPAN", (0, len(rows) - 1), (1, len(rows) - 1)))
    for index in range(0, len(rest), 2):
        pair = rest[index : index + 2]
        rows.append([signature_cell(mark, styles) for mark in pair] + [""] * (2 - len(pair)))
    table = Table(rows, colWidths=[half, half], hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return [Spacer(1, 6 * mm), table]


class SealRow(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Labelled empty boxes for digital seals, right-aligned, two per row, never split.

    Drawing records each box's page and absolute rectangle into ``sink``.
    """

    def __init__(self, slots: Sequence[SealSlot], font: str, sink: list[SealPlacement]) -> None:
        super().__init__()
        self.slots = tuple(slots)
        self.font = font
        self.sink = sink
        self.per_row = 2
        self.rows = (len(self.slots) + self.per_row - 1) // self.per_row
        self.cell_height = SEAL_LABEL + SEAL_HEIGHT + 6 * mm

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.rows * self.cell_height
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        page_index = canv.getPageNumber() - 1
        for index, slot in enumerate(self.slots):
            row, column = divmod(index, self.per_row)
            in_row = min(self.per_row, len(self.slots) - row * self.per_row)
            # right-aligned: the last box of a row touches the right margin
            x = self.width - (in_row - column) * SEAL_WIDTH - (in_row - column - 1) * SEAL_GAP
            y = self.height - (row + 1) * self.cell_height + 6 * mm
            canv.saveState()
            canv.setFont(self.font, 9)
            canv.setFillColor(MUTED)
            canv.drawString(x, y + SEAL_HEIGHT + 4, slot.label)
            canv.setStrokeColor(MUTED)
            canv.setLineWidth(0.6)
            canv.setDash(3, 2)
            canv.rect(x, y, SEAL_WIDTH, SEAL_HEIGHT, stroke=1, fill=0)
            canv.restoreState()
            x1, y1 = canv.absolutePosition(x, y)
            x2, y2 = canv.absolutePosition(x + SEAL_WIDTH, y + SEAL_HEIGHT)
            self.sink.append(
                SealPlacement(
                    field_name=slot.field_name,
                    page_index=page_index,
                    box=(round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)),
                )
            )


def closing_blocks(
    marks: Sequence[SignatureMark],
    slots: Sequence[SealSlot],
    styles: Styles,
    sink: list[SealPlacement],
    *,
    confirmation: str = "",
    title: str = "",
) -> list[Flowable]:
    """Signatures then seal boxes (under ``title``), kept together at the end."""
    blocks = signature_section(marks, styles, confirmation=confirmation)
    if title:
        blocks.insert(0, Paragraph(markup(title), styles.heading))
    if slots:
        blocks += [Spacer(1, 4 * mm), SealRow(slots, styles.font, sink)]
    return [KeepTogether(blocks)] if blocks else []
