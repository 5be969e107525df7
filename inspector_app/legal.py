"""How legal bases are written: 《医疗保障基金使用监督管理条例》第三十八条第一项.

Checklist items and the violation catalogue refer to articles as data (source, article,
item); every surface renders them here, in the active language, so the checklist screen, the
finding editor and the documents cite the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector_app.i18n import _, current_language, pgettext

# The regulations a reference may point at (``source`` in templates and the catalogue).
SOURCES = ("regulation", "flying_measures", "penalty_procedure", "agreement", "local")

_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class ArticleRef:
    """A reference to an article (and optionally an item) of one regulation."""

    source: str
    article: int
    item: int | None = None
    note: str = ""


def source_title(source: str) -> str:
    """The regulation's title in the active language."""
    titles = {
        "regulation": pgettext("law", "Regulation on the Supervision of Medical Security Funds"),
        "flying_measures": pgettext("law", "Interim Measures for Flying Inspections"),
        "penalty_procedure": pgettext("law", "Interim Provisions on Penalty Procedure"),
        "agreement": pgettext("law", "Service agreement"),
        "local": pgettext("law", "Local rules"),
    }
    return titles.get(source, source)


def chinese_number(value: int) -> str:
    """1..999 in Chinese numerals as statutes write them (十一, 二十, 一百零五)."""
    if not 0 < value < 1000:
        return str(value)
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    text = ""
    if hundreds:
        text += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            text += "零"
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if units:
        text += _DIGITS[units]
    return text


def format_article(ref: ArticleRef) -> str:
    """``ArticleRef("regulation", 38, 1)`` → 《…条例》第三十八条第一项, or "…, Art. 38(1)"."""
    title = source_title(ref.source)
    if current_language().startswith("zh"):
        text = f"《{title}》第{chinese_number(ref.article)}条"
        if ref.item is not None:
            text += f"第{chinese_number(ref.item)}项"
    else:
        text = _("{title}, Art. {article}").format(title=title, article=ref.article)
        if ref.item is not None:
            text += f"({ref.item})"
    return f"{text}（{ref.note}）" if ref.note else text


def parse_violation_code(code: str) -> ArticleRef | None:
    """``art38.1`` → ArticleRef("regulation", 38, 1); None for ``dq`` (data quality)."""
    if not code.startswith("art") or "." not in code:
        return None
    article, item = code[3:].split(".", 1)
    return ArticleRef("regulation", int(article), int(item))
