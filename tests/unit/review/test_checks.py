"""The medical-file checks: shipped data, bilingual, chosen by visit type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector_app import i18n
from inspector_app.review.checks import ChecksError, check_list, checks_path, load_checks


def test_the_shipped_checks_cover_stays_and_visits() -> None:
    checks = check_list()
    inpatient = [c.key for c in checks.for_visit_type("inpatient")]
    outpatient = [c.key for c in checks.for_visit_type("outpatient")]
    assert "nursing_bed_days" in inpatient and "nursing_bed_days" not in outpatient
    assert "admission_discharge_record" in inpatient and "outpatient_record" in outpatient
    for key in (
        "patient_identity",
        "orders_match_billing",
        "prescriptions_signed",
        "test_reports_exist",
        "consumable_labels_kept",
        "diagnosis_supports_items",
    ):
        assert key in inpatient and key in outpatient  # fmt: skip
    assert [c.key for c in checks.for_visit_type("pharmacy")] == list(checks.by_visit_type["*"])


def test_every_check_speaks_both_languages() -> None:
    check = check_list().checks["nursing_bed_days"]
    i18n.set_language("zh_CN")
    assert check.title() == "护理记录支持床日" and "挂床" in check.detail()
    i18n.set_language("en")
    assert check.title() == "Nursing records support the bed days"


def test_a_list_naming_an_undefined_check_is_refused(tmp_path: Path) -> None:
    document = json.loads(checks_path().read_text(encoding="utf-8"))
    document["by_visit_type"]["inpatient"].append("missing_check")
    broken = tmp_path / "checks.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ChecksError, match="missing_check"):
        load_checks(broken)
    document["by_visit_type"]["inpatient"].pop()
    document["checks"]["patient_identity"]["title"]["en"] = ""
    broken.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ChecksError, match="patient_identity"):
        load_checks(broken)
    with pytest.raises(ChecksError):
        load_checks(tmp_path / "absent.json")
