"""Keep patient data out of logs, stderr and crash reports (no Qt: the CLI uses it too).

An error raised while handling a claim may carry a patient's name, ID number or phone in
its message, and SQLAlchemy adds the statement's bound parameters to its own. So nothing
prints or logs an exception as is: :func:`describe_exception` keeps the exception types,
the stack's file / line / function (never source lines or local variables) and messages
passed through :func:`scrub_text`, which cuts SQL parameters and masks quoted values, runs
of CJK characters (names), and ID-card, phone and other long numbers.
"""

from __future__ import annotations

import re
import traceback

__all__ = ["describe_exception", "scrub_text", "scrubbed_message", "type_name"]

MASK = "***"

# SQLAlchemy: "[parameters: (...)]" up to its "(Background on this error at: ...)" line, so
# the whole block goes however its values print; without that line, to the end of the line.
_PARAMETERS = re.compile(r"\[parameters: (?:(?s:.*?)(?=\n\(Background on this error at: )|[^\n]*)")
_BACKGROUND = re.compile(r"\n?\(Background on this error at: [^)]*\)")
# Quoted values: '…' and "…" (an apostrophe inside a word, as in "can't", opens nothing),
# “…” and ‘…’; a quote never closed on its line masks the rest of the line.
_QUOTED = (
    re.compile(r"(?<!\w)'(?:[^\n]*?'(?!\w)|[^\n]*)"),
    re.compile(r'"(?:[^"\n]*"|[^\n]*)'),
    re.compile(r"“(?:[^”\n]*”|[^\n]*)"),
    re.compile(r"‘(?:[^’\n]*’|[^\n]*)"),
)
_CJK_CHAR = (
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B-G
)
# A run of CJK characters, with the middle dot of transcribed names (阿依古丽·买买提).
_CJK_RUN = re.compile(f"[{_CJK_CHAR}]+(?:[·•・][{_CJK_CHAR}]+)*")
ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{10,}(?!\d)")


def _mask_quoted(match: re.Match[str]) -> str:
    text = match.group()
    closing = {"'": "'", '"': '"', "“": "”", "‘": "’"}[text[0]]
    closed = len(text) > 1 and text.endswith(closing)
    return text[0] + MASK + (closing if closed else "")


def scrub_text(text: str) -> str:
    """``text`` with SQL parameters cut and quoted values, CJK names and numbers masked."""
    text = _PARAMETERS.sub("[parameters: <removed>]", text)
    text = _BACKGROUND.sub("", text)
    for pattern in _QUOTED:
        text = pattern.sub(_mask_quoted, text)
    text = _CJK_RUN.sub(MASK, text)
    text = ID_NUMBER.sub(r"\1********\2", text)
    text = PHONE.sub(r"\1****\2", text)
    return _LONG_DIGITS.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 3), text)


def type_name(error: BaseException) -> str:
    """``error``'s class, qualified by its module unless it is a built-in."""
    kind = type(error)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def scrubbed_message(error: BaseException) -> str:
    """``str(error)`` through :func:`scrub_text` (a placeholder if ``__str__`` fails)."""
    try:
        text = str(error)
    except Exception:  # a broken __str__ must not hide the original error
        return "<message unavailable>"
    return scrub_text(text)


def describe_exception(error: BaseException) -> str:
    """Types, scrubbed messages and stack frames of ``error`` and its chained causes.

    Laid out like Python's own traceback, minus the source lines::

        Traceback (most recent call last):
          File "/…/claims.py", line 42, in parse_row
        ValueError: invalid value '***'
    """
    return "\n".join(_describe(error, set()))


def _describe(error: BaseException, seen: set[int]) -> list[str]:
    seen.add(id(error))
    lines: list[str] = []
    cause = error.__cause__
    context = None if error.__suppress_context__ else error.__context__
    if cause is not None and id(cause) not in seen:
        lines += _describe(cause, seen)
        lines += ["", "The above exception was the direct cause of the following exception:", ""]
    elif context is not None and id(context) not in seen:
        lines += _describe(context, seen)
        lines += ["", "During handling of the above exception, another exception occurred:", ""]
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        lines.append("Traceback (most recent call last):")
        lines += [
            f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}' for frame in frames
        ]
    message = scrubbed_message(error)
    lines.append(f"{type_name(error)}: {message}" if message else type_name(error))
    for note in getattr(error, "__notes__", None) or []:
        lines.append(scrub_text(str(note)))
    if isinstance(error, BaseExceptionGroup):
        for number, member in enumerate(error.exceptions, start=1):
            lines.append(f"  +---------------- {number} ----------------")
            if id(member) not in seen:
                lines += [f"    {line}" if line else line for line in _describe(member, seen)]
    return lines


def mask_identifier(text: str) -> str:
    """``110101199003071234`` → ``110***********1234``; phones → ``138****5678``.

    Long values keep their first three and last four characters; short ones keep less, and
    four characters or fewer are hidden entirely.
    """
    value = text.strip()
    length = len(value)
    if length == 0:
        return ""
    if length <= 4:
        return "*" * length
    if length < 8:
        return value[0] + "*" * (length - 3) + value[-2:]
    return value[:3] + "*" * (length - 7) + value[-4:]
