"""Documents embed a subset of one CJK TrueType face, fall back to a system one, or say why not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inspector_app.documents import fonts
from inspector_app.documents.fonts import FontUnavailableError, document_font, find_document_font
from inspector_app.documents.model import AnyDocument
from inspector_app.documents.render import render_document
from inspector_app.resources import resource_path
from tests.unit.documents import factory
from tests.unit.documents.conftest import language
from tests.unit.documents.pdf_tools import fonts as pdf_fonts

ZEN_HEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture
def fresh_font() -> Iterator[None]:
    """Forget the process's font before and after the test (it is cached)."""
    document_font.cache_clear()
    yield
    document_font.cache_clear()


@pytest.fixture
def no_shipped_font(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_font: None) -> Path:
    """The application's font file is missing (a packaging mistake)."""
    missing = tmp_path / "fonts" / "WenQuanYiMicroHei.ttf"
    monkeypatch.setattr(fonts, "resource_path", lambda *parts: missing)
    return missing


@pytest.mark.parametrize(
    "build", [factory.notice, factory.onsite, factory.interview, factory.evidence]
)
def test_only_the_embedded_subset_cjk_face_is_in_the_file(build: Callable[[], AnyDocument]) -> None:
    with language("zh_CN"):
        rendered = render_document(build())
    rows = pdf_fonts(rendered.pdf)
    assert rows
    for row in rows:
        assert (row["emb"], row["sub"], row["type"]) == ("yes", "yes", "TrueType"), row
        assert row["name"].split("+", 1)[1] == "WenQuanYiMicroHei"
        assert len(row["name"].split("+", 1)[0]) == 6  # the subset tag


def test_the_shipped_face_comes_first() -> None:
    font = document_font()
    assert font.path == resource_path("fonts", "WenQuanYiMicroHei.ttf")
    assert document_font() is font  # registered once per process
    assert fonts.has_glyph(font, "检") and not fonts.has_glyph(font, "☑")


@pytest.mark.skipif(not ZEN_HEI.is_file(), reason="needs fonts-wqy-zenhei (installed here)")
def test_a_missing_shipped_font_falls_back_to_a_system_face(no_shipped_font: Path) -> None:
    font = document_font()
    assert font.path == ZEN_HEI and font.subfont_index == 0
    rendered = render_document(factory.notice())
    names = {row["name"].split("+", 1)[1] for row in pdf_fonts(rendered.pdf)}
    assert len(names) == 1 and names.pop().startswith("WenQuanYiZenHei")
    assert all(row["emb"] == "yes" for row in pdf_fonts(rendered.pdf))


def test_without_any_cjk_face_layout_stops_with_a_clear_error(
    no_shipped_font: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font at all")
    candidates = [str(tmp_path / "absent.ttc"), str(broken)]
    if DEJAVU.is_file():
        candidates.append(str(DEJAVU))  # TrueType, but no Chinese
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", tuple(candidates))
    with pytest.raises(FontUnavailableError, match=r"WenQuanYiMicroHei\.ttf"):
        render_document(factory.notice())
    with pytest.raises(FontUnavailableError):
        find_document_font(shipped=no_shipped_font, system=[])
