"""Unexpected errors: a short dialog for the user, the details in a log without patient data.

The log keeps the exception types and the stack (file, line, function), never source lines
or local variables, and messages pass through :func:`inspector_app.privacy.scrub_text`:
SQLAlchemy's bound parameters are cut off, and quoted values, CJK names and ID-card, phone
and insurance-card-like numbers are masked, because an error raised while handling a claim
could otherwise carry a patient's identity. The log may still name profile folders, so the
file is readable by its owner only (0600, in a 0700 folder).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication

from inspector_app.privacy import describe_exception, scrub_text
from ui import workers

LOG_NAME = "fund-inspector.log"
FOLDER_MODE = 0o700
FILE_MODE = 0o600
_log = logging.getLogger("ui.error_report")

# One implementation, shared with the command line (inspector_app.privacy).
scrub = scrub_text
describe = describe_exception


def log_folder() -> Path:
    """Where the application log lives (the per-user application data folder)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "logs"


def log_file() -> Path:
    """The current log file."""
    return log_folder() / LOG_NAME


def _private_opener(path: str, flags: int) -> int:
    descriptor = os.open(path, flags, FILE_MODE)
    if os.name == "posix":
        try:
            os.fchmod(descriptor, FILE_MODE)  # a file from an older version may be wider
        except OSError:
            os.close(descriptor)
            raise
    return descriptor


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose every file (the current one and each new one) is mode 0600.

    It always appends, as a RotatingFileHandler with a size limit does anyway.
    """

    def _open(self) -> TextIOWrapper:
        return open(
            self.baseFilename,
            "a",
            encoding=self.encoding,
            errors=self.errors,
            opener=_private_opener,
        )


def _make_private_folder(folder: Path) -> None:
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if os.name == "posix":
        folder.chmod(FOLDER_MODE)
        for old in folder.glob(LOG_NAME + "*"):  # backups rotated before the files were private
            old.chmod(FILE_MODE)


def setup_logging(level: int = logging.INFO) -> Path:
    """Log to a private rotating file in :func:`log_folder` (and keep warnings on stderr)."""
    folder = log_folder()
    _make_private_folder(folder)
    path = folder / LOG_NAME
    handler = PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
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


# Errors whose message is written for the user (refusals, validation): shown as they are.
USER_ERRORS: tuple[type[BaseException], ...] = (PermissionError, ValueError, LookupError)


def handle_failure(
    error: BaseException, show: Callable[[str], object], *, always_show: bool = False
) -> None:
    """One way for background work to fail: a user error is logged and shown with ``show``;
    anything else goes to the crash report (which logs it), and to ``show`` too if
    ``always_show``."""
    if isinstance(error, USER_ERRORS):
        log_error(error)
        show(str(error))
        return
    report(error)
    if always_show:
        show(str(error))
