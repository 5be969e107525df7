"""Render the Sync page in its states, in Chinese and English, against a real local server.

Usage (from the checkout, after ``make setup``; about a minute)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_sync.py --out docs/images

It builds a demo profile, starts ``inspector-server --demo`` on 127.0.0.1 (the test suite's
helper) and saves per language: the page with the demo's changes pending and nobody signed
in, the server sign-in dialog, the page while a run uploads evidence, the result after it,
and the conflicts a second laptop's concurrent edits left (two real profiles, real syncs).
Each state is shot in every language before moving on, so one run shows them all.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screenshots import PASSWORD, _wait

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SERVER_PASSWORD = "demo-pass-2026"  # the demo server's accounts


def _shots(window: Any, out: Path, name: str, languages: list[str], widget: Any = None) -> None:
    from ui.translation import apply_language

    for language in languages:
        apply_language(language)
        _wait(None, lambda: True)
        (widget or window).grab().save(str(out / f"{name}-{language}.png"))


def _member_conflicts(leader: Any, folder: Path, url: str) -> Any:
    """A second laptop edits what the leader edits and syncs first: the leader's next run
    brings conflicts."""
    from sqlalchemy import select

    from inspector_app.profiles import create_profile
    from inspector_app.sync.engine import SyncEngine
    from local_db.enums import TeamRole, UserRole
    from local_db.models import CaseFile, Finding, InspectionTask, Inspector, TeamMembership
    from tests.server.live_server import admin_client

    with leader.read_session() as session:
        task = session.scalar(select(InspectionTask).where(InspectionTask.task_number.like("%001")))
        case = session.scalar(select(CaseFile).where(CaseFile.task_id == task.id))
        finding_id = session.scalars(
            select(Finding.id).where(Finding.case_id == case.id).order_by(Finding.id)
        ).first()
        code = session.scalar(
            select(Inspector.staff_code)
            .join(TeamMembership, TeamMembership.inspector_id == Inspector.id)
            .where(TeamMembership.task_id == task.id, TeamMembership.role == TeamRole.MEMBER)
            .order_by(Inspector.staff_code)
        )
        case_id = case.id
    admin = admin_client(url)
    admin.post(
        "/v1/admin/users",
        json={"username": "member.one", "display_name": "李敏", "role": "inspector",
              "region_code": "990100", "password": SERVER_PASSWORD, "staff_code": code},
    ).raise_for_status()  # fmt: skip
    admin.close()
    member = create_profile(
        path=folder / "member", password=PASSWORD, display_name="李敏",
        username="member.one", role=UserRole.INSPECTOR,
    )  # fmt: skip
    SyncEngine(member, url, password=SERVER_PASSWORD).run()
    edits = {
        leader: ("串换药品：丙类药品按甲类收费", "现场核查发现透析记录与收费明细不一致。"),
        member: ("串换药品收费", "透析记录与收费明细不符，已调取三个月明细。"),
    }
    for profile in (member, leader):
        title, summary = edits[profile]
        with profile.session() as session:
            finding, case = session.get(Finding, finding_id), session.get(CaseFile, case_id)
            assert finding is not None and case is not None
            finding.title, case.summary = title, summary
    SyncEngine(member, url, password=SERVER_PASSWORD).run()
    return member


def _shoot(
    app: Any, window: Any, *, folder: Path, url: str, out: Path, languages: list[str]
) -> None:
    """Every state, in every language; ``window`` shows the demo leader's profile."""
    from ui.connectivity import Reachability

    context, page = window.context, window.sync_page
    window.navigation.setCurrentRow(window.pages.index(page))
    _wait(app, lambda: context.connectivity.state is Reachability.ONLINE)
    _wait(app, lambda: not page.loading and page.overview is not None)
    _shots(window, out, "sync-pending", languages)

    page.ask_password()
    dialog = page.sign_in_dialog
    _shots(window, out, "sync-sign-in", languages, widget=dialog)
    dialog.reject()

    shot: list[bool] = []

    def running(event: Any) -> None:
        if event.phase == "upload" and event.items and not shot:
            shot.append(True)
            _shots(window, out, "sync-running", languages)

    window.scheduler.progressed.connect(running)
    window.scheduler.sync_now(SERVER_PASSWORD)
    _wait(app, lambda: not window.scheduler.running, timeout=60)
    _wait(app, lambda: not page.loading and not page.stale)
    _shots(window, out, "sync-done", languages)

    member = _member_conflicts(context.profile, folder, url)
    window.scheduler.sync_now()  # the leader's run brings the conflicts
    _wait(app, lambda: not window.scheduler.running, timeout=60)
    _wait(app, lambda: not page.loading and bool(page.overview.conflicts))
    page.tabs.setCurrentIndex(2)
    _shots(window, out, "sync-conflicts", languages)
    member.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--languages", default="zh_CN,en")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    import keyring
    from PySide6.QtWidgets import QApplication

    from inspector_app import settings
    from inspector_app.demo import DEMO_USER, build_demo
    from inspector_app.profiles import create_profile
    from inspector_app.progress import Progress
    from inspector_app.services.profile_settings import write_profile_setting
    from tests.conftest import MemoryKeyring
    from tests.server.live_server import running_server
    from ui import style
    from ui.connectivity import ConnectivityMonitor
    from ui.context import ShellContext
    from ui.machine_settings import MachineSettings
    from ui.main_window import MainWindow
    from ui.workers import TaskManager

    app = QApplication(sys.argv[:1])
    style.apply_style(app)
    keyring.set_keyring(MemoryKeyring())  # the sign-in is kept for this run only
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        os.environ["XDG_CONFIG_HOME"] = name
        profile = create_profile(
            path=folder / "profile", password=PASSWORD, display_name=DEMO_USER.display_name,
            username=DEMO_USER.username, role=DEMO_USER.role,
        )  # fmt: skip
        build_demo(profile, claims=500, seed=20261123, progress=Progress())
        tasks = TaskManager()
        with running_server(folder / "server") as url:
            write_profile_setting(profile=profile, setting=settings.SERVER_URL, value=url)
            context = ShellContext(
                profile=profile, tasks=tasks, settings=MachineSettings(),
                connectivity=ConnectivityMonitor(),
            )  # fmt: skip
            window = MainWindow(context)
            window.resize(1440, 900)
            window.show()
            try:
                _shoot(
                    app,
                    window,
                    folder=folder,
                    url=url,
                    out=args.out,
                    languages=args.languages.split(","),
                )
            finally:
                window.close()
                tasks.shutdown(10_000)
        profile.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
