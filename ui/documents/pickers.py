"""Non-blocking file pickers for the documents workspace (never ``exec()``).

Each returns the dialog it opened, so a test can answer it by emitting its signal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget


def _dialog(parent: QWidget, title: str, chosen: Callable[[Path], object]) -> QFileDialog:
    dialog = QFileDialog(parent, title)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda name: chosen(Path(name)) if name else None)
    return dialog


def open_file(
    parent: QWidget, title: str, name_filter: str, chosen: Callable[[Path], object]
) -> QFileDialog:
    """Ask for an existing file; ``chosen(path)`` once one is picked."""
    dialog = _dialog(parent, title, chosen)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(name_filter)
    dialog.open()
    return dialog


def save_file(
    parent: QWidget, title: str, suggested: str, name_filter: str, chosen: Callable[[Path], object]
) -> QFileDialog:
    """Ask where to save a file named ``suggested`` by default."""
    dialog = _dialog(parent, title, chosen)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter(name_filter)
    dialog.setDefaultSuffix(Path(suggested).suffix.lstrip("."))
    dialog.selectFile(suggested)
    dialog.open()
    return dialog


def choose_folder(parent: QWidget, title: str, chosen: Callable[[Path], object]) -> QFileDialog:
    """Ask for a folder."""
    dialog = _dialog(parent, title, chosen)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.open()
    return dialog
