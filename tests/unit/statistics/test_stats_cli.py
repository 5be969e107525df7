"""``inspector stats``: the commands an auditor runs on plain files, without a profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main

SAMPLE = (
    "id,examined,audited,stratum\n"
    '1,"1,200.50",1000,A\n2,300,300,A\n3,450.10,0,B\n4,800,700,B\n5,99,9,A\n'
)
STRATA = 'stratum,frame_size,frame_examined\nA,100,"50,000"\nB,80,40000\n'


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", "stats", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _files(tmp_path: Path) -> tuple[Path, Path]:
    sample, strata = tmp_path / "SAMPLE.csv", tmp_path / "STRATA.csv"
    sample.write_text(SAMPLE, encoding="utf-8")
    strata.write_bytes(STRATA.encode("gb18030"))
    return sample, strata


def test_appraise_json_unrestricted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unstratified = tmp_path / "U.csv"
    unstratified.write_text(SAMPLE.replace(",A\n", ",\n").replace(",B\n", ",\n"), encoding="utf-8")
    code, out, err = _run(
        capsys, "appraise", "--input", str(unstratified), "--frame-size", "1,000",
        "--frame-examined", "500,000", "--confidence", "0.90", "--json",
    )  # fmt: skip
    assert code == EXIT_OK, err
    data = json.loads(out)
    assert (data["frame_size"], data["sample_size"]) == (1000, 5)
    difference = data["estimators"]["difference"]
    # Σd = 200.50 + 0 + 450.10 + 100 + 90 = 840.60 yuan; N·d̄ = 1000 · 168.12.
    assert difference["point_estimate"] == 168120.0
    assert difference["distribution"] == {"name": "t", "df": 4}
    assert set(data["estimators"]) == {"difference", "ratio", "mean_per_unit"}


def test_appraise_table_stratified(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample, strata = _files(tmp_path)
    code, out, err = _run(capsys, "appraise", "--input", str(sample), "--strata", str(strata))
    assert code == EXIT_OK, err
    assert "Variable appraisal (stratified)" in out
    assert "Difference by stratum:" in out and "t(2)" in out
    assert "Recovery rule:" in out and "selected" in out


def test_bad_row_exits_1_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "SAMPLE.csv"
    bad.write_text("id,examined,audited\n1,10,5\n2,ten,5\n", encoding="utf-8")
    code, _out, err = _run(capsys, "appraise", "--input", str(bad), "--frame-size", "100")
    assert code == EXIT_FAILED
    assert "line 3" in err and "Traceback" not in err


def test_missing_frame_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample, strata = _files(tmp_path)
    assert _run(capsys, "appraise", "--input", str(sample))[0] == EXIT_USAGE
    code = _run(
        capsys, "appraise", "--input", str(sample), "--strata", str(strata), "--frame-size", "9"
    )[0]
    assert code == EXIT_USAGE
    with pytest.raises(SystemExit) as exited:
        main(["stats", "attribute", "--frame-size", "10", "--sample-size", "5", "--errors", "1",
              "--confidence", "1.5"])  # fmt: skip
    assert exited.value.code == EXIT_USAGE


def test_attribute_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(
        capsys, "attribute", "--frame-size", "300", "--sample-size", "100", "--errors", "45",
        "--confidence", "0.95", "--json",
    )  # fmt: skip
    assert code == EXIT_OK
    data = json.loads(out)
    assert (data["point_estimate"], data["lower"], data["upper"]) == (135.0, 111, 160)


def test_sample_size_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample, _strata = _files(tmp_path)
    code, out, _err = _run(
        capsys, "size", "attribute", "--frame-size", "10000", "--expected-rate", "0.05",
        "--precision", "0.02", "--json",
    )  # fmt: skip
    assert code == EXIT_OK and json.loads(out)["sample_size"] > 0
    code, out, _err = _run(
        capsys, "size", "variable", "--frame-size", "5000", "--precision-percent", "10",
        "--probe", str(sample), "--json",
    )  # fmt: skip
    assert code == EXIT_OK and json.loads(out)["sample_size"] >= 2
    plans = tmp_path / "PLAN.csv"
    plans.write_text(
        "stratum,frame_size,mean,sd\nA,1000,100,50\nB,200,1000,800\n", encoding="utf-8"
    )
    code, out, _err = _run(
        capsys, "size", "stratified", "--strata", str(plans), "--precision-percent", "5"
    )
    assert code == EXIT_OK and "Neyman" in out and "A:" in out
    code, _out, err = _run(
        capsys, "size", "variable", "--frame-size", "5000", "--precision-percent", "10",
        "--error-rate", "0.1",
    )  # fmt: skip
    assert code == EXIT_USAGE and "--reported-mean" in err


def test_a_whole_number_rate_is_a_percent(capsys: pytest.CaptureFixture[str]) -> None:
    """'--expected-rate 1' plans for 1 %, like '0.01' — never for a 100 % error rate."""
    sizes = []
    for rate in ("1", "0.01"):
        code, out, _err = _run(
            capsys, "size", "attribute", "--frame-size", "10000", "--expected-rate", rate,
            "--precision", "0.02", "--json",
        )  # fmt: skip
        assert code == EXIT_OK
        sizes.append(json.loads(out)["sample_size"])
    assert sizes[0] == sizes[1]


def test_appraise_accepts_reversal_claims_and_a_negative_frame_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 冲销 row with −25.00 yuan is appraised (it used to stop the command), and
    ``--frame-examined`` may be negative (a frame of reversals)."""
    sample = tmp_path / "SAMPLE.csv"
    sample.write_text(
        "id,examined,audited\nR1,-25.00,-25.00\nC2,300,200\nC3,120.50,120.50\n", encoding="utf-8"
    )
    code, out, err = _run(
        capsys, "appraise", "--input", str(sample), "--frame-size", "90",
        "--frame-examined", "12,000.00", "--json",
    )  # fmt: skip
    assert code == EXIT_OK, err
    data = json.loads(out)
    assert data["estimators"]["difference"]["point_estimate"] == 3000.0  # 90 · 100 / 3
    assert set(data["estimators"]) == {"difference", "ratio", "mean_per_unit"}
    code, out, err = _run(
        capsys, "appraise", "--input", str(sample), "--frame-size", "90",
        "--frame-examined", "-50.00", "--json",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert json.loads(out)["estimators"]["mean_per_unit"]["point_estimate"] < 0


def test_stratified_size_for_proportional_allocation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = tmp_path / "PLAN.csv"
    plans.write_text(
        "stratum,frame_size,mean,sd\nA1,1000,50,10\nA2,1000,500,1000\n", encoding="utf-8"
    )
    sizes = {}
    for allocation in ("neyman", "proportional"):
        code, out, err = _run(
            capsys, "size", "stratified", "--strata", str(plans), "--precision-percent", "10",
            "--allocation", allocation, "--json",
        )  # fmt: skip
        assert code == EXIT_OK, err
        data = json.loads(out)
        assert data["allocation_method"] == allocation
        sizes[allocation] = data["planned_total"]
    assert sizes["proportional"] > sizes["neyman"]
