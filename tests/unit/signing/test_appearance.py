"""The visible stamp: CJK text embedded and shown by an independent renderer, Latin fallback."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from inspector_app.signing import appearance
from inspector_app.signing.appearance import render_stamp_pdf

from .conftest import LEADER_BOX, SUPERVISOR_BOX


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout


def test_stamp_draws_cjk_text(tmp_path: Path) -> None:
    stamp = tmp_path / "stamp.pdf"
    stamp.write_bytes(
        render_stamp_pdf(
            width=200,
            height=70,
            signer_name="张三",
            signed_at="2026-11-24 08:30:00 +0800",
            lines=["检查组组长"],
        )
    )
    text = _text(stamp)
    for expected in ("Electronic signature", "张三", "2026-11-24 08:30:00 +0800", "检查组组长"):
        assert expected in text
    fonts = subprocess.run(
        ["pdffonts", str(stamp)], capture_output=True, text=True, check=True
    ).stdout
    assert "WenQuanYiMicroHei" in fonts
    assert "Helvetica" not in fonts


@pytest.fixture
def missing_cjk_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    appearance._registered_cjk_font.cache_clear()
    monkeypatch.setattr(appearance, "CJK_FONT_FILE", ("fonts", "no-such-font.ttf"))
    yield
    appearance._registered_cjk_font.cache_clear()


@pytest.mark.usefixtures("missing_cjk_font")
def test_without_the_cjk_font_the_stamp_is_ascii_only(tmp_path: Path) -> None:
    stamp = tmp_path / "stamp.pdf"
    stamp.write_bytes(
        render_stamp_pdf(
            width=200,
            height=70,
            signer_name="张三 Zhang San",
            signed_at="2026-11-24 08:30:00 +0800",
            lines=["检查组组长", "Team leader"],
        )
    )
    text = _text(stamp)
    assert "Digitally signed" in text
    assert "Zhang San" in text
    assert "Team leader" in text
    assert not any("\u4e00" <= char <= "\u9fff" for char in text)


def _stamp_pixels(image: Image.Image, box: tuple[float, float, float, float]) -> tuple[int, int]:
    """(red frame pixels, dark text pixels) inside ``box`` of a page rendered at 72 dpi."""
    x1, y1, x2, y2 = box
    height = image.height
    region = image.crop((int(x1), int(height - y2), int(x2), int(height - y1))).convert("RGB")
    red = dark = 0
    data = region.tobytes()
    for r, g, b in zip(data[0::3], data[1::3], data[2::3], strict=True):
        if r > 150 and g < 90 and b < 90:
            red += 1
        elif r < 90 and g < 90 and b < 90:
            dark += 1
    return red, dark


def test_signed_page_shows_both_stamps(approved_pdf: bytes, tmp_path: Path) -> None:
    signed = tmp_path / "approved.pdf"
    signed.write_bytes(approved_pdf)
    subprocess.run(
        ["pdftoppm", "-f", "2", "-l", "2", "-r", "72", "-png", str(signed), str(tmp_path / "p")],
        check=True,
    )
    [png] = tmp_path.glob("p*.png")
    with Image.open(png) as image:
        for box in (LEADER_BOX, SUPERVISOR_BOX):
            red, dark = _stamp_pixels(image, box)
            assert red > 100  # the frame and heading
            assert dark > 100  # name, time and lines
        empty = _stamp_pixels(image, (72.0, 300.0, 272.0, 370.0))
        assert empty == (0, 0)
