"""``inspector screen run|flags``: per-rule figures, flag lists and CSV, clear refusals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from inspector_app.profiles import OpenProfile
from tests.conftest import TEST_PASSWORD
from tests.unit.screening.world import GYNAE, Claim, Line, load_claims, make_world

DAY = "2025-03-05"


@pytest.fixture
def batch(profile: OpenProfile, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("INSPECTOR_PASSWORD", TEST_PASSWORD)
    world = make_world(profile)
    claims = [Claim("MAN-1", DAY, lines=[Line(GYNAE, DAY)])]
    return load_claims(profile, world, claims)


def test_run_then_list_and_export_the_flags(
    profile_dir: Path, batch: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--lang", "en", "screen"]
    assert main([*common, "run", "--profile", str(profile_dir), "--batch", batch, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "SEX_ITEM" in out and "12.00" in out
    assert "Total: 1 flags on 1 claims, 12.00 yuan at stake" in out
    listing = ["flags", "--profile", str(profile_dir), "--run", "latest"]
    assert main([*common, *listing]) == EXIT_OK
    out = capsys.readouterr().out
    assert "MAN-1" in out and "unreviewed" in out and "1 of 1 flags shown" in out
    target = tmp_path / "flags.csv"
    assert main([*common, *listing, "--csv", str(target)]) == EXIT_OK
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["rule"], row["settlement number"], row["amount (yuan)"]) for row in rows] == [
        ("SEX_ITEM", "MAN-1", "12.00")
    ]
    assert "patient is male" in rows[0]["reason"]


def test_refusals(profile_dir: Path, batch: str, capsys: pytest.CaptureFixture[str]) -> None:
    run = ["--lang", "en", "screen", "run", "--profile", str(profile_dir)]
    assert main([*run, "--batch", "missing", "--quiet"]) == EXIT_FAILED
    assert "no settlement batch missing" in capsys.readouterr().err
    assert main([*run, "--batch", batch, "--only", "NOPE", "--quiet"]) == EXIT_USAGE
    assert "no rule NOPE" in capsys.readouterr().err
    assert main([*run, "--batch", batch, "--set", "READMISSION.window_days=0"]) == EXIT_USAGE
    assert "outside 1–90" in capsys.readouterr().err
    assert main([*run, "--batch", batch, "--set", "window_days=3"]) == EXIT_USAGE
    flags = ["--lang", "en", "screen", "flags", "--profile", str(profile_dir)]
    assert main([*flags, "--run", "latest"]) == EXIT_FAILED
    assert "no screening run yet" in capsys.readouterr().err
    assert main([*flags, "--run", "latest", "--status", "maybe"]) == EXIT_USAGE
