"""Opening codes: readable groups, Crockford reading rules, typos caught by the check symbol."""

from __future__ import annotations

import pytest

from inspector_app.demo.task_specs import DEMO_OPENING_CODE
from inspector_app.sealing.opening_code import (
    ALPHABET,
    MistypedOpeningCodeError,
    new_opening_code,
    normalise_opening_code,
)


def test_new_codes_are_four_groups_of_four_and_valid() -> None:
    codes = {new_opening_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert normalise_opening_code(code) == code.replace("-", "")


def test_reading_rules_accept_what_people_type() -> None:
    canonical = normalise_opening_code(DEMO_OPENING_CODE)
    assert normalise_opening_code("demo f1yt ask2 o26n") == canonical  # O→0, lower case
    assert normalise_opening_code("DEM0FlYTASK2026N") == canonical  # l→1


def test_every_single_typo_and_neighbour_swap_is_caught() -> None:
    code = normalise_opening_code(new_opening_code())
    for position, original in enumerate(code):
        for symbol in ALPHABET:
            if symbol != original:
                typo = code[:position] + symbol + code[position + 1 :]
                with pytest.raises(MistypedOpeningCodeError):
                    normalise_opening_code(typo)
    for position in range(len(code) - 1):
        a, b = code[position], code[position + 1]
        # Luhn mod N's one blind spot: swapping the first and the last symbol (0 ↔ Z).
        if a != b and {a, b} != {"0", "Z"}:
            swapped = code[:position] + b + a + code[position + 2 :]
            with pytest.raises(MistypedOpeningCodeError):
                normalise_opening_code(swapped)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("DEM0-F1YT-ASK2", "16 characters"), ("DEM0-F1YT-ASK2-026U", "cannot contain U")],
)
def test_malformed_codes_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(MistypedOpeningCodeError, match=message):
        normalise_opening_code(typed)
