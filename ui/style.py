"""The look: Fusion style, one restrained stylesheet, and fonts that render Chinese well.

Fusion looks the same on every platform, so the stylesheet in ``resources/styles/app.qss``
only adds colour, spacing and emphasis. The font list keeps the platform's Latin UI font
first and names the common CJK UI fonts after it, so Chinese never falls back to a bitmap
or serif face (WenQuanYi Zen Hei on Debian, Microsoft YaHei on Windows, PingFang on macOS).
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from inspector_app.resources import resource_path
from ui.icons import app_icon

CJK_FAMILIES = [
    "Microsoft YaHei UI",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
]
BASE_POINT_SIZE = 10


def stylesheet() -> str:
    """The application stylesheet (empty when the file is missing: plain Fusion still works).

    ``@ICONS@`` in the file stands for the icons folder, wherever the resources live.
    """
    path = resource_path("styles", "app.qss")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    return text.replace("@ICONS@", resource_path("icons").as_posix())


def apply_style(app: QApplication) -> None:
    """Style, font, stylesheet and window icon for the whole application."""
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setFamilies([font.family(), *CJK_FAMILIES])
    font.setPointSize(BASE_POINT_SIZE)
    font.setHintingPreference(QFont.HintingPreference.PreferVerticalHinting)
    app.setFont(font)
    app.setStyleSheet(stylesheet())
    app.setWindowIcon(app_icon())
