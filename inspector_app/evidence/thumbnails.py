"""Small previews of image evidence, made with Pillow so the core and the CLI make them too.

The preview is EXIF-transposed (a phone photo taken upright shows upright), at most
:data:`MAX_SIZE` pixels on its longer side, and saved without any metadata: GPS positions
and camera serial numbers stay only in the encrypted original.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

MAX_SIZE = 320
JPEG_QUALITY = 85
# Refuse to decode absurdly large images just for a preview (decompression bombs).
MAX_PIXELS = 80_000_000


@dataclass(frozen=True)
class Thumbnail:
    """An encoded preview."""

    media_type: str
    width: int
    height: int
    data: bytes


def make_thumbnail(source: Path | bytes, media_type: str) -> Thumbnail | None:
    """A preview of an image, or None when it is not an image Pillow can read."""
    if not media_type.startswith("image/"):
        return None
    from PIL import Image, ImageOps, UnidentifiedImageError

    stream = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((MAX_SIZE, MAX_SIZE))
                has_alpha = upright.mode in {"RGBA", "LA", "PA"} or (
                    upright.mode == "P" and "transparency" in upright.info
                )
                output = io.BytesIO()
                if has_alpha:
                    upright.convert("RGBA").save(output, format="PNG", optimize=True)
                    kind = "image/png"
                else:
                    upright.convert("RGB").save(output, format="JPEG", quality=JPEG_QUALITY)
                    kind = "image/jpeg"
                return Thumbnail(kind, upright.width, upright.height, output.getvalue())
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombWarning):
        return None
    except Image.DecompressionBombError:
        return None
    finally:
        stream.close()
