"""Synthetic handwritten signatures for the demo: a flowing pen line seeded by the name.

Nobody's real signature: a smooth random curve, drawn with Pillow on a transparent
background like the signature pad's output, so the demo's documents show ink where people
signed.
"""

from __future__ import annotations

import hashlib
import io
import math

WIDTH, HEIGHT = 360, 120
INK = (20, 33, 61, 255)


def signature_png(name: str) -> bytes:
    """A PNG of a scribble that is always the same for ``name``."""
    from PIL import Image, ImageDraw

    digest = hashlib.sha256(name.encode("utf-8")).digest()
    phases = [b / 255 * 2 * math.pi for b in digest[:8]]
    image = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    loops = 3 + digest[8] % 3
    points = []
    for step in range(241):
        t = step / 240
        x = 20 + t * (WIDTH - 40) + 14 * math.sin(2 * math.pi * loops * t + phases[0])
        y = (
            HEIGHT / 2
            + 26 * math.sin(2 * math.pi * loops * t + phases[1])
            + 10 * math.sin(2 * math.pi * (loops + 2) * t + phases[2])
            - 18 * t
        )
        points.append((x, y))
    draw.line(points, fill=INK, width=4, joint="curve")
    underline = 30 + digest[9] % 40
    draw.line([(underline, HEIGHT - 18), (WIDTH - 30, HEIGHT - 24)], fill=INK, width=3)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
