"""No patient data on stderr: the CLI's catch-all and the scrubbing it shares with the UI."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from inspector_app import privacy
from inspector_app.cli import main as cli

NAME = "张三"
ID_NUMBER = "110105199001011234"
PHONE = "13812345678"


class ClaimImportError(Exception):
    """An exception the CLI has no dedicated handler for."""


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ClaimImportError(f"invalid patient '{NAME}' with ID {ID_NUMBER}"), "ClaimImportError"),
        (KeyError(f"{NAME} {ID_NUMBER}"), "KeyError"),
        (
            IntegrityError(
                "INSERT INTO claim (patient_name, patient_id_no, phone) VALUES (?, ?, ?)",
                (NAME, ID_NUMBER, PHONE),
                sqlite3.IntegrityError("UNIQUE constraint failed: claim.patient_id_no"),
            ),
            "IntegrityError",
        ),
    ],
)
def test_an_unexpected_error_is_one_scrubbed_line_and_exit_1(
    error: BaseException,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    def failing(_args: argparse.Namespace) -> int:
        raise error

    monkeypatch.setattr(cli, "_cmd_profile_show", failing)
    code = cli.main(["--lang", "en", "profile", "show", "--profile", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == cli.EXIT_FAILED
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert kind in lines[0]
    assert "Traceback" not in captured.err
    for secret in (NAME, ID_NUMBER, PHONE, "19900101"):
        assert secret not in captured.err


def test_interrupts_are_not_swallowed_by_the_catch_all(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def interrupted(_args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_cmd_profile_show", interrupted)
    assert cli.main(["--lang", "en", "profile", "show", "--profile", str(tmp_path)]) == (
        cli.EXIT_CANCELLED
    )


# ------------------------------------------------------------------ the scrubbing itself


def test_scrub_masks_quoted_values_in_every_quote_style() -> None:
    text = "bad value 'Zhang San', \"Li Si\", “Wang Wu”, ‘Zhao Liu’; can't parse 'O'Brien'"
    scrubbed = privacy.scrub_text(text)
    for name in ("Zhang San", "Li Si", "Wang Wu", "Zhao Liu", "Brien"):
        assert name not in scrubbed
    assert "can't parse" in scrubbed  # an apostrophe opens no quotation


def test_scrub_masks_an_unclosed_quotation_to_the_end_of_the_line() -> None:
    scrubbed = privacy.scrub_text("value 'Zhang San (truncated\nnext line")
    assert "Zhang" not in scrubbed
    assert scrubbed.endswith("\nnext line")


def test_scrub_masks_cjk_names_and_numbers() -> None:
    scrubbed = privacy.scrub_text(
        f"patient {NAME} / 阿依古丽·买买提, id {ID_NUMBER}, phone {PHONE}, card 1234567890123"
    )
    for secret in (NAME, "阿依古丽", "买买提", ID_NUMBER, PHONE, "1234567890123"):
        assert secret not in scrubbed
    assert "110105********1234" in scrubbed
    assert "138****5678" in scrubbed


def test_scrub_cuts_sql_parameters_whatever_they_hold() -> None:
    text = (
        "(sqlite3.IntegrityError) UNIQUE constraint failed: claim.patient_id_no\n"
        "[SQL: INSERT INTO claim (patient_name, birth_date) VALUES (?, ?)]\n"
        "[parameters: ('x', datetime.date(1990, 1, 1))]\n"
        "(Background on this error at: https://sqlalche.me/e/20/gkpj)"
    )
    scrubbed = privacy.scrub_text(text)
    assert "[SQL: INSERT INTO claim (patient_name, birth_date) VALUES (?, ?)]" in scrubbed
    assert "1990" not in scrubbed and "[parameters: <removed>]" in scrubbed
    assert "sqlalche.me" not in scrubbed


def _parse(value: str) -> None:
    raise ValueError(f"invalid value '{value}'")


def test_describe_keeps_types_and_frames_but_no_data() -> None:
    try:
        try:
            _parse(NAME)
        except ValueError as exc:
            raise RuntimeError(f"row for {ID_NUMBER} rejected") from exc
    except RuntimeError as exc:
        exc.add_note(f"while importing {NAME}")
        described = privacy.describe_exception(exc)
    assert "ValueError: invalid value '***'" in described
    assert "RuntimeError: row for 110105********1234 rejected" in described
    assert "direct cause" in described
    assert f'File "{__file__}"' in described
    assert ", in _parse" in described
    assert "raise ValueError" not in described  # source lines could quote data too
    assert NAME not in described and ID_NUMBER not in described


def test_describe_survives_a_broken_message_and_a_cycle() -> None:
    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    error = Unprintable()
    other = ValueError(NAME)
    error.__context__ = other
    other.__context__ = error
    described = privacy.describe_exception(error)
    assert "Unprintable" in described and NAME not in described
