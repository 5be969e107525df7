"""Money typed by a user ("1,234.56", "¥1234", "１２３４.５元") read into integer fen.

Parsed with :class:`~decimal.Decimal`, never ``float``: 0.1 + 0.2 must stay 30 fen. Full-width
characters (common with Chinese input methods) are folded to ASCII first.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from inspector_app.i18n import _

# Above any plausible single finding (¥10 trillion); guards against a pasted ID number.
MAX_FEN = 10**15
_AMOUNT = re.compile(r"^\d+(?:\.\d{1,2})?$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$")


def parse_amount(text: str) -> int:
    """``"1,234.56"`` → 123456 fen; blank → 0.

    Raises:
        ValueError: not an amount of yuan with at most two decimals (message for the user).
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    cleaned = cleaned.removeprefix("¥").removeprefix("CNY").removesuffix("元").strip()
    cleaned = cleaned.replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return 0
    if not (_AMOUNT.match(cleaned) or _GROUPED.match(cleaned)):
        raise ValueError(
            _(
                "“{text}” is not an amount: write yuan with at most two decimals, e.g. 1,234.56."
            ).format(text=text.strip())
        )
    try:
        fen = int(Decimal(cleaned.replace(",", "")) * 100)
    except InvalidOperation as exc:  # pragma: no cover - the patterns admit only decimals
        raise ValueError(_("“{text}” is not an amount.").format(text=text.strip())) from exc
    if fen >= MAX_FEN:
        raise ValueError(_("The amount is too large."))
    return fen


def format_amount_input(fen: int) -> str:
    """Fen written back the way a user types yuan: ``123456`` → ``1,234.56``."""
    yuan, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{yuan:,}.{cents:02d}"
