"""The medical-file checks of a record review, read from ``resources/review/``.

What an inspector verifies in the medical file depends on the visit type (bed days only
for stays, an outpatient record only for visits); the list is data, bilingual, so it can be
extended without code. Answers are ``yes``, ``no`` or ``n/a``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from inspector_app.i18n import _, current_language
from inspector_app.resources import resource_path

ANSWERS = ("yes", "no", "n/a")
DEFAULT_VISIT_TYPE = "*"


class ChecksError(ValueError):
    """The checks file is missing or malformed."""


@dataclass(frozen=True)
class MedicalFileCheck:
    """One thing to verify in the medical file, in both shipped languages."""

    key: str
    titles: dict[str, str]
    details: dict[str, str]

    def title(self) -> str:
        """The check's name in the active language."""
        return _pick(self.titles)

    def detail(self) -> str:
        """What exactly to look at, in the active language."""
        return _pick(self.details)


@dataclass(frozen=True)
class CheckList:
    """The checks file: every check, and which apply to which visit type."""

    version: str
    checks: dict[str, MedicalFileCheck]
    by_visit_type: dict[str, tuple[str, ...]]

    def for_visit_type(self, visit_type: str) -> list[MedicalFileCheck]:
        """The checks of a visit type (the default list for an unknown one), in order."""
        keys = self.by_visit_type.get(visit_type, self.by_visit_type[DEFAULT_VISIT_TYPE])
        return [self.checks[key] for key in keys]


def _pick(texts: dict[str, str]) -> str:
    return texts["zh_CN"] if current_language().startswith("zh") else texts["en"]


def checks_path() -> Path:
    """Where the shipped checks live."""
    return resource_path("review", "medical-file-checks.json")


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("zh_CN", "en")
    ):
        raise ChecksError(f"{where}: needs non-empty zh_CN and en texts")
    return {"zh_CN": value["zh_CN"], "en": value["en"]}


def load_checks(path: Path) -> CheckList:
    """Read and check the file at ``path`` (not cached; :func:`check_list` is).

    Raises:
        ChecksError: unreadable, or a list names a check that is not defined.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        raw_checks = document["checks"]
        raw_lists = document["by_visit_type"]
        version = str(document["version"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ChecksError(
            _("The medical-file checks {path} cannot be read.").format(path=path)
        ) from exc
    checks = {
        key: MedicalFileCheck(
            key=key,
            titles=_texts(entry.get("title"), f"checks.{key}.title"),
            details=_texts(entry.get("detail"), f"checks.{key}.detail"),
        )
        for key, entry in raw_checks.items()
    }
    if DEFAULT_VISIT_TYPE not in raw_lists:
        raise ChecksError("by_visit_type: needs a default list under '*'")
    lists: dict[str, tuple[str, ...]] = {}
    for visit_type, keys in raw_lists.items():
        unknown = [key for key in keys if key not in checks]
        if unknown or len(set(keys)) != len(keys):
            raise ChecksError(f"by_visit_type.{visit_type}: unknown or repeated checks {unknown}")
        lists[visit_type] = tuple(keys)
    return CheckList(version=version, checks=checks, by_visit_type=lists)


@lru_cache(maxsize=1)
def check_list() -> CheckList:
    """The shipped checks, loaded on first use."""
    return load_checks(checks_path())
