"""Small checklist template documents for the tests (the shipped ones change; these do not)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inspector_app.checklists.templates import Template, parse_template


def text(zh: str, en: str) -> dict[str, str]:
    """A bilingual text object."""
    return {"zh_CN": zh, "en": en}


def item(
    code: str,
    *,
    question: str | None = None,
    required: bool = True,
    condition: dict[str, Any] | None = None,
    violations: list[str] | None = None,
    severity: str = "medium",
    article: int = 38,
) -> dict[str, Any]:
    """One item document."""
    document: dict[str, Any] = {
        "code": code,
        "question": text(f"问题 {code}", question or f"Question {code}"),
        "guidance": text(f"如何检查 {code}", f"How to check {code}"),
        "legal_basis": [{"source": "regulation", "article": article, "item": 1}],
        "evidence": text("病历", "Medical records"),
        "severity": severity,
        "required": required,
    }
    if condition is not None:
        document["condition"] = condition
    if violations is not None:
        document["violations"] = violations
    return document


def hospital_sections() -> list[dict[str, Any]]:
    """WARD-01..03 (03 asked only when 02 is non-compliant) and BILL-01..02 (02 optional)."""
    return [
        {
            "code": "WARD",
            "title": text("病区", "Wards"),
            "items": [
                item("WARD-01"),
                item("WARD-02", violations=["art38.1"]),
                item(
                    "WARD-03",
                    condition={"item": "WARD-02", "answer_in": ["non_compliant"]},
                ),
            ],
        },
        {
            "code": "BILL",
            "title": text("收费", "Billing"),
            "items": [item("BILL-01"), item("BILL-02", required=False)],
        },
    ]


def document(
    code: str = "test_hospital",
    version: str = "2026.1",
    sections: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A whole template document."""
    return {
        "schema_version": 1,
        "code": code,
        "version": version,
        "title": text(f"测试模板 {code}", f"Test template {code}"),
        "applies_to": ["hospital"],
        "sections": hospital_sections() if sections is None else sections,
        **extra,
    }


def dumps(doc: dict[str, Any]) -> str:
    """The document as template text."""
    return json.dumps(doc, ensure_ascii=False, indent=2)


def write(folder: Path, doc: dict[str, Any], name: str | None = None) -> Path:
    """Write ``doc`` as ``<code>-<version>.json`` (or ``name``) into ``folder``."""
    path = folder / (name or f"{doc['code']}-{doc['version']}.json")
    path.write_text(dumps(doc), encoding="utf-8")
    return path


def template(doc: dict[str, Any] | None = None) -> Template:
    """The parsed template of ``doc`` (default: the hospital fixture)."""
    doc = doc or document()
    return parse_template(dumps(doc), f"{doc['code']}-{doc['version']}.json")
