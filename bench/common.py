"""What every benchmark shares: the result record, machine facts and the report table."""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class BenchResult:
    """One measured figure and the baseline it is compared with (same run, same machine).

    ``baseline`` is the baseline's value in the same ``unit``; ``baseline_name`` says what
    it is (e.g. "stdlib sqlite3, unencrypted"). Both are optional for plain figures.
    """

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """``value / baseline``, when there is a non-zero baseline."""
        if not self.baseline:
            return None
        return self.value / self.baseline


@dataclass
class Stopwatch:
    """Accumulates the seconds spent in ``with watch.running():`` blocks."""

    seconds: float = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        """Time the block and add it to the total."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - started


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return "unknown"
    return f"{pages * page_size / 2**30:.1f} GiB"


def _sqlcipher_version() -> str:
    try:
        import sqlcipher3
    except ImportError:
        return "not installed"
    connection = sqlcipher3.dbapi2.connect(":memory:")
    try:
        row = connection.execute("PRAGMA cipher_version").fetchone()
        return f"{row[0] if row else 'unknown'} (SQLite {sqlcipher3.dbapi2.sqlite_version})"
    finally:
        connection.close()


def machine_info() -> dict[str, str]:
    """The facts a benchmark figure depends on."""
    import sqlite3

    import numpy

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count() or "unknown"),
        "ram": _memory_gib(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlcipher": _sqlcipher_version(),
        "stdlib sqlite3": sqlite3.sqlite_version,
        "numpy": numpy.__version__,
    }


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def markdown_table(results: list[BenchResult]) -> str:
    """The results as a markdown table (one row per figure)."""
    rows = [
        "| benchmark | value | unit | baseline | baseline value | ratio | note |",
        "|---|---:|---|---|---:|---:|---|",
    ]
    for result in results:
        ratio = result.ratio
        rows.append(
            f"| {result.name} | {_number(result.value)} | {result.unit} | "
            f"{result.baseline_name} | {_number(result.baseline)} | "
            f"{'' if ratio is None else f'{ratio:.2f}×'} | {result.note} |"
        )
    return "\n".join(rows)


def machine_table(info: dict[str, str]) -> str:
    """Machine facts as a two-column markdown table."""
    return "\n".join(["| machine | |", "|---|---|", *(f"| {k} | {v} |" for k, v in info.items())])


SHARED_DEMO_PASSWORD = "bench-shared-demo-pw"


def shared_demo_profile(workdir: Path, claims: int, *, seed: int = 20261123) -> Path:
    """A demo profile with ``claims`` claims, built once per benchmark run and then reused.

    Several benchmarks need the same large profile (a million claims take minutes to
    build); it lives beside their own folders (``workdir.parent``) and is built on first
    use. A half-built one (no ``.complete`` marker) is built again.
    """
    import shutil

    from inspector_app.demo import DEMO_USER, build_demo
    from inspector_app.profiles import create_profile
    from inspector_app.progress import Progress

    folder = workdir.parent / f"shared-demo-{claims}-{seed}"
    marker = folder / ".complete"
    if marker.is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    profile = create_profile(
        path=folder,
        password=SHARED_DEMO_PASSWORD,
        display_name=DEMO_USER.display_name,
        username=DEMO_USER.username,
        role=DEMO_USER.role,
    )
    try:
        build_demo(profile, claims=claims, seed=seed, progress=Progress())
    finally:
        profile.close()
    marker.write_text("ok", encoding="utf-8")
    return folder
