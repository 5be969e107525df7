"""Read laid-out PDFs back with poppler's tools, as a reader's viewer would see them."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path


def _run(tool: list[str], pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run([*tool, str(path)], check=True, capture_output=True, text=True).stdout


def text(pdf: bytes, page: int | None = None) -> str:
    """The text of the whole file, or of one 1-based ``page``, in drawing order.

    Drawing order keeps the lines of a table cell together (reading order would interleave
    the columns).
    """
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", *pages, str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def flat(value: str) -> str:
    """``value`` without whitespace: extraction spaces CJK text and wraps lines freely."""
    return re.sub(r"\s+", "", value)


def fonts(pdf: bytes) -> list[dict[str, str]]:
    """``pdffonts`` rows: name, type, emb, sub."""
    lines = _run(["pdffonts"], pdf).splitlines()[2:]
    rows = []
    for line in lines:
        # name type encoding emb sub uni object-id gen; the type may hold a space
        match = re.match(
            r"^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line
        )
        assert match, line
        rows.append({"name": match[1], "type": match[2], "emb": match[4], "sub": match[5]})
    return rows


def images(pdf: bytes) -> list[dict[str, str]]:
    """``pdfimages -list`` rows: page, type (image/smask), width, height, enc."""
    rows = []
    for line in _run(["pdfimages", "-list"], pdf).splitlines()[2:]:
        cells = line.split()
        rows.append(
            {
                "page": cells[0],
                "type": cells[2],
                "width": cells[3],
                "height": cells[4],
                "enc": cells[8],
            }
        )
    return rows


def word_boxes(pdf: bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    """Words of a 1-based page with their boxes (xMin, yMin, xMax, yMax; origin top left)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        html = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        (m[5], float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in pattern.finditer(html)
    ]
