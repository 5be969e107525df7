"""The violation catalogue: complete, grouped by article, validated, bilingual."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector_app import i18n
from inspector_app.findings.catalogue import (
    CatalogueError,
    UnknownViolationError,
    catalogue,
    grouped,
    legal_basis_text,
    load_catalogue,
    violation,
)
from local_db.enums import Handling
from tests.unit.findings.world import FIXTURE_CATALOGUE

EXPECTED = (
    [f"art38.{i}" for i in range(1, 8)]
    + [f"art39.{i}" for i in range(1, 8)]
    + [f"art40.{i}" for i in range(1, 5)]
    + [f"art41.{i}" for i in range(1, 4)]
    + ["dq"]
)


def test_catalogue_is_complete() -> None:
    assert sorted(entry.code for entry in catalogue().entries) == sorted(EXPECTED)


def test_groups_follow_the_articles_in_order() -> None:
    groups = grouped()
    assert [group for group, _ in groups] == [
        "irregular_use",
        "management_duty",
        "fraud",
        "insured_person",
        "data_quality",
    ]
    articles = {group: {entry.article for entry in entries} for group, entries in groups}
    assert articles == {
        "irregular_use": {38},
        "management_duty": {39},
        "fraud": {40},
        "insured_person": {41},
        "data_quality": {None},
    }
    assert violation("art40.3").is_fraud
    assert not violation("art38.3").is_fraud
    assert not violation("dq").is_violation
    assert violation("dq").handling == ()


def test_texts_follow_the_active_language() -> None:
    entry = violation("art38.1")
    english = entry.title()
    i18n.set_language("zh_CN")
    assert entry.title() != english
    assert "住院" in entry.title()
    assert legal_basis_text("art38.1").endswith("第三十八条第一项")
    assert legal_basis_text("dq") == ""
    i18n.set_language("en")
    assert legal_basis_text("art40.2").endswith("Art. 40(2)")


def test_default_handling_is_typed() -> None:
    assert Handling.RECOVERY in violation("art38.3").handling
    assert all(isinstance(h, Handling) for e in catalogue().entries for h in e.handling)


def test_unknown_code_is_a_lookup_error() -> None:
    with pytest.raises(UnknownViolationError):
        violation("art99.1")


def _write(tmp_path: Path, document: dict[str, object]) -> Path:
    path = tmp_path / "violations.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_schema_violation_is_rejected(tmp_path: Path) -> None:
    document = json.loads(FIXTURE_CATALOGUE.read_text(encoding="utf-8"))
    del document["entries"][0]["title"]["en"]
    with pytest.raises(CatalogueError, match="entries/0/title"):
        load_catalogue(_write(tmp_path, document))


def test_fraud_filed_as_irregular_use_is_rejected(tmp_path: Path) -> None:
    document = json.loads(FIXTURE_CATALOGUE.read_text(encoding="utf-8"))
    fraud = next(e for e in document["entries"] if e["code"] == "art40.1")
    fraud["group"] = "irregular_use"
    with pytest.raises(CatalogueError, match=r"art40\.1"):
        load_catalogue(_write(tmp_path, document))


def test_code_must_match_article(tmp_path: Path) -> None:
    document = json.loads(FIXTURE_CATALOGUE.read_text(encoding="utf-8"))
    document["entries"][1]["item"] = 5
    with pytest.raises(CatalogueError, match="does not match"):
        load_catalogue(_write(tmp_path, document))


def test_duplicate_codes_are_rejected(tmp_path: Path) -> None:
    document = json.loads(FIXTURE_CATALOGUE.read_text(encoding="utf-8"))
    document["entries"].append(document["entries"][0])
    with pytest.raises(CatalogueError, match="duplicate"):
        load_catalogue(_write(tmp_path, document))
