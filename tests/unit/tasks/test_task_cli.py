"""``inspector task list`` and ``inspector task open`` on a real encrypted profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from inspector_app.profiles import OpenProfile
from inspector_app.sealing import new_opening_code
from tests.conftest import TEST_PASSWORD
from tests.unit.tasks.world import TARGET_LEAD, TARGET_NAME, create_sealed, make_world


def test_list_then_open_a_sealed_task(
    profile: OpenProfile,
    profile_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    created = create_sealed(profile, make_world(profile))
    assert created.opening_code is not None
    profile.close()
    monkeypatch.setenv("INSPECTOR_PASSWORD", TEST_PASSWORD)
    base = ["--lang", "en", "task"]

    assert main([*base, "list", "--profile", str(profile_dir)]) == EXIT_OK
    listed = capsys.readouterr().out
    assert created.task_number in listed and "sealed (opened on site)" in listed
    assert TARGET_NAME not in listed

    number = created.task_number
    assert main([*base, "open", number, "--profile", str(profile_dir)]) == EXIT_USAGE
    assert "no opening code" in capsys.readouterr().err
    wrong = ["open", number, "--profile", str(profile_dir), "--code", new_opening_code()]
    assert main([*base, *wrong]) == EXIT_FAILED
    assert "does not open this task" in capsys.readouterr().err

    monkeypatch.setenv("INSPECTOR_OPENING_CODE", created.opening_code)
    assert main([*base, "open", number, "--profile", str(profile_dir), "--location", "门口"]) == 0
    out = capsys.readouterr().out
    assert TARGET_NAME in out and TARGET_LEAD in out and "AJ2026-L001" in out
    assert main([*base, "open", number, "--profile", str(profile_dir)]) == EXIT_FAILED
    assert "already opened" in capsys.readouterr().err
