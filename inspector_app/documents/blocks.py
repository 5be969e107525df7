"""Building blocks shared by the documents: title, info table, data tables, prose, lists.

Every table cell is a paragraph (so it wraps and stays in the embedded face) and every long
table repeats its header row on each page, so renderers only decide what goes where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    LongTable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from inspector_app.documents.formats import markup
from inspector_app.documents.model import CaseHeader, DocumentMeta, TeamMember
from inspector_app.documents.page import FRAME_WIDTH
from inspector_app.documents.styles import RULE, SHADE, Styles
from inspector_app.i18n import _

GRID = 0.6
CELL_PAD = 3
# Tall rows may split across pages (a cell of free text may be longer than a page). Trying
# the in-row split first matters: when reportlab splits between rows first, the rest of the
# table lands in the space left on the same page and repeats its header there.
ROW_SPLIT: dict[str, Any] = {"splitByRow": 0, "splitInRow": 24}
HEADING_ROOM = 40 * mm  # a heading needs this much below it to stay on its page
LABEL_SHARE = 0.18  # label columns of the info table, share of the frame width


@dataclass(frozen=True)
class Info:
    """One label/value pair of an info table; ``wide`` pairs take a whole row."""

    label: str
    value: str
    wide: bool = False


def title_block(meta: DocumentMeta, styles: Styles) -> list[Flowable]:
    """The centred title and, under it, the document number."""
    blocks: list[Flowable] = [Paragraph(markup(meta.title), styles.title)]
    if meta.number:
        blocks.append(Paragraph(markup(meta.number), styles.number))
    else:
        blocks.append(Spacer(1, 6))
    return blocks


def heading(text: str, styles: Styles) -> list[Flowable]:
    """A section heading that does not end a page: it starts a new one when space is short.

    (reportlab's ``keepWithNext`` would glue the heading to a whole long table and push both
    to the next page.)
    """
    return [CondPageBreak(HEADING_ROOM), Paragraph(markup(text), styles.heading)]


def prose(text: str, styles: Styles, *, indent: bool = True) -> list[Flowable]:
    """Free text as paragraphs (one per line) that flow across pages."""
    style = styles.body_indent if indent else styles.body
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return [Paragraph(markup(line), style) for line in lines if line]


def numbered(items: Sequence[str], styles: Styles) -> list[Flowable]:
    """``1. …`` items with the number hanging left of wrapped lines."""
    return [
        Paragraph(f"{index}.&nbsp;{markup(item)}", styles.hanging)
        for index, item in enumerate(items, start=1)
    ]


def labelled(label: str, value: str, styles: Styles) -> Paragraph:
    """``Label: value`` as one body paragraph."""
    return Paragraph(markup(_("{label}: {value}").format(label=label, value=value)), styles.body)


def info_table(rows: Sequence[Info], styles: Styles) -> Table:
    """The bordered case header: two pairs per row, wide pairs across the whole row.

    A pair left alone on its row (odd count) takes the whole row as a wide pair does.
    """
    label_width = FRAME_WIDTH * LABEL_SHARE
    value_width = FRAME_WIDTH / 2 - label_width
    data: list[list[Flowable | str]] = []
    commands: list[tuple[object, ...]] = []

    def cells(item: Info) -> list[Flowable | str]:
        return [
            Paragraph(markup(item.label), styles.cell_label),
            Paragraph(markup(item.value), styles.cell),
        ]

    def add(first: Info, second: Info | None) -> None:
        at = len(data)
        commands.append(("BACKGROUND", (0, at), (0, at), SHADE))
        if second is None:
            data.append([*cells(first), "", ""])
            commands.append(("SPAN", (1, at), (3, at)))
        else:
            data.append([*cells(first), *cells(second)])
            commands.append(("BACKGROUND", (2, at), (2, at), SHADE))

    pending: Info | None = None
    for item in rows:
        if item.wide:
            if pending is not None:
                add(pending, None)
                pending = None
            add(item, None)
        elif pending is None:
            pending = item
        else:
            add(pending, item)
            pending = None
    if pending is not None:
        add(pending, None)
    table = Table(
        data,
        colWidths=[label_width, value_width, label_width, value_width],
        **ROW_SPLIT,
    )
    table.setStyle(TableStyle([*grid_commands(styles), *commands]))
    return table


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Flowable | str]],
    widths: Sequence[float],
    styles: Styles,
    *,
    extra: Sequence[tuple[object, ...]] = (),
    cell_style: ParagraphStyle | None = None,
    keep_rows: bool = False,
    head_style: ParagraphStyle | None = None,
) -> LongTable:
    """A gridded table whose header row repeats on every page; rows may split inside.

    ``widths`` are relative (scaled to the frame); string cells become paragraphs in
    ``cell_style`` (empty strings stay empty). ``keep_rows`` never splits inside a row
    (rows holding pictures; each row must then be shorter than a page).
    """
    style = cell_style or styles.cell
    head_in = head_style or styles.cell_head
    head: list[Flowable | str] = [Paragraph(markup(text), head_in) for text in header]
    body = [
        [Paragraph(markup(c), style) if isinstance(c, str) and c else c for c in row]
        for row in rows
    ]
    total = sum(widths)
    scaled = [width * FRAME_WIDTH / total for width in widths]
    split = {"splitByRow": 1, "splitInRow": 0} if keep_rows else ROW_SPLIT
    table = LongTable([head, *body], colWidths=scaled, repeatRows=1, **split)
    table.setStyle(
        TableStyle([*grid_commands(styles), ("BACKGROUND", (0, 0), (-1, 0), SHADE), *extra])
    )
    return table


def team_table(team: Sequence[TeamMember], styles: Styles) -> LongTable:
    """Name, role, organisation and enforcement ID of each inspector."""
    rows = [[m.name, m.role_label, m.organisation, m.enforcement_id] for m in team]
    header = [_("Name"), _("Role"), _("Organisation"), _("Enforcement ID")]
    return data_table(header, rows, [2.2, 1.6, 4.4, 2.8], styles)


def issuer_block(authority: str, when: str, styles: Styles) -> list[Flowable]:
    """The issuing authority and date, right-aligned as on an official letter."""
    return [
        Spacer(1, 8 * mm),
        Paragraph(markup(authority), styles.right),
        Paragraph(markup(when), styles.right),
    ]


def writing_area(lines: int, styles: Styles) -> Table:
    """Ruled empty lines to write on by hand."""
    table = Table(
        [[""] for _ in range(lines)], colWidths=[FRAME_WIDTH], rowHeights=[9 * mm] * lines
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), styles.font),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ]
        )
    )
    return table


def grid_commands(styles: Styles) -> list[tuple[object, ...]]:
    """Thin grid, top-aligned cells, the document face for any plain-string cell."""
    return [
        ("FONTNAME", (0, 0), (-1, -1), styles.font),
        ("GRID", (0, 0), (-1, -1), GRID, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]


def institution_rows(header: CaseHeader) -> list[Info]:
    """The inspected institution as every document's info table opens."""
    return [
        Info(_("Inspected institution"), header.institution_name, wide=True),
        Info(_("Institution code"), header.institution_code),
        Info(_("Institution type"), header.institution_kind_label),
        Info(_("Address"), header.institution_address, wide=True),
        Info(_("Legal representative"), header.institution_legal_representative),
        Info(_("Region"), header.region_name),
    ]


def task_rows(header: CaseHeader) -> list[Info]:
    """The task the case belongs to."""
    return [
        Info(_("Inspection task"), header.task_title, wide=True),
        Info(_("Task number"), header.task_number),
        Info(_("Inspection type"), header.task_type_label),
    ]
