"""Visibility under conditions, progress per section, open required items (no database)."""

from __future__ import annotations

from inspector_app.checklists.view import ChecklistView, PinnedChecklist, describe_condition
from local_db.enums import ChecklistAnswer
from tests.unit.checklists import factory

C, N, NA = ChecklistAnswer.COMPLIANT, ChecklistAnswer.NON_COMPLIANT, ChecklistAnswer.NOT_APPLICABLE


def _view(answers: dict[str, ChecklistAnswer] | None = None) -> ChecklistView:
    return ChecklistView(
        case_id="case",
        can_record=True,
        institution_kind=None,
        checklists=(PinnedChecklist(factory.template()),),
        answers=answers or {},
        notes={},
    ).derive()


def test_conditional_item_is_hidden_until_the_triggering_answer() -> None:
    view = _view()
    assert "WARD-03" not in view.visible
    assert view.total.visible == 4
    assert view.required_open == ("WARD-01", "WARD-02", "BILL-01")
    shown = view.with_answer("WARD-02", N)
    assert "WARD-03" in shown.visible
    assert shown.required_open == ("WARD-01", "WARD-03", "BILL-01")
    assert shown.progress[("test_hospital", "WARD")].visible == 3


def test_progress_counts_answered_visible_items_per_section() -> None:
    view = _view({"WARD-01": C, "BILL-02": NA})
    assert view.progress[("test_hospital", "WARD")] == (type(view.total)(answered=1, visible=2))
    assert view.progress[("test_hospital", "BILL")].answered == 1
    assert view.total.answered == 2
    assert not view.progress[("test_hospital", "BILL")].complete


def test_answers_to_hidden_items_are_kept_but_not_counted() -> None:
    view = _view({"WARD-02": N, "WARD-03": C})
    assert view.progress[("test_hospital", "WARD")].answered == 2
    hidden = view.with_answer("WARD-02", C)
    assert "WARD-03" not in hidden.visible
    assert hidden.answer("WARD-03") is C  # kept
    assert hidden.progress[("test_hospital", "WARD")].answered == 1  # not counted


def test_chained_condition_hides_with_its_parent() -> None:
    doc = factory.document()
    doc["sections"][0]["items"].append(
        factory.item("WARD-04", condition={"item": "WARD-03", "answer_in": ["non_compliant"]})
    )
    view = ChecklistView(
        case_id="c",
        can_record=True,
        institution_kind=None,
        checklists=(PinnedChecklist(factory.template(doc)),),
        answers={"WARD-02": N, "WARD-03": N},
        notes={},
    ).derive()
    assert {"WARD-03", "WARD-04"} <= view.visible
    assert not {"WARD-03", "WARD-04"} & view.with_answer("WARD-02", C).visible


def test_condition_is_explained() -> None:
    view = _view()
    text = describe_condition(view, view.item("WARD-03"))
    assert "WARD-02" in text and "Question WARD-02" in text and "Non-compliant" in text
    assert describe_condition(view, view.item("WARD-01")) == ""
