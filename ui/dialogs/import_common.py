"""What the import wizard's pages share: the file slots, value wording and error handling.

Kept apart so each page stays small: which files an import takes (claims and lines, or the
进销存 files with their opening/closing count), how a parsed value looks on screen (money
as ¥, codes in words), and which failures are the user's to fix (shown as a plain
message) rather than a defect (the crash report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from inspector_app.i18n import N_, _
from inspector_app.settlement_import import FieldKind, TargetField, role_label
from local_db.enums import ImportFileRole, InventoryMovementKind
from ui import error_report, formatting

REFUSED_TINT = QColor("#fdecea")
WARNING_TINT = QColor("#fff6db")
MISSING_TINT = QColor("#fdecea")
ERROR_INK = QColor("#b3261e")
WARNING_INK = QColor("#7a5b00")
MUTED_INK = QColor("#6b7785")


class ImportKind(Enum):
    """What is imported: settlement data, or 进销存 (purchase–sale–stock) data."""

    SETTLEMENT = "settlement"
    INVENTORY = "inventory"


@dataclass(frozen=True)
class FileSlot:
    """One file an import can take: its role and, for stock counts, which count it holds."""

    key: str
    role: ImportFileRole
    label: str  # English source, translated by :meth:`label_text`
    count_kind: InventoryMovementKind | None = None
    required: bool = False

    def label_text(self) -> str:
        """The slot's name in the active language (as the file picker shows it)."""
        return _(self.label)

    def title_text(self) -> str:
        """What the file holds, for page and tab titles."""
        if self.role in (ImportFileRole.CLAIMS, ImportFileRole.LINES):
            return role_label(self.role)
        return _(self.label)


SLOTS: dict[ImportKind, tuple[FileSlot, ...]] = {
    ImportKind.SETTLEMENT: (
        FileSlot("claims", ImportFileRole.CLAIMS, N_("Claims (settlement records)"), required=True),
        FileSlot("lines", ImportFileRole.LINES, N_("Detail lines (optional)")),
    ),
    ImportKind.INVENTORY: (
        FileSlot("purchases", ImportFileRole.PURCHASES, N_("Purchases")),
        FileSlot("dispensing", ImportFileRole.DISPENSING, N_("Dispensing and sales")),
        FileSlot(
            "opening",
            ImportFileRole.STOCK_COUNTS,
            N_("Opening stock count"),
            InventoryMovementKind.OPENING_STOCK,
        ),
        FileSlot(
            "closing",
            ImportFileRole.STOCK_COUNTS,
            N_("Closing stock count"),
            InventoryMovementKind.CLOSING_STOCK,
        ),
        FileSlot("counts", ImportFileRole.STOCK_COUNTS, N_("Stock counts with a 期初/期末 column")),
    ),
}


def slot(key: str) -> FileSlot:
    """The slot called ``key``."""
    for slots in SLOTS.values():
        for each in slots:
            if each.key == key:
                return each
    raise KeyError(key)


# ------------------------------------------------------------------ values in words

_CODE_WORDS: dict[str, Callable[[], str]] = {
    "employee": lambda: _("Employee insurance"),
    "resident": lambda: _("Resident insurance"),
    "outpatient": lambda: _("Outpatient"),
    "inpatient": lambda: _("Inpatient"),
    "drug": lambda: _("Drug"),
    "service": lambda: _("Medical service"),
    "consumable": lambda: _("Consumable"),
    InventoryMovementKind.OPENING_STOCK.value: lambda: _("Opening"),
    InventoryMovementKind.CLOSING_STOCK.value: lambda: _("Closing"),
}
_COVERAGE_WORDS: dict[str, Callable[[], str]] = {
    "A": lambda: _("Class A (甲)"),
    "B": lambda: _("Class B (乙)"),
    "C": lambda: _("Class C (丙)"),
}


def quantity_text(value: float) -> str:
    """A quantity without trailing zeros (``2``, ``0.5``, ``1,200``)."""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def value_text(target: TargetField, value: Any) -> str:
    """A parsed value as the inspector reads it: ¥ for money, words for codes."""
    if value is None or value == "":
        return ""
    kind = target.kind
    if kind is FieldKind.MONEY:
        return formatting.money(int(value))
    if kind is FieldKind.QUANTITY:
        return quantity_text(float(value))
    if kind is FieldKind.DATETIME:
        return str(value).replace("T", " ")
    if kind is FieldKind.SEX:
        return {"M": _("Male"), "F": _("Female")}.get(str(value), str(value))
    if kind is FieldKind.CODE:
        words = _COVERAGE_WORDS if target.name == "coverage_class" else _CODE_WORDS
        found = words.get(str(value))
        return found() if found is not None else str(value)
    return str(value)


def delimiter_text(delimiter: str | None) -> str:
    """A delimiter named for people (a tab is invisible)."""
    return {
        ",": _("comma ,"),
        "\t": _("tab"),
        ";": _("semicolon ;"),
        "|": _("vertical bar |"),
    }.get(delimiter or "", delimiter or "—")


ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8", "UTF-8"),
    ("gb18030", "GB18030 / GBK"),
    ("big5", "Big5"),
    ("utf-16", "UTF-16"),
)
DELIMITERS = (",", "\t", ";", "|")


def encoding_text(encoding: str | None) -> str:
    """An encoding as shown (GBK files are read as GB18030, their superset)."""
    if not encoding:
        return "—"
    for code, shown in ENCODINGS:
        if encoding.replace("-sig", "") == code:
            return shown
    return encoding.upper()


# ------------------------------------------------------------------ failures


def user_message(error: BaseException) -> str | None:
    """The message for a failure the user can act on, None for a defect."""
    from inspector_app.casework.access import CaseNotFoundError
    from inspector_app.evidence.store import BlobError
    from inspector_app.settlement_import import ImportRefusedError, MappingError, SourceError

    if isinstance(error, CaseNotFoundError):
        return _("The case file was not found in this profile.")
    if isinstance(error, ImportRefusedError | MappingError | SourceError | BlobError):
        return str(error)
    if isinstance(error, OSError) and error.filename:
        return _("Cannot read {name}: {reason}").format(
            name=error.filename, reason=error.strerror or error
        )
    if isinstance(error, error_report.USER_ERRORS):
        return str(error)
    return None


def handle_failure(error: BaseException, show: Callable[[str], object]) -> None:
    """A user error is logged and shown with ``show``; a defect goes to the crash report."""
    message = user_message(error)
    if message is None:
        error_report.report(error)
        show(_("Something went wrong; the details are in the error report."))
        return
    error_report.log_error(error)
    show(message)


def message_label(parent: QWidget, name: str) -> QLabel:
    """A wrapped message label styled as ``name`` (errorText, fieldHelp, sealedNote).

    The name is set once, before the label is first polished: a style sheet box (padding,
    border) changed later by renaming is not re-laid out, so show and hide two labels
    instead of restyling one.
    """
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label
