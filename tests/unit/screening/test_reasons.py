"""Reasons are worded from raw values: money as yuan, codes as labels, nothing lost."""

from __future__ import annotations

import pytest

from inspector_app.screening.reasons import placeholders, render_reason, yuan


def test_money_is_yuan_text_without_floating_point() -> None:
    assert yuan(123456789) == "1,234,567.89"
    assert yuan(5) == "0.05"
    assert yuan(-250) == "-2.50"


def test_derived_values_and_labels() -> None:
    detail = {
        "unit_price_fen": 1100, "quantity": 2.0, "item_level": "grade_3",
        "institution_level": "grade_2", "patient_sex": "F", "max_age": 13, "min_age": None,
    }  # fmt: skip
    text = render_reason(
        "{unit_price_yuan}×{quantity} {item_level}>{institution_level} {patient_sex} "
        "{age_range} {window_days}",
        detail,
        {"window_days": 15},
    )
    assert text == "11.00×2 Grade III>Grade II female patients aged 13 or younger 15"


def test_a_value_the_detail_lacks_stays_visible() -> None:
    assert render_reason("gap {gap_days} days", {}, {}) == "gap {gap_days} days"


def test_placeholders_must_be_plain_names() -> None:
    assert placeholders("{a} and {b_c}") == ["a", "b_c"]
    for bad in ("{}", "{0}", "{a:>3}", "{a!r}", "{a.b}"):
        with pytest.raises(ValueError):
            placeholders(bad)
