"""Checklist screen responsiveness: open, scroll and answer a 300-item checklist, no stall.

A synthetic template (300 items in 15 sections, every tenth item conditional; smoke: 60)
is pinned to a case in a real encrypted profile and opened in the real ``ChecklistTab``
(offscreen Qt, writes on the real DB worker). The script then scrolls the tree from top to
bottom and answers 80 items by key presses ("1" every 30 ms, faster than anyone types),
while a 10 ms QTimer heartbeat records the gaps between its ticks: a gap much longer than
10 ms is the event loop stalled. Baseline: the same heartbeat over an idle event loop.
Target: no stall over 100 ms (the issue's acceptance criterion).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.common import BenchResult

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-checklist-pw"
TARGET_MS = 100.0
HEARTBEAT_MS = 10
CODE = "bench_synthetic"


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh_CN": zh, "en": en}


def synthetic_template(items: int, per_section: int = 20) -> dict[str, Any]:
    """A valid template document with ``items`` items; every tenth is conditional."""
    sections = []
    for number in range((items + per_section - 1) // per_section):
        code = f"S{number + 1:02d}"
        section_items: list[dict[str, Any]] = []
        for position in range(min(per_section, items - number * per_section)):
            item: dict[str, Any] = {
                "code": f"{code}-{position + 1:02d}",
                "question": _text(
                    f"第{position + 1}项：核对住院患者身份、床头卡与入院登记是否一致，"
                    "医嘱与收费明细是否对应",
                    f"Item {position + 1}: do the patient's ID, bed card and admission "
                    "register agree, and do orders match the charges?",
                ),
                "guidance": _text("查看病历、医嘱和费用明细。", "Read records and charges."),
                "legal_basis": [{"source": "regulation", "article": 38, "item": 1}],
                "evidence": _text("病历复印件、照片", "Copies of records, photos"),
                "severity": "medium",
                "required": position % 3 != 2,
            }
            if position % 10 == 9:
                previous = section_items[-1]["code"]
                item["condition"] = {"item": previous, "answer_in": ["non_compliant"]}
            section_items.append(item)
        sections.append(
            {
                "code": code,
                "title": _text(f"第{number + 1}部分", f"Part {number + 1}"),
                "items": section_items,
            }
        )
    return {
        "schema_version": 1,
        "code": CODE,
        "version": "2026.1",
        "title": _text("基准测试清单", "Benchmark checklist"),
        "applies_to": ["hospital"],
        "sections": sections,
    }


def _profile_with_case(workdir: Path, items: int) -> tuple[Any, str]:
    """A new profile with one open hospital case and the synthetic template pinned."""
    import shutil

    from inspector_app.checklists.service import start_checklist, store_templates
    from inspector_app.checklists.templates import parse_template
    from inspector_app.profiles import create_profile
    from local_db.enums import (
        CaseStatus,
        InstitutionKind,
        InstitutionLevel,
        TaskOrigin,
        TaskStatus,
        TaskType,
        UserRole,
    )
    from local_db.models import CaseFile, InspectionTask, Institution, Region

    folder = workdir / f"checklist-profile-{items}"
    shutil.rmtree(folder, ignore_errors=True)
    profile = create_profile(
        path=folder,
        password=PASSWORD,
        display_name="基准",
        username="bench.user",
        role=UserRole.TEAM_LEADER,
    )
    template = parse_template(json.dumps(synthetic_template(items), ensure_ascii=False), "bench")
    with profile.session() as s:
        s.add(Region(code="110105", name="朝阳区"))
        s.flush()
        hospital = Institution(
            code="H1",
            name="基准医院",
            kind=InstitutionKind.HOSPITAL,
            level=InstitutionLevel.GRADE_2,
            region_code="110105",
        )
        s.add(hospital)
        s.flush()
        task = InspectionTask(
            task_number="B-1",
            title="基准检查",
            task_type=TaskType.ROUTINE,
            origin=TaskOrigin.PLAN,
            status=TaskStatus.ON_SITE,
            region_code="110105",
            institution_id=hospital.id,
            planned_start=date(2026, 11, 23),
            planned_end=date(2026, 11, 24),
        )
        s.add(task)
        s.flush()
        case = CaseFile(
            task_id=task.id,
            case_number="B-AJ-1",
            status=CaseStatus.OPEN,
            opened_at=datetime(2026, 11, 23, tzinfo=UTC),
        )
        s.add(case)
        s.flush()
        store_templates(s, [template])
        task_id, case_id = task.id, case.id
    start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    return profile, f"{task_id}/{case_id}"


class Heartbeat:
    """A 10 ms timer that records the gaps between its ticks (in ms)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = 0.0
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last:
            self.gaps.append((now - self._last) * 1000)
        self._last = now

    def start(self) -> None:
        self.gaps, self._last = [], 0.0
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.gaps


def _drive(steps: Iterator[int]) -> None:
    """Run ``steps`` on the event loop: each yields the ms to wait before the next step."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()

    def advance() -> None:
        try:
            delay = next(steps)
        except StopIteration:
            loop.quit()
            return
        QTimer.singleShot(delay, advance)

    QTimer.singleShot(0, advance)
    loop.exec()


def _wait(condition: Callable[[], bool], timeout_s: float = 30) -> Iterator[int]:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        yield 5


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def _measure(
    context: Any, task_id: str, case_id: str, answers: int
) -> tuple[dict[str, list[float]], float]:
    """Heartbeat gaps per phase (idle, open, scroll, answer) and the seconds to open."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.inspection.checklist_tab import ChecklistTab

    heartbeat = Heartbeat()
    phases: dict[str, list[float]] = {}
    heartbeat.start()
    _drive(iter([1000]))
    phases["idle"] = heartbeat.stop()

    tab = ChecklistTab(context)
    tab.resize(1360, 820)
    tab.show()
    heartbeat.start()
    opened = time.perf_counter()
    tab.set_case(task_id, case_id)
    _drive(_wait(lambda: tab.stack.currentWidget() is tab.checklist_page))
    open_seconds = time.perf_counter() - opened
    _drive(iter([100]))
    phases["open"] = heartbeat.stop()

    tree = tab.tree
    bar = tree.verticalScrollBar()

    def scroll() -> Iterator[int]:
        step = max(1, bar.pageStep() // 3)
        for value in range(0, bar.maximum() + step, step):
            bar.setValue(value)
            yield 16
        bar.setValue(0)
        yield 16

    heartbeat.start()
    _drive(scroll())
    phases["scroll"] = heartbeat.stop()

    def answer() -> Iterator[int]:
        tree.setFocus()
        tab.select_item("S01-01")
        for _ in range(answers):
            QTest.keyClick(tree, Qt.Key.Key_1)
            yield 30
        yield from _wait(lambda: tab._pending == 0)
        yield 200  # let the last reload land

    heartbeat.start()
    _drive(answer())
    phases["answer"] = heartbeat.stop()
    assert tab.view is not None and tab.view.total.answered == answers, "answers lost"
    tab.close()
    tab.deleteLater()
    return phases, open_seconds


def run(*, smoke: bool, workdir: Path) -> list[BenchResult]:
    """Max and p95 heartbeat gap while opening, scrolling and answering the checklist."""
    if not any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui.connectivity import ConnectivityMonitor
    from ui.context import ShellContext
    from ui.machine_settings import MachineSettings
    from ui.workers import TaskManager

    items = 60 if smoke else 300
    answers = 30 if smoke else 80
    workdir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    profile, ids = _profile_with_case(workdir, items)
    task_id, case_id = ids.split("/")
    tasks = TaskManager()
    monitor = ConnectivityMonitor()
    settings = MachineSettings(QSettings(str(workdir / "machine.ini"), QSettings.Format.IniFormat))
    context = ShellContext(profile=profile, tasks=tasks, settings=settings, connectivity=monitor)
    try:
        phases, open_seconds = _measure(context, task_id, case_id, answers)
    finally:
        tasks.shutdown(30_000)
        monitor.stop()
        profile.close()
        app.processEvents()

    busy = phases["open"] + phases["scroll"] + phases["answer"]
    idle = phases["idle"]
    stall = {name: max(gaps) - HEARTBEAT_MS for name, gaps in phases.items() if gaps}
    return [
        BenchResult(
            name="checklist.max_stall",
            value=round(max(busy) - HEARTBEAT_MS, 1),
            unit="ms",
            baseline=round(max(idle) - HEARTBEAT_MS, 1),
            baseline_name="idle event loop",
            note=(
                f"{items} items: open {stall['open']:.0f} ms, scroll {stall['scroll']:.0f} ms, "
                f"{answers} key answers {stall['answer']:.0f} ms; target < {TARGET_MS:.0f} ms"
            ),
        ),
        BenchResult(
            name="checklist.p95_heartbeat_gap",
            value=round(_p95(busy), 1),
            unit="ms",
            baseline=round(_p95(idle), 1),
            baseline_name="idle event loop",
            note=f"{HEARTBEAT_MS} ms timer; {len(busy)} ticks",
        ),
        BenchResult(
            name="checklist.open",
            value=round(open_seconds * 1000, 1),
            unit="ms",
            note=f"set_case to the tree shown, {items} items (read on the worker pool)",
        ),
    ]


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        for result in run(smoke="--full" not in sys.argv, workdir=Path(folder)):
            print(result)
