"""Guess the text encoding of a CSV export from its first megabyte.

Chinese HIS exports are UTF-8 (with or without a byte-order mark) or GBK; Excel's "Unicode
text" is UTF-16 with a mark. GBK is read as GB18030, its superset (every GBK file decodes
identically, and the rare characters GBK lacks do not fail). The order of the checks:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
2. UTF-8 when the sample decodes with almost no errors (its multi-byte structure is so
   strict that GBK text fails it at nearly every character, while a UTF-8 file with a few
   damaged rows still passes);
3. otherwise charset-normalizer's guess, first between GB18030 and Big5 (Big5 bytes also
   decode as GB18030, into nonsense, so a clean GB18030 decode alone proves nothing), then
   over every encoding it knows;
4. GB18030 when nothing fits: damaged rows then become per-row problems.
"""

from __future__ import annotations

import codecs

SAMPLE_BYTES = 1024 * 1024
GUESS_BYTES = 64 * 1024
# Share of decoding errors (per non-ASCII byte) still taken for a few damaged rows.
TOLERATED_ERRORS = 0.02
_ASCII_BYTES = bytes(range(128))
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "hz": "gb18030", "cp936": "gb18030"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def canonical_encoding(name: str) -> str:
    """Python's name for an encoding, GBK and GB2312 widened to GB18030.

    Raises:
        LookupError: Python does not know the encoding.
    """
    codec = codecs.lookup(name).name
    return _SUPERSETS.get(codec, codec)


def _error_share(sample: bytes, encoding: str) -> float:
    non_ascii = len(sample.translate(None, _ASCII_BYTES)) or 1
    text = sample.decode(encoding, errors="replace")
    return text.count("\ufffd") / non_ascii


def _guess(sample: bytes, candidates: list[str] | None) -> str | None:
    import charset_normalizer

    best = charset_normalizer.from_bytes(sample, cp_isolation=candidates).best()
    return None if best is None else canonical_encoding(best.encoding)


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file that starts with ``sample`` (see the module docstring)."""
    for mark, encoding in _BOMS:
        if sample.startswith(mark):
            return encoding
    head = sample[:GUESS_BYTES]
    if sample.count(0) > len(sample) // 10:  # UTF-16 or UTF-32 without a mark
        return _guess(head, ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]) or "utf-16-le"
    if sample.isascii() or _error_share(sample, "utf-8") <= TOLERATED_ERRORS:
        return "utf-8"
    if _error_share(sample, "gb18030") <= TOLERATED_ERRORS:
        return _guess(head, ["gb18030", "big5"]) or "gb18030"
    return _guess(head, None) or "gb18030"


def ascii_compatible(encoding: str) -> bool:
    """True when a line feed byte can only ever mean a line feed (not UTF-16/32).

    Such files can be split at line feeds before decoding, block by block.
    """
    return not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
