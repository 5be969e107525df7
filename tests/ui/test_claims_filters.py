"""Claims filters: codes in words, and a new batch starts from no filter at all."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from inspector_app.profiles import OpenProfile
from inspector_app.vocabulary import visit_type_label
from tests.ui.test_claims_browser import _load
from ui.context import ShellContext
from ui.data.claims_view import ClaimsView


def test_visit_types_read_as_words_and_a_new_batch_clears_every_filter(
    qtbot: QtBot, context: ShellContext, profile: OpenProfile
) -> None:
    first, second = _load(profile), _load(profile)
    view = ClaimsView(context)
    qtbot.addWidget(view)
    view.set_batch(first)
    qtbot.waitUntil(lambda: view.visit_type.count() == 3, timeout=10_000)
    assert view.visit_type.itemText(0) == "All visit types"
    for index in (1, 2):  # each value through the vocabulary (exported words stay as they are)
        value = view.visit_type.itemData(index)
        assert view.visit_type.itemText(index) == visit_type_label(value)
    assert visit_type_label("inpatient") == "Inpatient"
    view.doctor.setText("D001")
    view.search.setText("JS0")
    view.set_batch(second)
    assert view.doctor.text() == "" and view.search.text() == ""
    filtered = view.current_filter()
    assert filtered is not None and not filtered.narrows
    qtbot.waitUntil(lambda: not view.table.lazy_model.fetching, timeout=10_000)
    qtbot.waitUntil(lambda: context.tasks.active_count == 0, timeout=10_000)
