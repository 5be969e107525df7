"""One catalog for every surface: complete, current with the code, with plural forms."""

from __future__ import annotations

import re
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


PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}")


def test_translations_use_only_the_placeholders_of_their_source() -> None:
    """A translation naming a field its source does not pass crashes ``format`` at run time
    (a stale fuzzy entry once did, in the middle of sealing a demo case)."""
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle)
    wrong = []
    for message in catalog:
        if not message.id or "python-brace-format" not in message.flags:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        allowed = {name for source in sources for name in PLACEHOLDER.findall(source)}
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            if set(PLACEHOLDER.findall(text)) - allowed:
                wrong.append((message.id, text))
    assert wrong == []


def test_language_override_is_per_thread_and_silent() -> None:
    import threading

    heard: list[str] = []
    i18n.add_listener(heard.append)
    seen: list[str] = []
    try:
        i18n.set_language("en")
        with i18n.language_override("zh_CN"):
            assert i18n.current_language() == "zh_CN"
            assert i18n._("Documents") != "Documents"
            other = threading.Thread(target=lambda: seen.append(i18n.current_language()))
            other.start()
            other.join()
        assert i18n.current_language() == "en"
    finally:
        i18n.remove_listener(heard.append)
    assert seen == ["en"]
    assert heard == ["en"]  # only the explicit set_language was announced


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
