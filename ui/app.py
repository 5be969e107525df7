"""Entry point of the desktop application (``inspector-app``): arguments, display, start-up.

Start-up is kept short on purpose (target: the main window in under 1.5 s on two cores):
PySide6 is imported only after the display check, the core (SQLAlchemy) only when a profile
is opened, and the window never waits for data — pages load in the background once shown.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from inspector_app import i18n
from inspector_app.i18n import _
from ui import startup_timing  # noqa: F401  (early: its clock is the fallback start time)
from ui.display import EXIT_NO_DISPLAY, has_display, no_display_message


def build_parser() -> argparse.ArgumentParser:
    """Command-line options of the desktop application."""
    parser = argparse.ArgumentParser(
        prog="inspector-app",
        description=_("Fund Inspector: on-site inspections of medical-insurance fund use."),
    )
    parser.add_argument(
        "--profile", type=Path, help=_("open the profile in this folder (password asked)")
    )
    parser.add_argument(
        "--data-dir", type=Path, help=_("folder holding the profiles, for this run only")
    )
    parser.add_argument(
        "--lang",
        choices=[language.code for language in i18n.LANGUAGES],
        help=_(
            "language of the user interface for this run (default: the saved choice, else zh_CN)"
        ),
    )
    return parser


def _early_language(argv: Sequence[str]) -> None:
    """Pick a language for messages printed before Qt exists (help, no display)."""
    code = i18n.system_language()
    if "--lang" in argv[:-1]:
        code = argv[list(argv).index("--lang") + 1]
    try:
        i18n.set_language(code)
    except ValueError:
        i18n.set_language("en")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the application; returns the process exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    _early_language(arguments)
    args = build_parser().parse_args(arguments)
    if not has_display():
        print(no_display_message(), file=sys.stderr)
        return EXIT_NO_DISPLAY
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from inspector_app import settings
    from ui import error_report, main_thread_gc
    from ui.machine_settings import APPLICATION, ORGANISATION, MachineSettings
    from ui.shell import Shell
    from ui.style import apply_style
    from ui.translation import apply_language
    from ui.workers import TaskManager

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)  # the shell decides: login ↔ window ↔ quit
    app.setDesktopFileName("fund-inspector")
    main_thread_gc.install(app)
    error_report.setup_logging()
    error_report.install()
    machine = MachineSettings()
    # --lang applies to this run only; the saved choice changes in Settings.
    apply_language(args.lang or machine.get(settings.LANGUAGE))
    app.setApplicationDisplayName(_("Fund Inspector"))
    apply_style(app)
    tasks = TaskManager()
    shell = Shell(
        machine,
        tasks,
        profile_path=args.profile.expanduser().resolve() if args.profile else None,
        data_dir=args.data_dir.expanduser().resolve() if args.data_dir else None,
    )
    app.aboutToQuit.connect(shell.shutdown)
    shell.start()  # a direct or cached unlock starts on a worker right away
    shell.preload()  # meanwhile, the GUI thread imports the main window
    code = app.exec()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
