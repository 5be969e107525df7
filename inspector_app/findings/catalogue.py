"""The violation catalogue: Order 735's list of violations (Art. 38-41) plus "data quality".

The catalogue is data (``resources/catalogue/violations.json``), validated once against its
JSON Schema (draft 2020-12) and cached. Besides the schema, the loader checks what a schema
cannot: codes are unique, each ``artNN.M`` code agrees with its article and item, and each
article sits in its group (Art. 38 irregular use, 39 management duties, 40 fraud, 41 insured
persons), so a mistyped entry cannot turn fraud into irregular use unnoticed.
"""

from __future__ import annotations

import gettext as _gettext
import importlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from inspector_app.i18n import DOMAIN, LANGUAGES, _, catalog_dir, current_language, pgettext
from inspector_app.legal import ArticleRef, chinese_number, format_article, parse_violation_code
from inspector_app.resources import resource_path
from local_db.enums import Handling

DATA_QUALITY = "dq"
FALLBACK_CODE = "art38.7"  # "other violations causing fund loss"
# Display order of the groups: Art. 38, 39, 40, 41, then data quality.
GROUP_ORDER = ("irregular_use", "management_duty", "fraud", "insured_person", "data_quality")
# The source string of inspector_app.legal.source_title("regulation") (same msgid and context).
REGULATION_TITLE = "Regulation on the Supervision of Medical Security Funds"
GROUP_ARTICLE = {"irregular_use": 38, "management_duty": 39, "fraud": 40, "insured_person": 41}


class CatalogueError(ValueError):
    """The catalogue file is missing or does not pass validation; the message lists why."""


@dataclass(frozen=True)
class ViolationType:
    """One entry of the catalogue, with its texts in both shipped languages."""

    code: str
    group: str
    article: int | None
    item: int | None
    titles: dict[str, str]
    descriptions: dict[str, str]
    consequences: dict[str, str]
    handling: tuple[Handling, ...]

    def title(self) -> str:
        """The violation's name in the active language."""
        return _pick(self.titles)

    def description(self) -> str:
        """What the violation covers, in the active language."""
        return _pick(self.descriptions)

    def consequence(self) -> str:
        """What the regulation provides for it, in the active language."""
        return _pick(self.consequences)

    @property
    def is_fraud(self) -> bool:
        """Fraud (骗取, Art. 40), punished more heavily than irregular use (Art. 38)."""
        return self.group == "fraud"

    @property
    def is_violation(self) -> bool:
        """False only for "data quality, not a violation"."""
        return self.group != "data_quality"

    @property
    def article_ref(self) -> ArticleRef | None:
        """The article and item of Order 735; None for data quality."""
        if self.article is None:
            return None
        return ArticleRef("regulation", self.article, self.item)

    def label(self) -> str:
        """``38.1 分解住院、挂床住院`` — the short form used in lists and tables."""
        if self.article is None:
            return self.title()
        number = f"{self.article}.{self.item}" if self.item is not None else str(self.article)
        return f"{number} {self.title()}"


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue: entries in file order, and an index by code."""

    version: str
    entries: tuple[ViolationType, ...]

    def get(self, code: str) -> ViolationType | None:
        """The entry for ``code``, None if the catalogue has no such code."""
        for entry in self.entries:
            if entry.code == code:
                return entry
        return None

    def grouped(self) -> list[tuple[str, list[ViolationType]]]:
        """Entries by group, in the order Art. 38, 39, 40, 41, data quality."""
        return [
            (group, [entry for entry in self.entries if entry.group == group])
            for group in GROUP_ORDER
            if any(entry.group == group for entry in self.entries)
        ]


def _pick(texts: dict[str, str]) -> str:
    return texts["zh_CN"] if current_language().startswith("zh") else texts["en"]


def group_label(group: str) -> str:
    """A group's heading, citing its article (the fraud heading says 骗取 explicitly)."""
    labels = {
        "irregular_use": pgettext("violation group", "Art. 38 — irregular use (institutions)"),
        "management_duty": pgettext("violation group", "Art. 39 — management duties"),
        "fraud": pgettext("violation group", "Art. 40 — fraud (institutions)"),
        "insured_person": pgettext("violation group", "Art. 41 — insured persons"),
        "data_quality": pgettext("violation group", "Data quality, not a violation"),
    }
    return labels.get(group, group)


def catalogue_path() -> Path:
    """Where the shipped catalogue lives."""
    return resource_path("catalogue", "violations.json")


def schema_path() -> Path:
    """The catalogue's JSON Schema."""
    return resource_path("catalogue", "violation-catalogue.schema.json")


def _semantic_errors(entries: list[dict[str, Any]]) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries):
        code, group = entry["code"], entry["group"]
        where = f"entries[{number}] ({code})"
        if code in seen:
            errors.append(f"{where}: duplicate code")
        seen.add(code)
        if code == DATA_QUALITY:
            if group != "data_quality" or entry["article"] is not None:
                errors.append(f"{where}: data quality has group data_quality and no article")
            continue
        ref = parse_violation_code(code)
        if ref is None or (ref.article, ref.item) != (entry["article"], entry["item"]):
            errors.append(f"{where}: code does not match article {entry['article']}")
        elif GROUP_ARTICLE.get(group) != ref.article:
            errors.append(f"{where}: article {ref.article} does not belong to group {group}")
    return errors


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate the catalogue at ``path`` (not cached; :func:`catalogue` is).

    Raises:
        CatalogueError: unreadable file, schema violation or inconsistent entries.
    """
    # Imported by name: the validator is only needed on first load, and no stubs are shipped.
    jsonschema = importlib.import_module("jsonschema")

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        schema = json.loads(schema_path().read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueError(
            _("The violation catalogue {path} cannot be read.").format(path=path)
        ) from exc
    validator = jsonschema.Draft202012Validator(schema)
    errors = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    ]
    if not errors:
        errors = _semantic_errors(document["entries"])
    if errors:
        raise CatalogueError(
            _("The violation catalogue {path} is not valid:").format(path=path)
            + "\n"
            + "\n".join(errors[:20])
        )
    entries = tuple(
        ViolationType(
            code=entry["code"],
            group=entry["group"],
            article=entry["article"],
            item=entry.get("item"),
            titles=dict(entry["title"]),
            descriptions=dict(entry["description"]),
            consequences=dict(entry["consequence"]),
            handling=tuple(Handling(value) for value in entry["handling"]),
        )
        for entry in document["entries"]
    )
    return Catalogue(version=document["version"], entries=entries)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The shipped catalogue, loaded and validated on first use."""
    return load_catalogue(catalogue_path())


class UnknownViolationError(LookupError):
    """A violation code the catalogue does not know."""


def violation(code: str) -> ViolationType:
    """The catalogue entry for ``code``.

    Raises:
        UnknownViolationError: no such code (message for the user).
    """
    entry = catalogue().get(code)
    if entry is None:
        raise UnknownViolationError(
            _("“{code}” is not a violation type of the catalogue.").format(code=code)
        )
    return entry


def grouped() -> list[tuple[str, list[ViolationType]]]:
    """The shipped catalogue's entries by group (Art. 38, 39, 40, 41, data quality)."""
    return catalogue().grouped()


def legal_basis_text(code: str) -> str:
    """The legal basis of a violation type in the active language; "" for data quality."""
    entry = catalogue().get(code)
    ref = entry.article_ref if entry is not None else parse_violation_code(code)
    return format_article(ref) if ref is not None else ""


def legal_basis_renderings(code: str) -> frozenset[str]:
    """``legal_basis_text(code)`` as every shipped language writes it.

    A finding stores its legal basis as text in the language it was saved in; when its
    violation type changes, the old type's article must be recognised in either language.
    """
    ref = parse_violation_code(code)
    if ref is None:
        return frozenset()
    texts = {legal_basis_text(code)}
    for language in LANGUAGES:
        translations = _gettext.translation(
            DOMAIN, catalog_dir(), languages=[language.code], fallback=True
        )
        title = translations.pgettext("law", REGULATION_TITLE)
        if language.code.startswith("zh"):
            text = f"《{title}》第{chinese_number(ref.article)}条"
            text += f"第{chinese_number(ref.item)}项" if ref.item is not None else ""
        else:
            text = f"{title}, Art. {ref.article}"
            text += f"({ref.item})" if ref.item is not None else ""
        texts.add(text)
    return frozenset(texts - {""})
