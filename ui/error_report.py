"""Unexpected errors: a short dialog for the user, the details in a log without patient data.

The log keeps the exception type and the stack (file, line, function), never local
variables. Exception messages pass through :func:`scrub` first: SQLAlchemy's bound
parameters are cut off, and ID-card, phone and insurance-card-like numbers are masked,
because an error raised while handling a claim could otherwise carry a patient's identity.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication

from ui import workers

LOG_NAME = "fund-inspector.log"
_log = logging.getLogger("ui.error_report")

_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)
_SQL_PARAMS_TAIL = re.compile(r"\(Background on this error at: [^)]*\)")
_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{10,}(?!\d)")


def scrub(text: str) -> str:
    """``text`` with SQL parameters removed and identity-like numbers masked."""
    text = _PARAMETERS.sub("[parameters: <removed>]", text)
    text = _SQL_PARAMS_TAIL.sub("", text)
    text = _ID_NUMBER.sub(r"\1********\2", text)
    text = _PHONE.sub(r"\1****\2", text)
    return _LONG_DIGITS.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 3), text)


def describe(error: BaseException) -> str:
    """Type, scrubbed message and stack of ``error``, chained causes included, no locals."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return scrub("".join(lines))


def log_folder() -> Path:
    """Where the application log lives (the per-user application data folder)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "logs"


def log_file() -> Path:
    """The current log file."""
    return log_folder() / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Log to a rotating file in :func:`log_folder` (and keep warnings on stderr)."""
    folder = log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    return path


class _ErrorBridge(QObject):
    """Carries errors from any thread to the GUI thread, where the dialog may be shown."""

    raised = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.showing = False

    @Slot(object)
    def _show(self, error: BaseException) -> None:
        if self.showing or QApplication.instance() is None:
            return  # one dialog at a time: a burst of errors is one incident
        from ui.dialogs.error_dialog import ErrorDialog

        self.showing = True
        try:
            ErrorDialog(error, log_file(), QApplication.activeWindow()).exec()
        finally:
            self.showing = False


_bridge: list[_ErrorBridge] = []


def report(error: BaseException) -> None:
    """Log ``error`` (scrubbed) and tell the user, from any thread."""
    _log.error("unexpected error\n%s", describe(error))
    if _bridge:
        _bridge[0].raised.emit(error)


def _excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    report(error.with_traceback(tb))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        report(args.exc_value)


def install() -> None:
    """Route uncaught exceptions (GUI thread, Python threads, workers) to :func:`report`."""
    if not _bridge:
        _bridge.append(_ErrorBridge())
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    workers.set_default_failure_handler(report)


def log_error(error: BaseException) -> None:
    """Log ``error`` (scrubbed) without bothering the user: the caller shows it in place."""
    _log.warning("handled error\n%s", describe(error))
