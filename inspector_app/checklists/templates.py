"""Checklist templates as data: load, validate and read one version of a template.

A template is a JSON file ``resources/checklists/templates/<code>-<version>.json`` (see
docs/checklists.md). It is validated on load (:mod:`.validation`) and turned into frozen
dataclasses; ``source_text`` keeps the exact text, because the database stores that text
(and its SHA-256) when a case pins the version, and old cases are read from the stored copy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

from inspector_app.checklists.validation import (
    TemplateError,
    catalogue_codes,
    check_schema,
    check_semantics,
)
from inspector_app.i18n import _, current_language, pgettext
from inspector_app.legal import ArticleRef
from inspector_app.resources import resource_path
from local_db.enums import ChecklistAnswer, InstitutionKind

__all__ = [
    "Condition",
    "Item",
    "LocalText",
    "Section",
    "Severity",
    "Template",
    "TemplateError",
    "load_template",
    "parse_template",
    "shipped_templates",
    "template_for",
]


class Severity(StrEnum):
    """How serious a non-compliant answer to an item usually is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


def severity_label(value: Severity) -> str:
    """The severity in the active language."""
    return {
        Severity.LOW: pgettext("severity", "Low"),
        Severity.MEDIUM: pgettext("severity", "Medium"),
        Severity.HIGH: pgettext("severity", "High"),
        Severity.CRITICAL: pgettext("severity", "Critical"),
    }[value]


@dataclass(frozen=True)
class LocalText:
    """A text written in both languages; :meth:`text` picks the active one."""

    zh_CN: str  # noqa: N815 - the key the template files use
    en: str

    def text(self, language: str | None = None) -> str:
        """The text in ``language`` (default: the active language), Chinese as fallback."""
        language = language or current_language()
        return self.en if language == "en" and self.en else self.zh_CN

    @classmethod
    def from_json(cls, data: dict[str, str] | None) -> LocalText:
        """From ``{"zh_CN": ..., "en": ...}`` (an absent object is empty text)."""
        if data is None:
            return cls("", "")
        return cls(zh_CN=data["zh_CN"], en=data.get("en", ""))


@dataclass(frozen=True)
class Condition:
    """Show an item only when an earlier item's answer is one of ``answer_in``."""

    item: str
    answer_in: frozenset[ChecklistAnswer]

    def holds(self, answer: ChecklistAnswer) -> bool:
        """Whether ``answer`` (of the item the condition refers to) makes the item relevant."""
        return answer in self.answer_in


@dataclass(frozen=True)
class Item:
    """One question of a checklist, with how to check it and what it rests on."""

    code: str
    section: str
    question: LocalText
    guidance: LocalText
    legal_basis: tuple[ArticleRef, ...]
    evidence: LocalText
    severity: Severity
    required: bool
    violations: tuple[str, ...] = ()
    condition: Condition | None = None

    def search_text(self) -> str:
        """Everything a search over items should match, lower-cased, both languages."""
        parts = [self.code]
        for text in (self.question, self.guidance, self.evidence):
            parts += [text.zh_CN, text.en]
        return " ".join(parts).casefold()


@dataclass(frozen=True)
class Section:
    """A group of items (e.g. wards, pharmacy, billing)."""

    code: str
    title: LocalText
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Template:
    """One published version of a checklist template."""

    code: str
    version: str
    title: LocalText
    description: LocalText
    applies_to: tuple[InstitutionKind, ...]
    thematic: bool
    sources: tuple[str, ...]
    changes: str
    sections: tuple[Section, ...]
    source_text: str = field(repr=False, compare=False)
    source_name: str = field(default="", compare=False)

    @property
    def sha256(self) -> str:
        """SHA-256 of the exact UTF-8 text, as stored with a case's pin."""
        return hashlib.sha256(self.source_text.encode("utf-8")).hexdigest()

    @property
    def version_key(self) -> tuple[int, ...]:
        """The version as numbers, for ordering (2026.10 comes after 2026.9)."""
        return version_key(self.version)

    def items(self) -> Iterator[Item]:
        """Every item, in template order."""
        for section in self.sections:
            yield from section.items

    @cached_property
    def items_by_code(self) -> dict[str, Item]:
        """The items by code."""
        return {item.code: item for item in self.items()}

    def item(self, code: str) -> Item:
        """The item ``code``; KeyError when the template has none."""
        return self.items_by_code[code]


def version_key(version: str) -> tuple[int, ...]:
    """``"2026.1"`` → (2026, 1); numeric order, not text order."""
    return tuple(int(part) for part in version.split("."))


def _item(data: dict[str, Any], section: str) -> Item:
    condition = data.get("condition")
    return Item(
        code=data["code"],
        section=section,
        question=LocalText.from_json(data["question"]),
        guidance=LocalText.from_json(data["guidance"]),
        legal_basis=tuple(
            ArticleRef(
                source=ref["source"],
                article=ref["article"],
                item=ref.get("item"),
                note=ref.get("note", ""),
            )
            for ref in data["legal_basis"]
        ),
        evidence=LocalText.from_json(data["evidence"]),
        severity=Severity(data["severity"]),
        required=bool(data["required"]),
        violations=tuple(data.get("violations", ())),
        condition=(
            None
            if condition is None
            else Condition(
                item=condition["item"],
                answer_in=frozenset(ChecklistAnswer(a) for a in condition["answer_in"]),
            )
        ),
    )


def parse_template(
    text: str,
    source_name: str,
    *,
    violation_codes: frozenset[str] | Literal["catalogue"] | None = "catalogue",
) -> Template:
    """Validate ``text`` (a template document) and build the :class:`Template`.

    Args:
        text: the JSON text, kept exactly as given in ``Template.source_text``.
        source_name: how errors name the source (the file name, or "code-version (stored)").
        violation_codes: the catalogue codes ``violations`` may use; by default those of
            ``resources/catalogue/violations.json`` (no check while it is absent); None skips
            the check, for a stored copy that must stay readable whatever the catalogue
            becomes.

    Raises:
        TemplateError: invalid JSON, a schema violation or a semantic error.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            source_name,
            None,
            _("not valid JSON (line {line}, column {column}): {message}").format(
                line=exc.lineno, column=exc.colno, message=exc.msg
            ),
        ) from None
    check_schema(document, source_name)
    codes = catalogue_codes() if violation_codes == "catalogue" else violation_codes
    check_semantics(document, source_name, codes if isinstance(codes, frozenset) else None)
    return Template(
        code=document["code"],
        version=document["version"],
        title=LocalText.from_json(document["title"]),
        description=LocalText.from_json(document.get("description")),
        applies_to=tuple(InstitutionKind(kind) for kind in document["applies_to"]),
        thematic=bool(document.get("thematic", False)),
        sources=tuple(document.get("sources", ())),
        changes=document.get("changes", ""),
        sections=tuple(
            Section(
                code=section["code"],
                title=LocalText.from_json(section["title"]),
                items=tuple(_item(item, section["code"]) for item in section["items"]),
            )
            for section in document["sections"]
        ),
        source_text=text,
        source_name=source_name,
    )


def load_template(path: Path) -> Template:
    """Read and validate the template file ``path``.

    The file name must be ``<code>-<version>.json``: two files can then never claim the same
    version, and a reader finds a version without opening files.

    Raises:
        TemplateError: the file cannot be read, or is not a valid template.
    """
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise TemplateError(
            name, None, _("cannot be read: {error}").format(error=exc.strerror)
        ) from None
    except UnicodeDecodeError:
        raise TemplateError(name, None, _("is not UTF-8 text")) from None
    template = parse_template(text, name)
    expected = f"{template.code}-{template.version}.json"
    if name != expected:
        raise TemplateError(
            name, None, _("the file name should be {expected}").format(expected=expected)
        )
    return template


def templates_dir() -> Path:
    """The folder of the shipped templates."""
    return resource_path("checklists", "templates")


def template_files(folder: Path | None = None) -> list[Path]:
    """The template files of ``folder`` (default: the shipped ones), sorted by name."""
    folder = folder or templates_dir()
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@cache
def shipped_templates() -> tuple[Template, ...]:
    """Every shipped template version, by code then version (read once per process).

    Raises:
        TemplateError: a shipped file is broken (the test suite guarantees none is).
    """
    templates = [load_template(path) for path in template_files()]
    return tuple(sorted(templates, key=lambda t: (t.code, t.version_key)))


def template_for(code: str, version: str) -> Template:
    """The shipped template ``code`` at ``version``.

    Raises:
        LookupError: no such shipped template version.
    """
    for template in shipped_templates():
        if template.code == code and template.version == version:
            return template
    raise LookupError(
        _("No checklist template {code} version {version} is installed.").format(
            code=code, version=version
        )
    )
