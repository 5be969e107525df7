"""Render the screens the docs show, from a demo profile, in Chinese and in English.

Usage (from the checkout, after ``make setup``)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py --out docs/images

It builds a fresh demo profile in a temporary folder, opens the real main window on it and
saves: the task list, the checklist, the evidence panel and the finding editor, for each
language. Nothing here is part of the application; it is how the pictures in docs/ are made.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
PASSWORD = "demo-pass-2026"


def _wait(app: object, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not condition():
        QApplication.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not finish loading")
        time.sleep(0.01)
    for _ in range(20):
        QApplication.processEvents()
        time.sleep(0.01)


def parse_arguments() -> argparse.Namespace:
    """``--out`` (created if missing) and ``--languages``, as every screenshot script takes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--languages", default="zh_CN,en")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args


@contextlib.contextmanager
def demo_application(*, claims: int) -> Iterator[tuple[Any, Path, Any, Any]]:
    """The styled application, a temporary folder (also the machine settings' home), a demo
    profile with ``claims`` claims built in it and a task manager: shut down and closed after.
    """
    from PySide6.QtWidgets import QApplication

    from inspector_app.demo import DEMO_USER, build_demo
    from inspector_app.profiles import create_profile
    from inspector_app.progress import Progress
    from ui import style
    from ui.workers import TaskManager

    app = QApplication(sys.argv[:1])
    style.apply_style(app)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CONFIG_HOME"] = folder
        profile = create_profile(
            path=Path(folder) / "profile",
            password=PASSWORD,
            display_name=DEMO_USER.display_name,
            username=DEMO_USER.username,
            role=DEMO_USER.role,
        )
        try:
            build_demo(profile, claims=claims, seed=20261123, progress=Progress())
            tasks = TaskManager()
            try:
                yield app, Path(folder), profile, tasks
            finally:
                tasks.shutdown(10_000)
        finally:
            profile.close()


def shell_context(profile: Any, tasks: Any) -> Any:
    """The window's context on ``profile``, with fresh machine settings and connectivity."""
    from ui.connectivity import ConnectivityMonitor
    from ui.context import ShellContext
    from ui.machine_settings import MachineSettings

    return ShellContext(
        profile=profile, tasks=tasks, settings=MachineSettings(), connectivity=ConnectivityMonitor()
    )


def run_on_demo(shoot: Callable[[Any, Any, Path, str], None], *, claims: int) -> int:
    """Build a demo profile with ``claims`` claims and call ``shoot`` once per language."""
    from ui.translation import apply_language

    args = parse_arguments()
    with demo_application(claims=claims) as (app, _folder, profile, tasks):
        for language in args.languages.split(","):
            apply_language(language)
            shoot(app, shell_context(profile, tasks), args.out, language)
    return 0


def main() -> int:
    return run_on_demo(_shoot, claims=2000)


def _shoot(app: object, context: Any, out: Path, language: str) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.dialogs.finding_editor import FindingEditorDialog
    from ui.inspection.checklist_tab import ChecklistTab
    from ui.inspection.evidence_tab import EvidenceTab
    from ui.main_window import MainWindow

    profile = context.profile
    window = MainWindow(context)
    window.resize(1440, 900)
    window.show()
    page = window.tasks_page
    _wait(app, lambda: not page.loading and not page.stale)
    window.grab().save(str(out / f"tasks-{language}.png"))

    first = page._rows[0] if page._rows else None
    on_site = next((r for r in page._rows if r.number.endswith("001")), first)
    assert on_site is not None
    window.open_task(on_site.id)
    inspection = window.inspection_page
    _wait(app, lambda: inspection.overview is not None and not inspection.loading)
    window.grab().save(str(out / f"inspection-overview-{language}.png"))

    checklist = inspection.show_tab(ChecklistTab)
    _wait(app, lambda: not checklist.stale and getattr(checklist, "view", None) is not None)
    if hasattr(checklist, "select_item"):
        checklist.select_item("WARD-01")
    _wait(app, lambda: True)
    window.grab().save(str(out / f"checklist-{language}.png"))

    evidence = inspection.show_tab(EvidenceTab)
    _wait(app, lambda: not evidence.stale)
    time.sleep(0.3)
    _wait(app, lambda: True)
    window.grab().save(str(out / f"evidence-{language}.png"))

    overview = inspection.overview
    finding_id = _first_finding(profile, overview.case_id)
    dialog = FindingEditorDialog(context, overview.case_id, finding_id, parent=window)
    dialog.show()
    time.sleep(0.3)
    _wait(app, lambda: True)
    dialog.grab().save(str(out / f"finding-editor-{language}.png"))
    dialog.close()
    window.close()
    QApplication.processEvents()


def _first_finding(profile: object, case_id: str) -> str:
    from sqlalchemy import select

    from local_db.models import Finding

    with profile.read_session() as session:  # type: ignore[attr-defined]
        finding = session.scalar(
            select(Finding.id).where(Finding.case_id == case_id).order_by(Finding.created_at)
        )
    assert finding is not None
    return str(finding)


if __name__ == "__main__":
    sys.exit(main())
