"""``inspector checklist validate|list`` report per file and fail on a broken template."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app.cli.main import main
from tests.unit.checklists import factory


def test_validate_reports_each_file_and_fails_on_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = factory.write(tmp_path, factory.document())
    doc = factory.document(code="broken_one")
    doc["sections"][0]["items"][0]["condition"] = {"item": "WARD-02", "answer_in": ["compliant"]}
    bad = factory.write(tmp_path, doc)
    assert main(["--lang", "en", "checklist", "validate", str(good)]) == 0
    assert "OK     test_hospital-2026.1.json (5 items)" in capsys.readouterr().out
    assert main(["--lang", "en", "checklist", "validate", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert (
        "FAILED broken_one-2026.1.json, item WARD-01: condition refers to WARD-02, "
        "which comes later"
    ) in out
    assert "OK     test_hospital-2026.1.json" in out


def test_validate_and_list_the_shipped_templates(capsys: pytest.CaptureFixture[str]) -> None:
    from inspector_app.checklists.templates import template_files

    code = main(["--lang", "en", "checklist", "validate"])
    out = capsys.readouterr().out
    if template_files():
        assert code == 0, out
        assert out.count("OK ") == len(template_files())
    else:
        assert code == 1 and "No checklist templates" in out
    assert main(["--lang", "en", "checklist", "list"]) == 0
