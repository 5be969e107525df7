"""The application log: scrubbed records (no names, no ID numbers), private files."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from inspector_app.progress import Progress
from ui import error_report, workers
from ui.workers import Operation, TaskManager

NAME = "张三"
ID_NUMBER = "110105199001011234"


def _parse_row(value: str) -> None:
    raise ValueError(f"invalid value '{value}'")


def _all_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record as the file handler would write it (a traceback of exc_info included)."""
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


@pytest.mark.parametrize("log", [error_report.log_error, error_report.report])
def test_logged_errors_keep_type_and_frames_but_mask_names(
    log: Callable[[BaseException], None],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(error_report, "_bridge", [])  # no dialog, the log only
    caplog.set_level(logging.INFO)
    try:
        _parse_row(NAME)
    except ValueError as exc:
        log(exc)
    text = _all_logged(caplog)
    assert all(record.exc_info is None for record in caplog.records)
    assert "ValueError: invalid value '***'" in text
    assert f'File "{__file__}"' in text and "in _parse_row" in text
    assert "raise ValueError" not in text  # no source lines
    assert NAME not in text


def test_logged_sql_errors_lose_their_parameters(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from sqlalchemy.exc import IntegrityError

    monkeypatch.setattr(error_report, "_bridge", [])
    caplog.set_level(logging.INFO)
    error = IntegrityError(
        "INSERT INTO claim (patient_name, birth_date) VALUES (?, ?)",
        ("Zhang San", "1990-01-01"),
        sqlite3.IntegrityError("UNIQUE constraint failed: claim.patient_id_no"),
    )
    error_report.report(error)
    text = _all_logged(caplog)
    assert "sqlalchemy.exc.IntegrityError" in text
    assert "[SQL: INSERT INTO claim (patient_name, birth_date) VALUES (?, ?)]" in text
    assert "Zhang San" not in text and "1990" not in text


def test_the_default_failure_handler_logs_scrubbed(
    qtbot: QtBot,
    tasks: TaskManager,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As before error_report.install() has run (tests, or a failure during start-up).
    monkeypatch.setattr(workers, "_default_failure", [workers._log_failure])
    caplog.set_level(logging.INFO)

    def work(_progress: Progress) -> None:
        raise ValueError(f"patient '{NAME}' with ID {ID_NUMBER} not found")

    operation = Operation(work).run_in_background(tasks)
    qtbot.waitUntil(lambda: operation.finished, timeout=5000)
    text = _all_logged(caplog)
    assert "background work failed" in text and "ValueError" in text
    assert all(record.exc_info is None for record in caplog.records)
    assert NAME not in text and ID_NUMBER not in text


# ----------------------------------------------------------------------- permissions


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The log folder in ``tmp_path``, under a permissive umask; the root handler removed."""
    folder = tmp_path / "data" / "logs"
    monkeypatch.setattr(error_report, "log_folder", lambda: folder)
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    umask = os.umask(0o022)
    try:
        yield folder
    finally:
        os.umask(umask)
        for handler in root.handlers:
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _file_handler() -> error_report.RotatingFileHandler:
    found = [
        h for h in logging.getLogger().handlers if isinstance(h, error_report.RotatingFileHandler)
    ]
    assert len(found) == 1
    return found[0]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_log_and_its_folder_are_private(log_folder: Path) -> None:
    path = error_report.setup_logging()
    logging.getLogger("ui.test").warning("profile opened in /home/inspector/profile")
    assert path.parent == log_folder
    assert _mode(log_folder) == 0o700
    assert _mode(path) == 0o600
    _file_handler().doRollover()
    logging.getLogger("ui.test").warning("after rotation")
    assert _mode(path) == 0o600
    assert _mode(log_folder / (error_report.LOG_NAME + ".1")) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_logs_left_readable_by_an_older_version_become_private(log_folder: Path) -> None:
    log_folder.mkdir(parents=True, mode=0o755)
    log_folder.chmod(0o755)
    old = [log_folder / error_report.LOG_NAME, log_folder / (error_report.LOG_NAME + ".1")]
    for file in old:
        file.write_text("old entries\n", encoding="utf-8")
        file.chmod(0o644)
    error_report.setup_logging()
    assert _mode(log_folder) == 0o700
    assert [_mode(file) for file in old] == [0o600, 0o600]
