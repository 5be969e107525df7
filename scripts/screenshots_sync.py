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

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screenshots import PASSWORD, _wait, demo_application, parse_arguments, shell_context

from tests.e2e.sync_support import SERVER_PASSWORD

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _shots(window: Any, out: Path, name: str, languages: list[str], widget: Any = None) -> None:
    from ui.translation import apply_language

    for language in languages:
        apply_language(language)
        _wait(None, lambda: True)
        (widget or window).grab().save(str(out / f"{name}-{language}.png"))


def _member_conflicts(leader: Any, folder: Path, url: str) -> Any:
    """A second laptop edits what the leader edits and syncs first: the leader's next run
    brings conflicts."""
    from inspector_app.sync.engine import RetryPolicy
    from local_db.models import CaseFile, Finding
    from tests.e2e.sync_support import add_member_account, case_in_progress, new_laptop, run_sync

    shared = case_in_progress(leader)
    add_member_account(url, "member.one", shared.member_code, display_name="李敏")
    member = new_laptop(
        folder / "member", "member.one", display_name="李敏", password=PASSWORD, kdf=None
    )
    run_sync(member, url, retry=RetryPolicy())
    edits = {
        leader: ("串换药品：丙类药品按甲类收费", "现场核查发现透析记录与收费明细不一致。"),
        member: ("串换药品收费", "透析记录与收费明细不符，已调取三个月明细。"),
    }
    for profile in (member, leader):
        title, summary = edits[profile]
        with profile.session() as session:
            finding = session.get(Finding, shared.finding_id)
            case = session.get(CaseFile, shared.case_id)
            assert finding is not None and case is not None
            finding.title, case.summary = title, summary
    run_sync(member, url, retry=RetryPolicy())
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
    args = parse_arguments()

    import keyring

    from inspector_app import settings
    from inspector_app.services.profile_settings import write_profile_setting
    from tests.conftest import MemoryKeyring
    from tests.server.live_server import running_server
    from ui.main_window import MainWindow

    keyring.set_keyring(MemoryKeyring())  # the sign-in is kept for this run only
    with (
        demo_application(claims=500) as (app, folder, profile, tasks),
        running_server(folder / "server") as url,
    ):
        write_profile_setting(profile=profile, setting=settings.SERVER_URL, value=url)
        window = MainWindow(shell_context(profile, tasks))
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
