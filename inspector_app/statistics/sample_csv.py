"""Reading SAMPLE.csv and STRATA.csv as inspectors export them from Excel or a HIS system.

Files are UTF-8 (with or without the BOM Excel writes) or GB18030 (the superset of GBK that
Chinese Excel saves by default); amounts are yuan with at most two decimals and may carry
thousands separators or a currency sign (``¥1,234.50``), and may be negative (a reversal,
冲销, written ``-25.00`` or with the full-width minus). They are converted to integer fen
without passing through floats. A bad row stops the read with a message naming the file's
line and column, because an extrapolation must never silently drop a reviewed unit.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from inspector_app.i18n import _
from inspector_app.statistics.sample_size import StratumPlan
from inspector_app.statistics.variables import SampleRow, StratumFrame


class CsvInputError(ValueError):
    """A CSV file cannot be read; the message names the file, line and column."""


_SEPARATORS = re.compile(r"[,，\s_']")
_CURRENCY = "¥￥"


def decode(data: bytes, name: str) -> str:
    """Text of ``data``: UTF-8 (BOM or not), else GB18030.

    Raises:
        CsvInputError: neither encoding reads the file.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvInputError(_("{file}: the file is neither UTF-8 nor GB18030 text.").format(file=name))


def parse_amount_fen(text: str) -> int:
    """``"¥1,234.5"`` → 123450 fen; ``"-¥25"``, ``"¥-25"`` and ``"－25"`` → −2500.

    Raises:
        ValueError: not a number, or more than two decimals.
    """
    cleaned = _SEPARATORS.sub("", text.strip()).replace("－", "-")
    sign = ""
    if cleaned and cleaned[0] in "+-":
        sign, cleaned = cleaned[0], cleaned[1:]
    cleaned = sign + cleaned.lstrip(_CURRENCY)
    if not cleaned:
        raise ValueError("empty")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not value.is_finite():
        raise ValueError("not a number")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError("more than two decimals")
    return int(fen)


def parse_count(text: str) -> int:
    """``"1,000,000"`` → 1000000.

    Raises:
        ValueError: not a whole number.
    """
    cleaned = _SEPARATORS.sub("", text.strip())
    if not re.fullmatch(r"[+-]?\d+", cleaned):
        raise ValueError("not a whole number")
    return int(cleaned)


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row by lower-case column name) for each non-blank data line."""
    name = path.name
    try:
        text = decode(path.read_bytes(), name)
    except OSError as exc:
        raise CsvInputError(
            _("{file}: cannot be read ({reason}).").format(file=name, reason=exc.strerror)
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            missing = [column for column in required if column not in header]
            if missing:
                raise CsvInputError(
                    _("{file}: missing column(s) {columns}.").format(
                        file=name, columns=", ".join(missing)
                    )
                )
            continue
        if len(row) > len(header):
            raise CsvInputError(
                _("{file} line {line}: more cells than columns.").format(
                    file=name, line=reader.line_num
                )
            )
        cells = [*row, *([""] * (len(header) - len(row)))]
        yield reader.line_num, dict(zip(header, (cell.strip() for cell in cells), strict=True))
    if header is None:
        raise CsvInputError(_("{file}: the file is empty.").format(file=name))


def _bad(name: str, line: int, column: str, value: str, problem: str) -> CsvInputError:
    return CsvInputError(
        _("{file} line {line}, column {column}: {value!r} {problem}.").format(
            file=name, line=line, column=column, value=value, problem=problem
        )
    )


def _amount(name: str, line: int, row: dict[str, str], column: str) -> int:
    value = row.get(column, "")
    try:
        fen = parse_amount_fen(value)
    except ValueError as exc:
        problem = (
            _("has more than two decimals")
            if str(exc) == "more than two decimals"
            else _("is not an amount")
        )
        raise _bad(name, line, column, value, problem) from exc
    return fen  # negative amounts are reversals (冲销); the estimators accept them


def _count(name: str, line: int, row: dict[str, str], column: str) -> int:
    value = row.get(column, "")
    try:
        count = parse_count(value)
    except ValueError as exc:
        raise _bad(name, line, column, value, _("is not a whole number")) from exc
    if count < 1:
        raise _bad(name, line, column, value, _("must be positive"))
    return count


def _number(name: str, line: int, row: dict[str, str], column: str) -> float:
    value = row.get(column, "")
    try:
        return float(_SEPARATORS.sub("", value).lstrip(_CURRENCY))
    except ValueError as exc:
        raise _bad(name, line, column, value, _("is not a number")) from exc


def read_sample(path: Path) -> list[SampleRow]:
    """SAMPLE.csv: ``id``, ``examined``, ``audited`` and optionally ``stratum``.

    Raises:
        CsvInputError: unreadable file, missing column, bad amount, empty or repeated id.
    """
    rows: list[SampleRow] = []
    lines: dict[str, int] = {}
    for line, row in _rows(path, ("id", "examined", "audited")):
        unit = row["id"]
        if not unit:
            raise _bad(path.name, line, "id", unit, _("is empty"))
        if unit in lines:
            raise CsvInputError(
                _("{file} line {line}: id {id} already appears on line {first}.").format(
                    file=path.name, line=line, id=unit, first=lines[unit]
                )
            )
        lines[unit] = line
        rows.append(
            SampleRow(
                id=unit,
                examined_fen=_amount(path.name, line, row, "examined"),
                audited_fen=_amount(path.name, line, row, "audited"),
                stratum=row.get("stratum", ""),
            )
        )
    return rows


def read_strata(path: Path) -> list[StratumFrame]:
    """STRATA.csv: ``stratum``, ``frame_size`` and optionally ``frame_examined`` (yuan).

    Raises:
        CsvInputError: unreadable file, missing column, bad size or amount, repeated stratum.
    """
    strata: list[StratumFrame] = []
    seen: set[str] = set()
    for line, row in _rows(path, ("stratum", "frame_size")):
        label = row["stratum"]
        if not label or label in seen:
            raise _bad(path.name, line, "stratum", label, _("is empty or repeated"))
        seen.add(label)
        examined = None
        if row.get("frame_examined", ""):
            examined = _amount(path.name, line, row, "frame_examined")
        strata.append(StratumFrame(label, _count(path.name, line, row, "frame_size"), examined))
    return strata


def read_stratum_plans(path: Path) -> list[StratumPlan]:
    """A planning file: ``stratum``, ``frame_size``, ``mean`` and ``sd`` per stratum.

    Raises:
        CsvInputError: unreadable file, missing column, bad number, repeated stratum.
    """
    plans: list[StratumPlan] = []
    seen: set[str] = set()
    for line, row in _rows(path, ("stratum", "frame_size", "mean", "sd")):
        label = row["stratum"]
        if not label or label in seen:
            raise _bad(path.name, line, "stratum", label, _("is empty or repeated"))
        seen.add(label)
        plans.append(
            StratumPlan(
                label,
                _count(path.name, line, row, "frame_size"),
                _number(path.name, line, row, "mean"),
                _number(path.name, line, row, "sd"),
            )
        )
    return plans
