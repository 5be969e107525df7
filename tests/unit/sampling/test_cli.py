"""``inspector sample``: draw, show, redraw (exit 0 only on a match) and export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, main
from inspector_app.profiles import unlock_profile
from local_db.models import Claim, SampleDraw
from tests.conftest import TEST_PASSWORD
from tests.unit.sampling.world import World, demo_world, screen

CASE = f"AJ{date.today().year}001"  # the demo numbers cases by the year it is built in


@pytest.fixture
def demo_dir(profile_dir: Path) -> tuple[Path, World, str]:
    profile = unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    try:
        world = demo_world(profile)
        run_id = screen(profile, world.batch_id)
    finally:
        profile.close()
    return profile_dir, world, run_id


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("INSPECTOR_PASSWORD", TEST_PASSWORD)
    return main(["--lang", "en", *args])


def _draw_id(folder: Path) -> str:
    profile = unlock_profile(path=folder, password=TEST_PASSWORD)
    try:
        with profile.read_session() as session:
            return session.query(SampleDraw.id).order_by(SampleDraw.drawn_at.desc()).first()[0]
    finally:
        profile.close()


def test_draw_show_redraw_export(
    demo_dir: tuple[Path, World, str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:  # fmt: skip
    folder, world, _run_id = demo_dir
    code = _run(monkeypatch, "sample", "draw", "--profile", str(folder), "--case", CASE,
                "--method", "stratified", "--strata", "amount", "--allocation", "neyman",
                "--size", "20", "--certainty", "5,000.00", "--seed", "12345")  # fmt: skip
    captured = capsys.readouterr()
    out = captured.out
    assert code == EXIT_OK, captured.err
    assert "Seed: 12345" in out and "certainty" in out
    draw_id = _draw_id(folder)
    assert _run(monkeypatch, "sample", "show", "--profile", str(folder)) == EXIT_OK
    assert draw_id in capsys.readouterr().out
    assert _run(monkeypatch, "sample", "show", "--profile", str(folder), draw_id) == EXIT_OK
    shown = capsys.readouterr().out
    assert "Units (position" in shown and "\tcertainty\t" in shown
    assert _run(monkeypatch, "sample", "redraw", "--profile", str(folder), draw_id) == EXIT_OK
    assert capsys.readouterr().out.startswith("Redraw matches")
    assert _run(monkeypatch, "sample", "export", "--profile", str(folder), draw_id,
                "--out", str(tmp_path / "x")) == EXIT_OK  # fmt: skip
    assert "--strata" in capsys.readouterr().out
    assert (tmp_path / "x" / "SAMPLE.csv").is_file() and (tmp_path / "x" / "STRATA.csv").is_file()
    # Tamper with one claim: redraw reports it and exits non-zero.
    profile = unlock_profile(path=folder, password=TEST_PASSWORD)
    try:
        with profile.session() as session:
            session.execute(update(Claim).where(Claim.batch_id == world.batch_id)
                            .values(fund_fen=Claim.fund_fen + 1))  # fmt: skip
    finally:
        profile.close()
    assert _run(monkeypatch, "sample", "redraw", "--profile", str(folder), draw_id) == EXIT_FAILED
    assert "does NOT match" in capsys.readouterr().out


def test_risk_based_uses_the_newest_screening_run(
    demo_dir: tuple[Path, World, str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    folder, world, run_id = demo_dir
    code = _run(monkeypatch, "sample", "draw", "--profile", str(folder), "--case", world.case_id,
                "--method", "risk_based", "--size", "10", "--cap", "5",
                "--visit-type", "inpatient")  # fmt: skip
    assert code == EXIT_OK, capsys.readouterr()
    draw_id = _draw_id(folder)
    profile = unlock_profile(path=folder, password=TEST_PASSWORD)
    try:
        from inspector_app.sampling import draw_summary

        summary = draw_summary(profile, draw_id)
    finally:
        profile.close()
    assert summary.frame.screening_run_id == run_id and summary.frame.visit_types == ("inpatient",)
    assert summary.sample_size == 15
    assert summary.design["flagged_selection"] == "random"
    flagged = next(s for s in summary.strata if s.label == "flagged")
    assert (flagged.frame_size, flagged.sample_size) == (summary.design["flagged_total"], 5)
    assert summary.frame.exclude_nonpositive and summary.frame.flag_facts is not None


def test_draw_can_keep_claims_the_fund_paid_nothing_or_less(
    demo_dir: tuple[Path, World, str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    folder, world, _run_id = demo_dir
    profile = unlock_profile(path=folder, password=TEST_PASSWORD)
    try:
        with profile.session() as session:
            session.execute(update(Claim).where(Claim.batch_id == world.batch_id,
                                                Claim.visit_type == "outpatient")
                            .values(fund_fen=-Claim.fund_fen))  # fmt: skip
    finally:
        profile.close()
    sizes = []
    for extra in ((), ("--include-nonpositive",)):
        code = _run(monkeypatch, "sample", "draw", "--profile", str(folder), "--case",
                    world.case_id, "--method", "simple_random", "--size", "5", "--seed", "7",
                    *extra)  # fmt: skip
        out = capsys.readouterr().out
        assert code == EXIT_OK
        sizes.append(int(out.split("Frame: ", 1)[1].split(" ", 1)[0]))
    assert 0 < sizes[0] < sizes[1] == 600


def test_errors_are_one_line_and_non_zero(
    demo_dir: tuple[Path, World, str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    folder, _world, _run_id = demo_dir
    assert _run(monkeypatch, "sample", "draw", "--profile", str(folder), "--case", "NOPE",
                "--method", "pps", "--size", "5") == EXIT_FAILED  # fmt: skip
    assert "no case NOPE" in capsys.readouterr().err
    assert _run(monkeypatch, "sample", "draw", "--profile", str(folder), "--case", CASE,
                "--method", "simple_random", "--size", "5000") == EXIT_FAILED  # fmt: skip
    assert "larger than" in capsys.readouterr().err
    assert _run(monkeypatch, "sample", "draw", "--profile", str(folder), "--case", CASE,
                "--method", "simple_random", "--size", "5", "--seed", "-3") == 2  # fmt: skip
    assert _run(monkeypatch, "sample", "redraw", "--profile", str(folder), "missing") == EXIT_FAILED
    assert "No sample draw missing" in capsys.readouterr().err
