"""`inspector evidence …`: verify's exit codes, add, list and export, in-process."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from inspector_app.cli.main import main
from inspector_app.evidence.store import blob_path
from inspector_app.profiles import OpenProfile, unlock_profile
from tests.conftest import TEST_PASSWORD
from tests.unit.evidence.conftest import CASE_NUMBER


@pytest.fixture
def cli_profile(profile: OpenProfile, case_id: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The profile folder with one case, closed so the CLI opens it itself."""
    profile.close()
    monkeypatch.setenv("INSPECTOR_PASSWORD", TEST_PASSWORD)
    return profile.path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", "evidence", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_verify_export_and_detect_a_flipped_byte(
    cli_profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = tmp_path / "排班表.jpg"
    original.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    code, out, err = _run(
        capsys, "add", CASE_NUMBER, str(original), "--profile", str(cli_profile),
        "--kind", "photo", "--caption", "排班表", "--supports-item", "HD-01", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    evidence_id = out.split()[2]
    code, out, _err = _run(capsys, "list", CASE_NUMBER, "--profile", str(cli_profile))
    assert code == 0 and evidence_id in out and "排班表" in out
    code, out, _err = _run(capsys, "verify", CASE_NUMBER, "--profile", str(cli_profile))
    assert code == 0 and out.strip().endswith("intact")
    exported = tmp_path / "copy.jpg"
    code, _out, err = _run(
        capsys, "export", evidence_id, "--out", str(exported), "--profile", str(cli_profile)
    )
    assert code == 0, err
    assert exported.read_bytes() == original.read_bytes()

    profile = unlock_profile(path=cli_profile, password=TEST_PASSWORD)
    sha256 = hashlib.sha256(original.read_bytes()).hexdigest()
    path = blob_path(profile, sha256)
    profile.close()
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x80
    path.write_bytes(bytes(data))
    code, out, _err = _run(capsys, "verify", CASE_NUMBER, "--profile", str(cli_profile))
    assert code == 1
    assert "broken: 1 problem" in out
    assert evidence_id in out and "排班表" in out and path.name in out


def test_verify_of_an_unknown_case_fails_clearly(
    cli_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _run(capsys, "verify", "AJ-1999-999", "--profile", str(cli_profile))
    assert code == 1
    assert "No case file AJ-1999-999" in err and "Traceback" not in err


def test_export_refuses_to_overwrite(
    cli_profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "x.bin"
    existing.write_bytes(b"keep")
    code, _out, err = _run(
        capsys, "export", "nope", "--out", str(existing), "--profile", str(cli_profile)
    )
    assert code == 1 and "--force" in err and existing.read_bytes() == b"keep"
