"""The shipped rule file is valid; every kind of bad rule file is refused with where and why."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inspector_app import i18n
from inspector_app.cli.main import EXIT_FAILED, EXIT_OK, main
from inspector_app.screening.kinds import KINDS
from inspector_app.screening.ruleset import (
    ParameterError,
    UnknownRuleError,
    load_ruleset,
    parse_ruleset,
    shipped_ruleset_path,
)
from inspector_app.screening.validation import RuleFileError

Document = dict[str, Any]


@pytest.fixture
def shipped() -> Document:
    document: Document = json.loads(shipped_ruleset_path().read_text(encoding="utf-8"))
    return document


def _rule(document: Document, code: str) -> dict[str, Any]:
    return next(rule for rule in document["rules"] if rule["code"] == code)


def _refused(document: Document) -> RuleFileError:
    with pytest.raises(RuleFileError) as caught:
        parse_ruleset(json.dumps(document, ensure_ascii=False).encode(), "bad.json")
    assert caught.value.file == "bad.json"
    return caught.value


def test_the_shipped_rule_set_is_valid_and_covers_every_kind() -> None:
    ruleset = load_ruleset()
    assert ruleset.version == "2026.1"
    assert len(ruleset.rules) >= 12
    assert {rule.kind for rule in ruleset.rules} == set(KINDS)
    assert len(ruleset.sha256) == 64
    readmission = ruleset.rule("READMISSION")
    assert readmission.defaults()["window_days"] == 15
    assert ruleset.rule("LONG_STAY").defaults()["multiple"] == 3
    assert ruleset.rule("PRESCRIPTION_BURST").defaults() == {"window_seconds": 60, "count": 8}
    for rule in ruleset.rules:
        assert rule.legal_basis and rule.violation.startswith("art")
        assert rule.reason.zh_CN and rule.reason.en and rule.amount_description.en


def _article(code: str) -> int:
    return int(code.removeprefix("art").split(".")[0])


def test_each_rule_cites_one_article_and_names_its_fraud_alternative() -> None:
    """Art. 38 (1–2x fine) and Art. 40 (2–5x) exclude each other: a rule cites the article of
    the violation it suggests; the Art. 40 item for a proven intent to defraud is separate."""
    ruleset = load_ruleset()
    for rule in ruleset.rules:
        assert rule.violation in rule.legal_basis, rule.code
        assert {_article(code) for code in rule.legal_basis} == {_article(rule.violation)}
        if rule.fraud_violation is not None:
            assert _article(rule.violation) == 38 and _article(rule.fraud_violation) == 40
    # Charges dated after the patient left are services not provided: not duplicate or
    # above-standard charging (38(3)); fictitious services (40(3)) once fraud is proven.
    after_discharge = ruleset.rule("AFTER_DISCHARGE")
    assert (after_discharge.violation, after_discharge.legal_basis) == ("art38.7", ("art38.7",))
    assert after_discharge.fraud_violation == "art40.3"
    expected = {
        "READMISSION": ("art38.1", "art40.4"),
        "OVERLAPPING_STAYS": ("art38.3", "art40.3"),
        "TWO_INSTITUTIONS": ("art40.3", None),
        "SEX_ITEM": ("art38.4", "art40.3"),
        "AGE_ITEM": ("art38.4", "art40.3"),
        "TRACE_CODE_REUSE": ("art38.5", "art40.3"),
        "PRESCRIPTION_BURST": ("art40.3", None),
        "AFTER_DEATH": ("art40.3", None),
    }
    for code, (suggested, if_fraud) in expected.items():
        rule = ruleset.rule(code)
        assert (rule.violation, rule.fraud_violation) == (suggested, if_fraud), code
    i18n.set_language("zh_CN")
    assert ruleset.rule("SEX_ITEM").legal_basis_text().endswith("第三十八条第四项")
    alternative = ruleset.rule("SEX_ITEM").fraud_alternative_text()
    assert "第四十条第三项" in alternative and "第三十八条" not in alternative
    assert ruleset.rule("AFTER_DEATH").fraud_alternative_text() == ""


def test_not_json() -> None:
    with pytest.raises(RuleFileError, match="not a JSON document") as caught:
        parse_ruleset(b"{ not json", "broken.json")
    assert caught.value.file == "broken.json" and caught.value.rule is None


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="cannot be read"):
        load_ruleset(tmp_path / "missing.json")


Mutation = Callable[[Document], None]


def _drop_title(d: Document) -> None:
    del _rule(d, "SEX_ITEM")["title"]


def _extra_field(d: Document) -> None:
    _rule(d, "SEX_ITEM")["colour"] = "red"


def _float_default(d: Document) -> None:
    _rule(d, "READMISSION")["parameters"][0]["default"] = 15.5


def _duplicate(d: Document) -> None:
    _rule(d, "AGE_ITEM")["code"] = "SEX_ITEM"


def _unknown_kind(d: Document) -> None:
    _rule(d, "SEX_ITEM")["kind"] = "mind_reading"


def _unknown_violation(d: Document) -> None:
    _rule(d, "SEX_ITEM")["violation"] = "art38.9"


def _unknown_legal_basis(d: Document) -> None:
    _rule(d, "SEX_ITEM")["legal_basis"] = ["art99.1"]


def _mixed_articles(d: Document) -> None:
    _rule(d, "SEX_ITEM")["legal_basis"] = ["art38.4", "art40.3"]


def _basis_without_violation(d: Document) -> None:
    _rule(d, "SEX_ITEM")["legal_basis"] = ["art38.3"]


def _fraud_alternative_not_fraud(d: Document) -> None:
    _rule(d, "SEX_ITEM")["fraud_violation"] = "art38.7"


def _fraud_alternative_of_fraud(d: Document) -> None:
    _rule(d, "PRESCRIPTION_BURST")["fraud_violation"] = "art40.4"


def _missing_parameter(d: Document) -> None:
    _rule(d, "READMISSION")["parameters"].pop(1)


def _extra_parameter(d: Document) -> None:
    extra = copy.deepcopy(_rule(d, "READMISSION")["parameters"][0]) | {"name": "mood"}
    _rule(d, "READMISSION")["parameters"].append(extra)


def _wrong_type(d: Document) -> None:
    parameter = _rule(d, "LONG_STAY")["parameters"][0]
    parameter["type"], parameter["default"] = "boolean", True
    del parameter["minimum"], parameter["maximum"]


def _default_out_of_bounds(d: Document) -> None:
    _rule(d, "READMISSION")["parameters"][0]["default"] = 400


def _bounds_reversed(d: Document) -> None:
    parameter = _rule(d, "READMISSION")["parameters"][0]
    parameter["minimum"], parameter["maximum"] = 90, 1


def _unknown_placeholder(d: Document) -> None:
    _rule(d, "READMISSION")["reason"]["en"] = "Readmitted after {gap_days} days by {nurse}."


def _positional_placeholder(d: Document) -> None:
    _rule(d, "READMISSION")["reason"]["zh_CN"] = "出院{}天后再次入院"


def _formatted_placeholder(d: Document) -> None:
    _rule(d, "READMISSION")["reason"]["en"] = "After {gap_days:03d} days"


def _unsupported_amount(d: Document) -> None:
    _rule(d, "SEX_ITEM")["amount"]["basis"] = "claim_fund"


def _bad_code(d: Document) -> None:
    _rule(d, "SEX_ITEM")["code"] = "sex item"


def _no_rules(d: Document) -> None:
    d["rules"] = []


@pytest.mark.parametrize(
    ("mutate", "rule", "problem"),
    [
        (_drop_title, "SEX_ITEM", "required field “title” is missing"),
        (_extra_field, "SEX_ITEM", "unknown field “colour”"),
        (_float_default, "READMISSION", "should be of type integer"),
        (_duplicate, "SEX_ITEM", "the rule code is used twice"),
        (_unknown_kind, "SEX_ITEM", "kind “mind_reading” is not one the engine implements"),
        (_unknown_violation, "SEX_ITEM", "violation code art38.9 is not in the violation"),
        (_unknown_legal_basis, "SEX_ITEM", "violation code art99.1 is not in the violation"),
        (_mixed_articles, "SEX_ITEM", "cites Art. 40 next to its violation's Art. 38"),
        (_basis_without_violation, "SEX_ITEM", "legal basis does not include art38.4"),
        (_fraud_alternative_not_fraud, "SEX_ITEM", "art38.7 is not an Art. 40 (fraud) violation"),
        (_fraud_alternative_of_fraud, "PRESCRIPTION_BURST", "already suggests Art. 40"),
        (_missing_parameter, "READMISSION", "parameter diagnosis_prefix_length is missing"),
        (_extra_parameter, "READMISSION", "parameter mood is not one the kind readmission reads"),
        (_wrong_type, "LONG_STAY", "parameter multiple must be of type number"),
        (_default_out_of_bounds, "READMISSION", "the default 400 is outside 1–90"),
        (_bounds_reversed, "READMISSION", "the minimum is above the maximum"),
        (_unknown_placeholder, "READMISSION", "uses {nurse}, which the rule does not provide"),
        (_positional_placeholder, "READMISSION", "placeholder that is not a name"),
        (_formatted_placeholder, "READMISSION", "placeholder that is not a name"),
        (_unsupported_amount, "SEX_ITEM", "cannot count the amount as “claim_fund”"),
        (_bad_code, "sex item", "does not have the expected form"),
        (_no_rules, None, "“rules” is empty"),
    ],
)
def test_a_bad_rule_file_names_the_rule_and_the_problem(
    shipped: Document, mutate: Mutation, rule: str | None, problem: str
) -> None:
    mutate(shipped)
    error = _refused(shipped)
    assert error.rule == rule
    assert problem in error.problem
    assert "bad.json" in str(error)


def test_parameter_values_are_checked_against_type_and_bounds() -> None:
    rule = load_ruleset().rule("READMISSION")
    assert rule.resolve({"window_days": "20"})["window_days"] == 20
    with pytest.raises(ParameterError, match="outside 1–90"):
        rule.resolve({"window_days": 400})
    with pytest.raises(ParameterError, match="not a value of type integer"):
        rule.resolve({"window_days": "soon"})
    with pytest.raises(ParameterError, match="no parameter mood"):
        rule.resolve({"mood": 1})
    quantity = load_ruleset().rule("QUANTITY_MISMATCH")
    assert quantity.resolve({"billed_above_only": "yes"})["billed_above_only"] is True
    routine = load_ruleset().rule("STAY_WITHOUT_CARE")
    assert routine.resolve({"routine_prefixes": "0011, 0012"})["routine_prefixes"] == (
        "0011",
        "0012",
    )
    with pytest.raises(UnknownRuleError):
        load_ruleset().select(["NO_SUCH_RULE"])


def test_cli_lists_the_rules_and_refuses_a_bad_file(
    shipped: Document, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "screen", "rules"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert "READMISSION" in listed and "window_days = 15 [1–90]" in listed
    _duplicate(shipped)
    bad = tmp_path / "rules-2099.1.json"
    bad.write_text(json.dumps(shipped, ensure_ascii=False), encoding="utf-8")
    assert main(["--lang", "en", "screen", "rules", "--rules", str(bad)]) == EXIT_FAILED
    error = capsys.readouterr().err
    assert "rules-2099.1.json, rule SEX_ITEM: the rule code is used twice" in error
