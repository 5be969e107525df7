"""Parse the text of one cell into the value stored: money in fen, quantities, dates, codes.

Every parser has a fast path for the form HIS exports use almost everywhere (``12.34``,
``2025-03-01 08:30:15``) and a slow path, taken only when the fast one fails, that accepts
the other forms people and spreadsheets produce: thousands separators, full-width digits,
currency signs, negative amounts in parentheses, ``2025/3/1``, ``20250301``,
``2025年3月1日``, Excel serial day numbers. Money never passes through a float: it is
parsed as a decimal and rounded half up to the fen (unit prices are often exported with
four decimals). A value that cannot be used raises :class:`FieldError` with a problem code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from operator import mul
from typing import Any

from inspector_app.settlement_import.fields import (
    FieldKind,
    TargetField,
    normalize_code_value,
)
from inspector_app.settlement_import.problems import FieldError, ProblemCode

Parser = Callable[[str], Any]
# (column, value as read, problem code, facts) of a warning; the row is kept.
WarningSink = list[tuple[str, str, ProblemCode, dict[str, Any]]]

_FEN = Decimal(100)
_ONE = Decimal(1)
_CURRENCY = re.compile(r"(?i)[¥$]|元|rmb|cny")
# Plausible years: placeholder dates such as 0001-01-01 are refused, not stored.
_FIRST_YEAR, _LAST_YEAR = "1850", "2199"
_DATE_TIME = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T|(?<=日))(\d{1,2})\s*[:时]\s*(\d{1,2})\s*分?(?:\s*:?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?")
_SERIAL = re.compile(r"(\d{5})(?:\.(\d+))?")
# Excel's day 0 (its 1900 leap-year bug makes serials from March 1900 count from here).
_EXCEL_EPOCH = datetime(1899, 12, 30)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_ZERO = ord("0") * sum(_ID_WEIGHTS)
_CACHE_LIMIT = 100_000


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def money_fen(text: str) -> int:
    """``text`` (yuan) as integer fen.

    Raises:
        FieldError: blank (``required_missing``) or not an amount (``bad_money``).
    """
    # Fast paths: "12.34" (also "-12.34") is the fen's digits once the point is dropped,
    # "12" is whole yuan; int() refuses anything else, which then takes the slow path.
    if text[-3:-2] == ".":
        try:
            return int(text[:-3] + text[-2:])
        except ValueError:
            pass
    elif "." not in text:
        try:
            return int(text) * 100
        except ValueError:
            pass
    return _money_slow(text)


def _money_slow(text: str) -> int:
    value = _normalized(text)
    if not value:
        raise FieldError(ProblemCode.REQUIRED_MISSING)
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    value = _CURRENCY.sub("", value).replace(",", "").replace(" ", "")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise FieldError(ProblemCode.BAD_MONEY) from None
    if not amount.is_finite():
        raise FieldError(ProblemCode.BAD_MONEY)
    fen = int((amount * _FEN).quantize(_ONE, rounding=ROUND_HALF_UP))
    return -fen if negative else fen


def quantity(text: str) -> float:
    """A quantity (decimals allowed, negative for returns).

    Raises:
        FieldError: blank (``required_missing``) or not a number (``bad_quantity``).
    """
    try:
        value = float(text)
    except ValueError:
        return _quantity_slow(text)
    if value - value != 0:  # NaN or infinite
        raise FieldError(ProblemCode.BAD_QUANTITY)
    return value


def _quantity_slow(text: str) -> float:
    value = _normalized(text).replace(",", "")
    if not value:
        raise FieldError(ProblemCode.REQUIRED_MISSING)
    try:
        number = float(value)
    except ValueError:
        raise FieldError(ProblemCode.BAD_QUANTITY) from None
    if number - number != 0:
        raise FieldError(ProblemCode.BAD_QUANTITY)
    return number


def integer(text: str) -> int:
    """A whole number (``3`` or ``3.0``).

    Raises:
        FieldError: blank or not a whole number.
    """
    try:
        return int(text)
    except ValueError:
        value = _normalized(text)
        if not value:
            raise FieldError(ProblemCode.REQUIRED_MISSING) from None
        try:
            number = float(value)
        except ValueError:
            raise FieldError(ProblemCode.BAD_INTEGER) from None
        if not number.is_integer():
            raise FieldError(ProblemCode.BAD_INTEGER) from None
        return int(number)


def _parts(text: str, code: ProblemCode) -> tuple[datetime, bool]:
    """(moment, has a time) of a date or date-time in any accepted form."""
    value = _normalized(text)
    if not value:
        raise FieldError(ProblemCode.REQUIRED_MISSING)
    match = _DATE_TIME.fullmatch(value) or _COMPACT.fullmatch(value)
    try:
        if match is not None:
            year, month, day, hour, minute, second = match.groups()
            if not _FIRST_YEAR <= year <= _LAST_YEAR:
                raise FieldError(code)
            moment = datetime(
                int(year), int(month), int(day),
                int(hour or 0), int(minute or 0), int(second or 0),
            )  # fmt: skip
            return moment, hour is not None
        serial = _SERIAL.fullmatch(value)
        if serial is not None:
            days = float(value)
            moment = _EXCEL_EPOCH + timedelta(days=days)
            if serial.group(2):  # a fraction of a day is a time; round to the second
                moment = _EXCEL_EPOCH + timedelta(seconds=round(days * 86400))
            return moment, serial.group(2) is not None
    except (ValueError, OverflowError):
        raise FieldError(code) from None
    raise FieldError(code)


def iso_date(text: str) -> str:
    """A date as ``YYYY-MM-DD`` (a date-time gives its date).

    Raises:
        FieldError: blank or not a date (``bad_date``).
    """
    if len(text) == 10 and text[4] == "-" and _FIRST_YEAR <= text[:4] <= _LAST_YEAR:
        try:
            date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return text
    moment, _has_time = _parts(text, ProblemCode.BAD_DATE)
    return moment.date().isoformat()


def iso_datetime(text: str) -> str:
    """A moment as ``YYYY-MM-DDTHH:MM:SS``; a bare date stays ``YYYY-MM-DD`` (no made-up time).

    Raises:
        FieldError: blank or not a date (``bad_datetime``).
    """
    if len(text) == 19 and text[4] == "-" and _FIRST_YEAR <= text[:4] <= _LAST_YEAR:
        try:
            datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            # Validated: the only space (if any) is the date/time separator.
            return text.replace(" ", "T")
    moment, has_time = _parts(text, ProblemCode.BAD_DATETIME)
    return moment.isoformat(timespec="seconds") if has_time else moment.date().isoformat()


def id_check_character(first17: str) -> str:
    """The GB 11643-1999 (ISO 7064 MOD 11-2) check character of an ID number's 17 digits.

    ``first17`` must be ASCII digits (the byte values minus ``"0"`` are the digits).
    """
    total = sum(map(mul, first17.encode("ascii"), _ID_WEIGHTS)) - _ID_ZERO
    return _ID_CHECK[total % 11]


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def id_facts(number: str) -> tuple[str, str] | None:
    """(birth date, sex M/F) read from a valid 18-character ID number, else None."""
    if len(number) != 18 or not _ascii_digits(number[:17]):
        return None
    if id_check_character(number[:17]) != number[17]:
        return None
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born.isoformat(), "M" if int(number[16]) % 2 else "F"


class _Counted:
    """Counts unmapped vocabulary values of one field (a bounded number of distinct ones)."""

    LIMIT = 50

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def add(self, value: str) -> None:
        if value in self.values or len(self.values) < self.LIMIT:
            self.values[value] = self.values.get(value, 0) + 1


class _Memo(dict[str, Any]):
    """Parse results by cell text: exports repeat the same dates, prices and codes endlessly.

    A miss parses and remembers (up to ``_CACHE_LIMIT`` texts); errors are not remembered.
    Its bound ``__getitem__`` is the parser, so a hit costs one dictionary lookup.
    """

    __slots__ = ("_parse",)

    def __init__(self, parse: Parser) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, text: str) -> Any:
        value = self._parse(text)
        if len(self) < _CACHE_LIMIT:
            self[text] = value
        return value


def _optional(parse: Parser, default: Any) -> Parser:
    """``parse``, except that a blank cell gives ``default``."""

    def optional(text: str) -> Any:
        if not text or text.isspace():
            return default
        return parse(text)

    return optional


_BASE_PARSERS: dict[FieldKind, Parser] = {
    FieldKind.MONEY: money_fen,
    FieldKind.QUANTITY: quantity,
    FieldKind.INTEGER: integer,
    FieldKind.DATE: iso_date,
    FieldKind.DATETIME: iso_datetime,
}
# Values that repeat enough to be worth remembering (a moment to the second rarely does).
_MEMO_KINDS = frozenset({FieldKind.MONEY, FieldKind.QUANTITY, FieldKind.DATE})


def make_parser(
    target: TargetField, *, column: str, warnings: WarningSink, unmapped: dict[str, _Counted]
) -> Parser:
    """The parser of one mapped column for ``target`` (blank → default unless required).

    Warnings (kept rows) go to ``warnings``; vocabulary values the field does not know are
    kept as written and counted in ``unmapped[target.name]``.
    """
    kind = target.kind
    if kind is FieldKind.TEXT:
        return _required_text if target.required else str.strip
    if kind is FieldKind.OPTIONAL_TEXT:
        return _optional_text
    if kind is FieldKind.ID_NUMBER:
        return _id_parser(column, warnings)
    if kind is FieldKind.SEX:
        return _sex_parser(target, column, warnings)
    if kind is FieldKind.CODE:
        counted = unmapped.setdefault(target.name, _Counted())
        return _Memo(_code_parser(target, counted)).__getitem__
    parse = _BASE_PARSERS[kind]
    if not target.required:
        parse = _optional(parse, target.default)
    return _Memo(parse).__getitem__ if kind in _MEMO_KINDS else parse


def _required_text(text: str) -> str:
    value = text.strip()
    if not value:
        raise FieldError(ProblemCode.REQUIRED_MISSING)
    return value


def _optional_text(text: str) -> str | None:
    return text.strip() or None


def _id_parser(column: str, warnings: WarningSink) -> Parser:
    def parse(text: str) -> str:
        number = text.strip().upper()
        if not number:
            raise FieldError(ProblemCode.REQUIRED_MISSING)
        if len(number) == 18 and _ascii_digits(number[:17]):
            expected = id_check_character(number[:17])
            if number[17] != expected:
                warnings.append((column, text, ProblemCode.ID_CHECK_DIGIT, {"expected": expected}))
        return number

    return parse


def _sex_parser(target: TargetField, column: str, warnings: WarningSink) -> Parser:
    vocabulary = target.vocabulary
    known = dict(vocabulary)

    def parse(text: str) -> str:
        code = known.get(text)
        if code is not None:
            return code
        code = vocabulary.get(normalize_code_value(text))
        if code is not None:
            if len(known) < _CACHE_LIMIT:
                known[text] = code
            return code
        warnings.append((column, text, ProblemCode.UNKNOWN_SEX, {}))
        return ""

    return parse


def _code_parser(target: TargetField, counted: _Counted) -> Parser:
    """Vocabulary lookup; unknown values are kept as written (and counted once per text:
    the memo in front of this parser remembers them)."""
    vocabulary, default = target.vocabulary, target.default

    def parse(text: str) -> Any:
        value = text.strip()
        if not value:
            return default
        code = vocabulary.get(normalize_code_value(value))
        if code is not None:
            return code
        counted.add(value)
        return value

    return parse


def constant(value: Any) -> Parser:
    """A parser for an unmapped field: always its default."""

    def parse(_text: str) -> Any:
        return value

    return parse


def unmapped_values(unmapped: dict[str, _Counted]) -> dict[str, dict[str, int]]:
    """Vocabulary values kept as written, per field (for the import details)."""
    return {name: dict(counted.values) for name, counted in unmapped.items() if counted.values}
