"""One catalog for every surface: complete, current with the code, with plural forms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from inspector_app import i18n
from inspector_app.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = resource_path("i18n", "zh_CN", "LC_MESSAGES", "fund_inspector.po")


def _catalog_ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def test_zh_cn_is_complete_and_not_fuzzy() -> None:
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
    ]
    assert untranslated == []


def test_template_is_current_with_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "ngettext:1,2",
            "-k",
            "pgettext:1c,2",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    missing = _catalog_ids(fresh) - _catalog_ids(PO_FILE)
    assert missing == set(), "run `make i18n-update` and translate the new strings"


def test_switching_language_changes_messages_and_notifies() -> None:
    seen: list[str] = []
    i18n.add_listener(seen.append)
    try:
        i18n.set_language("zh_CN")
        chinese = i18n._("No profile found in {path}.")
        i18n.set_language("en")
        english = i18n._("No profile found in {path}.")
    finally:
        i18n.remove_listener(seen.append)
    assert english == "No profile found in {path}."
    assert chinese != english and "{path}" in chinese
    assert seen == ["zh_CN", "en"]


def test_plural_forms_in_english() -> None:
    assert i18n.ngettext("{n} change", "{n} changes", 1) == "{n} change"
    assert i18n.ngettext("{n} change", "{n} changes", 2) == "{n} changes"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        i18n.set_language("xx")
