"""``inspector settlement``: import, batches, problems, export and mappings from the shell."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from inspector_app.cli.main import main
from inspector_app.profiles import unlock_profile
from tests.conftest import TEST_PASSWORD
from tests.unit.settlement_import.world import (
    CLAIM_HEADERS,
    LINE_HEADERS,
    World,
    claim_row,
    line_row,
    make_world,
    write_csv,
)


@pytest.fixture
def world(profile_dir: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("INSPECTOR_PASSWORD", TEST_PASSWORD)
    profile = unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    try:
        return make_world(profile)
    finally:
        profile.close()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", "settlement", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_list_report_and_export(
    profile_dir: Path, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claims = write_csv(
        tmp_path / "claims.csv", CLAIM_HEADERS,
        [claim_row(n, 结算时间="坏" if n == 3 else "2025-03-05 10:00:00") for n in range(1, 6)],
        encoding="gbk",
    )  # fmt: skip
    lines = write_csv(
        tmp_path / "lines.csv", LINE_HEADERS, [line_row(n, 1) for n in range(1, 6)], encoding="gbk"
    )
    code, out, err = _run(
        capsys, "import", "--profile", str(profile_dir), "--case", world.case_number,
        "--claims", str(claims), "--lines", str(lines), "--source-system", "某HIS 5.0",
        "--query", "住院结算查询 2025-03",
    )  # fmt: skip
    assert code == 0, err
    assert "4 claims, 4 lines" in out
    assert "1 refused" in out and "Recorded as evidence item" in out
    assert "settlement problems" in out
    batch_id = out.split("Imported batch ")[1].split(":")[0]

    code, out, _err = _run(capsys, "batches", "--profile", str(profile_dir))
    assert code == 0 and batch_id in out and "file:claims.csv + lines.csv" in out

    code, out, _err = _run(
        capsys, "problems", "--profile", str(profile_dir), "--batch", batch_id[:13]
    )
    assert code == 0
    assert out.count("\n") == 2  # the claim and its line
    assert "Not a date and time." in out and "was refused (row 4" in out

    report = tmp_path / "problems.csv"
    code, out, _err = _run(
        capsys, "problems", "--profile", str(profile_dir), "--batch", batch_id, "--csv", str(report)
    )
    assert code == 0 and "2 problems written" in out
    with report.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == 3

    folder = tmp_path / "out"
    code, out, _err = _run(
        capsys, "export", "--profile", str(profile_dir), "--batch", batch_id, "--out",
        str(folder), "--encoding", "gbk", "--quiet",
    )  # fmt: skip
    assert code == 0 and "4 claims" in out
    assert (folder / "claims.csv").read_bytes().decode("gb18030").startswith("结算流水号,")


def test_failures_are_one_clear_message(
    profile_dir: Path, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claims = write_csv(tmp_path / "claims.csv", ["甲", "乙"], [["1", "2"]])
    code, _out, err = _run(
        capsys, "import", "--profile", str(profile_dir), "--institution", world.institution_code,
        "--claims", str(claims), "--quiet",
    )  # fmt: skip
    assert code == 1 and "not mapped to a column" in err and "Traceback" not in err
    code, _out, err = _run(
        capsys, "import", "--profile", str(profile_dir), "--case", "AJ-9999",
        "--claims", str(claims),
    )  # fmt: skip
    assert code == 1 and "No case file AJ-9999" in err
    code, _out, err = _run(
        capsys, "import", "--profile", str(profile_dir), "--institution", world.institution_code,
        "--claims", str(tmp_path / "missing.csv"),
    )  # fmt: skip
    assert code == 1 and "missing.csv" in err
    code, _out, err = _run(capsys, "problems", "--profile", str(profile_dir), "--batch", "nope")
    assert code == 1 and "No settlement batch nope" in err


def test_saved_mappings_from_the_shell(
    profile_dir: Path, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = ["LSH", *CLAIM_HEADERS[1:]]
    sample = write_csv(tmp_path / "sample.csv", headers, [claim_row(n) for n in (1, 2)])
    code, out, err = _run(
        capsys, "save-mapping", "--profile", str(profile_dir), "--name", "某HIS", "--role",
        "claims", "--file", str(sample), "--set", "settlement_no=LSH",
    )  # fmt: skip
    assert code == 0, err
    assert "settlement_no ← LSH" in out
    code, out, _err = _run(capsys, "mappings", "--profile", str(profile_dir))
    assert "claims\t某HIS\t" in out
    code, out, _err = _run(
        capsys, "import", "--profile", str(profile_dir), "--institution", world.institution_code,
        "--claims", str(sample), "--mapping", "某HIS", "--quiet",
    )  # fmt: skip
    assert code == 0 and "2 claims" in out
    code, out, _err = _run(
        capsys, "preview", "--file", str(sample), "--role", "claims", "--rows", "1"
    )
    assert code == 1 and "not mapped" in _err  # automatic mapping misses LSH
    code, out, _err = _run(
        capsys, "delete-mapping", "--profile", str(profile_dir), "--name", "某HIS", "--role",
        "claims",
    )  # fmt: skip
    assert code == 0
    code, _out, err = _run(
        capsys, "import", "--profile", str(profile_dir), "--institution", world.institution_code,
        "--claims", str(sample), "--mapping", "某HIS",
    )  # fmt: skip
    assert code == 1 and "No saved mapping" in err


def test_inventory_import_from_the_shell(
    profile_dir: Path, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    purchases = write_csv(
        tmp_path / "p.csv", ["药品编码", "入库日期", "入库数量"], [["XA01", "2025-01-05", "10"]]
    )
    opening = write_csv(
        tmp_path / "o.csv", ["药品编码", "盘点日期", "实盘数量"], [["XA01", "2025-01-01", "3"]]
    )
    code, out, err = _run(
        capsys, "import-inventory", "--profile", str(profile_dir), "--institution",
        world.institution_code, "--purchases", str(purchases), "--opening-stock", str(opening),
        "--quiet",
    )  # fmt: skip
    assert code == 0, err
    assert "2 movements (2025-01-01 to 2025-01-05), 0 rows refused" in out
