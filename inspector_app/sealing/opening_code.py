"""Opening codes people can read aloud, type on a laptop and check before argon2 runs.

A code is 16 symbols of Crockford's base32 (no I, L, O, U: nothing to confuse with 1 and 0)
shown as four groups of four, e.g. ``7K3D-QW9M-X2TB-4HPA``: 15 random symbols (75 bits) and a
Luhn mod 32 check symbol, which catches every single mistyped symbol and every swap of two
neighbours except 0 ↔ Z (https://en.wikipedia.org/wiki/Luhn_mod_N_algorithm). A typo is
reported at once instead of after a slow key derivation that would only say "wrong code".
"""

from __future__ import annotations

import secrets

from inspector_app.i18n import _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 15
CODE_SYMBOLS = RANDOM_SYMBOLS + 1
GROUP = 4
# Crockford's decoding rules: read O as 0 and I, L as 1; separators are ignored.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_\t")


class MistypedOpeningCodeError(ValueError):
    """The code is not a well-formed opening code (length, symbol or check symbol)."""


def _luhn_sum(symbols: str, *, double_first: bool) -> int:
    n = len(ALPHABET)
    factor = 2 if double_first else 1
    total = 0
    for symbol in reversed(symbols):
        addend = factor * ALPHABET.index(symbol)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return total


def check_symbol(symbols: str) -> str:
    """The Luhn mod 32 check symbol for ``symbols`` (already normalised)."""
    n = len(ALPHABET)
    return ALPHABET[(n - _luhn_sum(symbols, double_first=True) % n) % n]


def format_opening_code(symbols: str) -> str:
    """``7K3DQW9MX2TB4HPA`` → ``7K3D-QW9M-X2TB-4HPA``."""
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def new_opening_code() -> str:
    """A fresh random opening code, formatted for people."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return format_opening_code(body + check_symbol(body))


def normalise_opening_code(text: str) -> str:
    """The 16 symbols of a typed code, checked; the canonical form the key is derived from.

    Raises:
        MistypedOpeningCodeError: wrong length, a symbol outside the alphabet, or a check
            symbol that does not match (a typo).
    """
    symbols = text.upper().translate(_SEPARATORS).translate(_READ_AS)
    if len(symbols) != CODE_SYMBOLS:
        raise MistypedOpeningCodeError(
            _("An opening code has {n} characters; {typed} were typed.").format(
                n=CODE_SYMBOLS, typed=len(symbols)
            )
        )
    wrong = sorted({symbol for symbol in symbols if symbol not in ALPHABET})
    if wrong:
        raise MistypedOpeningCodeError(
            _("An opening code cannot contain {symbols}.").format(symbols=", ".join(wrong))
        )
    if _luhn_sum(symbols, double_first=False) % len(ALPHABET) != 0:
        raise MistypedOpeningCodeError(
            _("The opening code is mistyped (its check character does not match).")
        )
    return symbols


def is_complete_and_valid(text: str) -> bool:
    """True when ``text`` normalises to a well-formed code (for live feedback while typing)."""
    try:
        normalise_opening_code(text)
    except MistypedOpeningCodeError:
        return False
    return True
