"""Icons by name from ``resources/icons`` (SVG line icons, no .qrc; after Anki's icons:).

Line icons are drawn in one ink colour; :func:`icon` also offers a rendering in another
colour for the selected/active state, so the navigation can highlight without a second file.
Pixmaps are rendered lazily, at the size asked for, by a small icon engine: start-up pays
nothing for sizes and states that are never shown.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QImage, QImageReader, QPainter, QPixmap

from inspector_app.resources import resource_path

INK = "#33475b"
ACCENT = "#1d4f91"
ON_ACCENT = "#ffffff"
_DISABLED_OPACITY = 0.4


def icon_path(name: str) -> str:
    """Path of ``resources/icons/<name>.svg``."""
    return str(resource_path("icons", f"{name}.svg"))


def render_svg(svg: bytes, size: QSize) -> QImage:
    """``svg`` rendered at ``size`` by Qt's SVG image plugin."""
    data = QByteArray(svg)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, QByteArray(b"svg"))
    reader.setScaledSize(size)
    return reader.read()


class _SvgIconEngine(QIconEngine):
    """Renders the normal or the tinted SVG at the requested size, and caches the result."""

    def __init__(self, normal: bytes, selected: bytes) -> None:
        super().__init__()
        self._normal = normal
        self._selected = selected
        self._cache: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        tinted = mode in (QIcon.Mode.Selected, QIcon.Mode.Active)
        image = render_svg(self._selected if tinted else self._normal, size)
        if mode == QIcon.Mode.Disabled:
            faded = QImage(image.size(), QImage.Format.Format_ARGB32_Premultiplied)
            faded.fill(Qt.GlobalColor.transparent)
            painter = QPainter(faded)
            painter.setOpacity(_DISABLED_OPACITY)
            painter.drawImage(0, 0, image)
            painter.end()
            image = faded
        pixmap = QPixmap.fromImage(image)
        self._cache[key] = pixmap
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.drawPixmap(rect, self.pixmap(rect.size(), mode, state))

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return size

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._normal, self._selected)


@cache
def icon(name: str, *, selected_colour: str = ACCENT) -> QIcon:
    """The icon ``name``; in Selected/Active mode its ink is ``selected_colour``."""
    svg = Path(icon_path(name)).read_text(encoding="utf-8")
    # QIcon takes ownership of the engine (PySide keeps its Python side alive meanwhile).
    return QIcon(_SvgIconEngine(svg.encode(), svg.replace(INK, selected_colour).encode()))


def app_icon() -> QIcon:
    """The application's own icon (window, about box, desktop entry)."""
    return QIcon(icon_path("app"))
