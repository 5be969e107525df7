"""Import N demo claims (~10 lines each) from CSV, against executemany of the same rows.

The demo batch of a shared demo profile is exported as a HIS would (``export_batch``:
two CSV files, Chinese headers, GBK by default), then imported into a new encrypted
profile through the real path (``import_settlement`` with a case: both files hashed and
recorded as evidence, parsed, validated, loaded in one transaction, committed, WAL
checkpoint). The baseline, measured in the same run: the *same* rows, produced by the
importer's own parser beforehand (untimed), inserted with plain ``executemany`` into
another new encrypted profile of the same state, in the same chunks, and committed; once
with the database's default settings (the acceptance's "plain executemany") and once,
stricter, with the loader's page cache. Acceptance (issue 4): import throughput at least
half the plain baseline's at 1 M claims.

Run alone: ``python -m bench.bench_import --claims 20000 [--encoding utf-8]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import SHARED_DEMO_PASSWORD, BenchResult, Stopwatch, shared_demo_profile

PASSWORD = "bench-import-pw"
SEED = 20261123
TARGET_RATIO = 0.5
BASELINE = "executemany of the same pre-parsed rows, encrypted"


def _export(source: Path, out: Path, encoding: str) -> tuple[float, Any]:
    from sqlalchemy import select

    from inspector_app.profiles import unlock_profile
    from inspector_app.settlement_import.export_csv import export_batch
    from local_db.models import SettlementBatch

    profile = unlock_profile(path=source, password=SHARED_DEMO_PASSWORD)
    try:
        with profile.read_session() as session:
            batch_id = session.scalar(
                select(SettlementBatch.id).order_by(SettlementBatch.claim_count.desc()).limit(1)
            )
        if batch_id is None:
            raise RuntimeError("the shared demo profile has no settlement batch")
        started = time.perf_counter()
        exported = export_batch(profile=profile, batch_id=batch_id, folder=out, encoding=encoding)
        return time.perf_counter() - started, exported
    finally:
        profile.close()


def _target(folder: Path) -> Any:
    """A new encrypted profile holding the demo institution and cases (and 500 claims)."""
    from inspector_app.demo import DEMO_USER, build_demo
    from inspector_app.demo.plan import MIN_CLAIMS
    from inspector_app.profiles import create_profile
    from inspector_app.progress import Progress

    profile = create_profile(
        path=folder, password=PASSWORD, display_name=DEMO_USER.display_name,
        username=DEMO_USER.username, role=DEMO_USER.role,
    )  # fmt: skip
    build_demo(profile, claims=MIN_CLAIMS, seed=SEED + 1, progress=Progress())
    return profile


def _case_id(profile: Any) -> str:
    from sqlalchemy import select

    from inspector_app.demo.places import INSPECTED_HOSPITAL
    from local_db.models import CaseFile, InspectionTask, Institution

    with profile.read_session() as session:
        case_id: str = session.scalar(
            select(CaseFile.id)
            .join(InspectionTask, CaseFile.task_id == InspectionTask.id)
            .join(Institution, Institution.id == InspectionTask.institution_id)
            .where(Institution.code == INSPECTED_HOSPITAL)
        )
    return case_id


def import_real(exported: Any, folder: Path) -> tuple[float, int, dict[str, float]]:
    """Seconds of the real import, rows loaded, and the seconds of each progress phase."""
    from inspector_app.progress import Progress
    from inspector_app.settlement_import import ImportSource, import_settlement

    profile = _target(folder)
    phases: dict[str, float] = {}
    current: list[Any] = ["", time.perf_counter()]

    def seen(_done: int, _total: int | None, label: str) -> None:
        if label != current[0]:
            now = time.perf_counter()
            if current[0]:
                phases[current[0]] = phases.get(current[0], 0.0) + now - current[1]
            current[:] = [label, now]

    try:
        case_id = _case_id(profile)
        started = time.perf_counter()
        summary = import_settlement(
            profile, claims=ImportSource(exported.claims_path),
            lines=ImportSource(exported.lines_path), case_id=case_id,
            progress=Progress(callback=seen, min_interval=0.0),
        )  # fmt: skip
        seconds = time.perf_counter() - started
        phases[current[0]] = phases.get(current[0], 0.0) + time.perf_counter() - current[1]
    finally:
        profile.close()
    if summary.rejected or summary.problems:
        raise RuntimeError(f"the round trip refused rows: {summary}")
    return seconds, summary.claims + summary.lines, phases


def insert_baseline(exported: Any, folder: Path, *, tuned: bool) -> tuple[float, float, int]:
    """(insert seconds, parse seconds, rows): the same rows through plain executemany.

    ``tuned`` gives the baseline the loader's page cache (a stricter comparison than the
    acceptance's plain executemany with the database's default settings).
    """
    from inspector_app.settlement_import.fields import role_fields
    from inspector_app.settlement_import.mapping import automatic_mapping, column_indexes
    from inspector_app.settlement_import.rows import RowReader
    from inspector_app.settlement_import.settlement_rows import ClaimStream, LineStream
    from inspector_app.settlement_import.sources import ImportSource, open_table
    from local_db.enums import ImportFileRole
    from local_db.settlement_load import CLAIM_SQL, LINE_SQL, LOAD_CACHE_KIB, next_claim_id

    def reader(table: Any, role: ImportFileRole) -> RowReader:
        headers = table.layout.headers
        mapping = automatic_mapping(role, headers)
        return RowReader(role, role_fields(role), column_indexes(mapping, headers), headers)

    profile = _target(folder)
    inserting, parsing = Stopwatch(), Stopwatch()
    rows = 0
    try:
        session = profile.read_session()
        with (
            session,
            open_table(ImportSource(exported.claims_path), ImportFileRole.CLAIMS) as claims,
            open_table(ImportSource(exported.lines_path), ImportFileRole.LINES) as lines,
        ):
            batch_id = _baseline_batch(session)
            first_id = next_claim_id(session)
            driver: Any = session.connection().connection.driver_connection
            if tuned:
                driver.execute(f"PRAGMA cache_size = {-LOAD_CACHE_KIB}")
            claim_stream = ClaimStream(
                claims, reader(claims, ImportFileRole.CLAIMS), batch_id=batch_id,
                first_id=first_id, advance=lambda: None, settlement_index=0,
            )  # fmt: skip
            chunks = iter(claim_stream.chunks())
            while True:
                with parsing.running():
                    chunk = next(chunks, None)
                if chunk is None:
                    break
                with inserting.running():
                    driver.executemany(CLAIM_SQL, chunk.claims)
                rows += len(chunk.claims)
            line_stream = LineStream(
                lines, reader(lines, ImportFileRole.LINES), claims=claim_stream,
                advance=lambda: None,
            )  # fmt: skip
            for chunk in line_stream.chunks():
                with parsing.running():
                    parsed = list(chunk.lines)
                with inserting.running():
                    driver.executemany(LINE_SQL, parsed)
                rows += len(parsed)
            with inserting.running():
                session.commit()
    finally:
        profile.close()
    return inserting.seconds, parsing.seconds, rows


def _baseline_batch(session: Any) -> str:
    """A batch row for the baseline's claims to belong to (foreign keys stay checked)."""
    from sqlalchemy import select

    from inspector_app.demo.places import INSPECTED_HOSPITAL
    from local_db.ids import new_id
    from local_db.models import Institution, SettlementBatch
    from local_db.types import utc_now

    institution_id = session.scalar(
        select(Institution.id).where(Institution.code == INSPECTED_HOSPITAL)
    )
    batch = SettlementBatch(
        id=new_id(), institution_id=institution_id, source="baseline", source_sha256="",
        period_start="", period_end="", loaded_at=utc_now(),
    )  # fmt: skip
    session.add(batch)
    session.flush()
    return str(batch.id)


def _best(results: list[Any]) -> Any:
    return min(results, key=lambda result: result[0])


def measure(claims: int, workdir: Path, encoding: str, repeat: int = 1) -> list[BenchResult]:
    """Build (or reuse) the source profile, export, then import and baselines alternately.

    With ``repeat`` > 1 each side keeps its best run: commits wait on the disk, which a
    shared machine makes noisy.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    source = shared_demo_profile(workdir, claims)
    export_seconds, exported = _export(source, workdir / "export", encoding)
    size = exported.claims_path.stat().st_size + exported.lines_path.stat().st_size
    runs: dict[str, list[Any]] = {"import": [], "plain": [], "tuned": []}
    try:
        for _round in range(repeat):
            runs["import"].append(import_real(exported, workdir / "imported"))
            shutil.rmtree(workdir / "imported", ignore_errors=True)
            for kind in ("plain", "tuned"):
                runs[kind].append(
                    insert_baseline(exported, workdir / "baseline", tuned=kind == "tuned")
                )
                shutil.rmtree(workdir / "baseline", ignore_errors=True)
    finally:
        for leftover in ("export", "imported", "baseline"):
            shutil.rmtree(workdir / leftover, ignore_errors=True)
    real, rows, phases = _best(runs["import"])
    plain, parse_only, plain_rows = _best(runs["plain"])
    tuned, _parse, tuned_rows = _best(runs["tuned"])
    if not rows == plain_rows == tuned_rows:
        raise RuntimeError(f"baselines inserted {plain_rows}/{tuned_rows} rows, the import {rows}")
    label = f"{exported.claims:,} claims, {exported.lines:,} lines, {size / 2**20:,.0f} MiB"
    phase_note = "; ".join(f"{name}: {seconds:.1f} s" for name, seconds in phases.items())
    best = f"best of {repeat}; " if repeat > 1 else ""
    return [
        BenchResult(
            name="import.rows_per_second", value=round(rows / real), unit="rows/s",
            baseline=round(rows / plain), baseline_name=BASELINE,
            note=f"{best}{label}, {exported.encoding} CSV; import incl. evidence, validation, "
            f"commit, WAL checkpoint; baseline with the database's default settings "
            f"(acceptance: ratio ≥ {TARGET_RATIO})",
        ),
        BenchResult(
            name="import.rows_per_second_vs_tuned", value=round(rows / real), unit="rows/s",
            baseline=round(rows / tuned), baseline_name=BASELINE + ", loader's page cache",
            note="stricter: the baseline also gets the loader's 256 MiB page cache",
        ),
        BenchResult(
            name="import.seconds", value=round(real, 1), unit="s",
            baseline=round(plain, 1), baseline_name=BASELINE, note=phase_note,
        ),
        BenchResult(
            name="import.parse_only", value=round(parse_only, 1), unit="s",
            note="reading, decoding and converting both files with no database (baseline prep)",
        ),
        BenchResult(
            name="import.export_csv", value=round(export_seconds, 1), unit="s",
            note=f"writing the demo batch as CSV ({exported.encoding})",
        ),
    ]  # fmt: skip


def run(*, smoke: bool, workdir: Path) -> list[BenchResult]:
    """The benchmark at its smoke or full size (20 k or 1 M claims), GBK files."""
    if smoke:
        return measure(20_000, workdir, "gbk", repeat=3)
    return measure(1_000_000, workdir, "gbk")


def main(argv: list[str] | None = None) -> int:
    """Run at a chosen size and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_import", description=__doc__)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--encoding", default="gbk", help="of the exported CSV files")
    parser.add_argument("--workdir", type=Path, help="keep the source profile here for reuse")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; best kept")
    args = parser.parse_args(argv)
    if args.workdir is not None:
        results = measure(args.claims, args.workdir / "import", args.encoding, args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
            results = measure(args.claims, Path(folder) / "import", args.encoding, args.repeat)
    for result in results:
        ratio = "" if result.ratio is None else f" (ratio {result.ratio:.2f})"
        print(f"{result.name}: {result.value:,} {result.unit}{ratio} — {result.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
