"""Loading templates: every shipped one validates; a broken one says file, item and problem."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from inspector_app import i18n
from inspector_app.checklists.templates import (
    LocalText,
    TemplateError,
    load_template,
    parse_template,
    shipped_templates,
    template_files,
    template_for,
    version_key,
)
from local_db.enums import ChecklistAnswer
from tests.unit.checklists import factory


@pytest.mark.parametrize("path", template_files(), ids=lambda p: p.name)
def test_every_shipped_template_validates(path: Path) -> None:
    template = load_template(path)
    assert template.items_by_code
    assert path.name == f"{template.code}-{template.version}.json"


def test_shipped_templates_load_together_and_are_found_by_version() -> None:
    shipped = shipped_templates()
    assert len(shipped) == len(template_files())
    for template in shipped:
        assert template_for(template.code, template.version) is template
    with pytest.raises(LookupError):
        template_for("no_such_template", "2026.1")


def test_fixture_template_parses_into_sections_items_and_conditions() -> None:
    template = factory.template()
    assert [s.code for s in template.sections] == ["WARD", "BILL"]
    ward3 = template.item("WARD-03")
    assert ward3.condition is not None
    assert ward3.condition.item == "WARD-02"
    assert ward3.condition.holds(ChecklistAnswer.NON_COMPLIANT)
    assert not ward3.condition.holds(ChecklistAnswer.COMPLIANT)
    assert template.item("WARD-02").violations == ("art38.1",)
    assert template.item("WARD-01").legal_basis[0].article == 38
    assert not template.item("BILL-02").required
    assert len(template.sha256) == 64


def test_local_text_follows_the_active_language() -> None:
    text = LocalText("病区", "Wards")
    assert text.text() == "Wards"
    i18n.set_language("zh_CN")
    assert text.text() == "病区"
    assert text.text("en") == "Wards"


def test_versions_order_numerically() -> None:
    assert version_key("2026.10") > version_key("2026.9")


def _broken(mutate: Any, name: str = "test_hospital-2026.1.json") -> TemplateError:
    doc = factory.document()
    mutate(doc)
    with pytest.raises(TemplateError) as caught:
        parse_template(factory.dumps(doc), name, violation_codes=frozenset({"art38.1"}))
    return caught.value


def _item(doc: dict[str, Any], section: int, number: int) -> dict[str, Any]:
    item: dict[str, Any] = doc["sections"][section]["items"][number]
    return item


def test_invalid_json_names_the_file_and_the_line() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template('{"code": ,}', "broken-2026.1.json")
    error = caught.value
    assert error.file == "broken-2026.1.json"
    assert error.item is None
    assert "line 1" in str(error)
    assert str(error).startswith("broken-2026.1.json: not valid JSON")


def test_missing_field_names_the_item_and_the_field() -> None:
    error = _broken(lambda d: _item(d, 0, 1).pop("guidance"))
    assert (error.file, error.item) == ("test_hospital-2026.1.json", "WARD-02")
    assert "guidance" in error.problem
    assert str(error) == (
        "test_hospital-2026.1.json, item WARD-02: required field “guidance” is missing"
    )


def test_wrong_value_names_the_item_the_field_and_the_allowed_values() -> None:
    error = _broken(lambda d: _item(d, 1, 0).update(severity="urgent"))
    assert error.item == "BILL-01"
    assert "severity" in error.problem and "urgent" in error.problem and "critical" in error.problem


def test_unknown_field_is_named() -> None:
    error = _broken(lambda d: _item(d, 0, 0).update(remark="x"))
    assert error.item == "WARD-01"
    assert "remark" in error.problem


def test_malformed_item_code_is_located_by_path() -> None:
    error = _broken(lambda d: _item(d, 1, 1).update(code="bill 2"))
    assert error.item == "bill 2"
    assert "code" in error.problem


def test_problem_outside_items_is_located_by_path() -> None:
    error = _broken(lambda d: d["sections"][1]["title"].pop("en"))
    assert error.item == "sections[1]"
    assert "en" in error.problem
    assert "sections[1]" in str(error)


def test_duplicate_item_code() -> None:
    def mutate(doc: dict[str, Any]) -> None:
        _item(doc, 0, 2).update(code="WARD-01")
        _item(doc, 0, 2).pop("condition")

    error = _broken(mutate)
    assert error.item == "WARD-01"
    assert "used twice" in error.problem


def test_item_code_must_start_with_its_section_code() -> None:
    error = _broken(lambda d: _item(d, 1, 1).update(code="WARD-09"))
    assert error.item == "WARD-09"
    assert "BILL-" in error.problem


def test_condition_must_refer_to_an_earlier_item() -> None:
    def mutate(doc: dict[str, Any]) -> None:
        _item(doc, 0, 0)["condition"] = {"item": "WARD-03", "answer_in": ["compliant"]}

    error = _broken(mutate)
    assert str(error) == (
        "test_hospital-2026.1.json, item WARD-01: condition refers to WARD-03, which comes later"
    )


def test_condition_must_refer_to_an_existing_item() -> None:
    error = _broken(lambda d: _item(d, 0, 2)["condition"].update(item="WARD-99"))
    assert error.item == "WARD-03"
    assert "WARD-99" in error.problem and "not in the template" in error.problem


def test_condition_must_not_refer_to_its_own_item() -> None:
    error = _broken(lambda d: _item(d, 0, 2)["condition"].update(item="WARD-03"))
    assert error.item == "WARD-03"
    assert "itself" in error.problem


def test_violation_code_must_be_in_the_catalogue() -> None:
    error = _broken(lambda d: _item(d, 0, 0).update(violations=["art38.7"]))
    assert error.item == "WARD-01"
    assert "art38.7" in error.problem


def test_duplicate_section_code() -> None:
    def mutate(doc: dict[str, Any]) -> None:
        doc["sections"].append(copy.deepcopy(doc["sections"][1]))

    error = _broken(mutate)
    assert error.item == "sections[2]"
    assert "BILL" in error.problem


def test_file_name_must_match_code_and_version(tmp_path: Path) -> None:
    path = factory.write(tmp_path, factory.document(), name="hospital.json")
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert caught.value.file == "hospital.json"
    assert "test_hospital-2026.1.json" in caught.value.problem


def test_errors_are_translated() -> None:
    i18n.set_language("zh_CN")
    error = _broken(lambda d: _item(d, 0, 1).pop("guidance"))
    assert "WARD-02" in str(error)
    assert "test_hospital-2026.1.json" in str(error)
