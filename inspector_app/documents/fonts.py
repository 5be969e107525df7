"""One embedded CJK TrueType face for every document, with a fallback to a system font.

Documents must read the same on any machine, so they embed (a subset of) a TrueType face that
covers Chinese and Latin. The shipped WenQuanYi Micro Hei comes first; if a packaging mistake
left it out, a system TrueType CJK face is used rather than failing, and only when there is
none does layout stop with :class:`FontUnavailableError`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from inspector_app.i18n import _
from inspector_app.resources import resource_path

SHIPPED_FONT = ("fonts", "WenQuanYiMicroHei.ttf")

# TrueType-outline CJK faces found on common systems, best first. CFF-outline OpenType faces
# (Noto/Source Han) are absent on purpose: reportlab cannot embed them. Droid Sans Fallback
# has no Latin letters, so it comes last.
SYSTEM_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid/DroidSansFallbackFull.ttf",
)


class FontUnavailableError(RuntimeError):
    """No TrueType face able to print Chinese was found; documents cannot be laid out."""


@dataclass(frozen=True)
class DocumentFont:
    """The face documents are set in, as registered with reportlab."""

    name: str  # reportlab font name; also the PDF base font (subset-prefixed on embedding)
    path: Path
    subfont_index: int


def _font_name(path: Path, index: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "", path.stem) or "Font"
    return f"DocCJK-{stem}-{index}"


def _load(path: Path) -> DocumentFont | None:
    """Register ``path`` (face 0 of a collection) if it is a TrueType face covering CJK."""
    if not path.is_file():
        return None
    name = _font_name(path, 0)
    try:
        font = TTFont(name, str(path), subfontIndex=0)
    except (TTFError, OSError, ValueError, KeyError, IndexError):
        return None
    glyphs = font.face.charToGlyph
    if not all(ord(char) in glyphs for char in "检查笔录页"):
        return None
    pdfmetrics.registerFont(font)
    # <b>/<i> markup maps back to the same face: there is no bold CJK face to embed.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return DocumentFont(name=name, path=path, subfont_index=0)


def find_document_font(
    shipped: Path | None = None, system: Sequence[str | Path] | None = None
) -> DocumentFont:
    """Register the first usable face: the shipped one, else a system one.

    Raises:
        FontUnavailableError: neither the shipped font nor any system CJK TrueType face works.
    """
    candidates: Iterable[Path] = [
        shipped if shipped is not None else resource_path(*SHIPPED_FONT),
        *(Path(item) for item in (SYSTEM_FONTS if system is None else system)),
    ]
    for path in candidates:
        loaded = _load(path)
        if loaded is not None:
            return loaded
    raise FontUnavailableError(
        _(
            "No font able to print Chinese was found: the application's font file "
            "{path} is missing and no system Chinese TrueType font is installed. "
            "Reinstall the application."
        ).format(path=resource_path(*SHIPPED_FONT))
    )


@functools.cache
def document_font() -> DocumentFont:
    """The face of this process's documents, registered once (parsing it takes a while).

    Raises:
        FontUnavailableError: no usable face (the failure is not cached: a retry looks again).
    """
    return find_document_font()


def has_glyph(font: DocumentFont, char: str) -> bool:
    """Whether the face can draw ``char`` (e.g. ☑ is missing from WenQuanYi)."""
    registered = pdfmetrics.getFont(font.name)
    return ord(char) in registered.face.charToGlyph
