"""Sync: a no-change round trip, a bulk first push of 1 GiB, and 200 clients at once.

Everything runs against real ``inspector-server`` processes on 127.0.0.1 (embedded
backend: SQLite in WAL mode, folder blob store) and a real encrypted profile.

1. **Bulk push.** A team leader's profile holds 1,000 case files (each with its task) and
   10,000 evidence items (1 GiB of originals in the encrypted store, each with its signed
   custody event), recorded offline (``bench/sync_profile.py``). Timed: its first
   ``SyncEngine.run()`` — every original uploaded, every change pushed, the feed pulled
   back. Baseline in the same run: the same 10,000 originals uploaded straight to the blob
   endpoints of a fresh server with httpx (``bench/sync_raw.py``). Reported as MiB/s and
   as the ratio of the two.
2. **No-change round trip.** The same profile, now in sync: ``SyncEngine.run()`` with
   nothing to do, median of N runs, broken down by phase. Baseline: one pull request made
   with httpx directly (fresh connection, same token and cursor), median of N.
3. **Concurrent clients.** 200 clients with their own accounts and devices each run sync
   rounds (push a small batch to their own case, pull to the end of the feed) against the
   one server process at once (``bench/sync_load.py``); p50/p99 per request type and per
   round, throughput, errors (expected: none). Baseline: one client alone, same rounds.

Full: 1,000 cases / 10,000 items / 1 GiB, 20 no-change runs, 200 clients × 5 rounds.
Smoke: 10 / 100 / 10 MiB, 5 runs, 10 clients × 2 rounds.
"""

from __future__ import annotations

import hashlib
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import BenchResult
from bench.sync_load import LoadResult, percentile, run_load
from bench.sync_profile import (
    PASSWORD,
    USERNAME,
    BulkSize,
    build_profile,
    item_bytes,
    scratch_case,
)
from bench.sync_raw import upload_all, upload_blob
from bench.sync_server import DEMO_PASSWORD, memory_keyring, running_servers, signed_in
from bench.sync_timing import TimedEngine, blob_check
from inspector_app.sync.client import TIMEOUT
from inspector_app.sync.engine import PULL_PAGE, PUSH_BATCH
from inspector_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

MIB = 2**20


@dataclass(frozen=True)
class Sizes:
    """The sizes of one run."""

    bulk: BulkSize
    no_change_runs: int
    clients: int
    rounds: int
    add_evidence_items: int


FULL = Sizes(BulkSize(1000, 10_000, 2**30), 20, 200, 5, 20)
SMOKE = Sizes(BulkSize(10, 100, 10 * MIB), 5, 10, 2, 3)


def _median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _template(workdir: Path, size: BulkSize) -> tuple[Path, int, float]:
    """The profile with the offline work, built once per work folder (then copied).

    Returns its folder, its pending changes and the seconds per item the bulk build took.
    """
    folder = workdir.parent / f"sync-profile-{size.cases}-{size.items}-{size.total_bytes}"
    marker = folder / ".complete"
    if marker.is_file():
        changes, seconds = marker.read_text(encoding="utf-8").split()
        return folder, int(changes), float(seconds)
    shutil.rmtree(folder, ignore_errors=True)
    built = build_profile(folder, size)
    per_item = (built.originals_seconds + built.rows_seconds) / size.items
    marker.write_text(f"{built.changes} {per_item}", encoding="utf-8")
    return folder, built.changes, per_item


def _raw_upload(url: str, size: BulkSize) -> tuple[float, float]:
    """Seconds to upload the originals one by one, and as one blob of the same total size."""
    originals = [item_bytes(index, n) for index, n in enumerate(size.item_sizes())]
    client = signed_in(url, USERNAME, DEMO_PASSWORD, "bench-raw-upload")
    try:
        each = upload_all(client, originals)
        whole = b"".join(originals)
        del originals
        sha256 = hashlib.sha256(whole).hexdigest()
        started = time.perf_counter()
        upload_blob(client, sha256, whole)
        single = time.perf_counter() - started
    finally:
        client.close()
    return each, single


def _bulk_results(
    engine: TimedEngine, size: BulkSize, changes: int, raw: tuple[float, float]
) -> list[BenchResult]:
    report = engine.report
    if not report.ok or report.pushed != changes or report.blobs_up != size.items:
        raise RuntimeError(
            f"the bulk sync did not push everything: pushed {report.pushed}/{changes}, "
            f"blobs {report.blobs_up}/{size.items}, failures {report.failures[:3]}"
        )
    mib = size.total_bytes / MIB
    total, push, pull = engine.seconds("run"), engine.seconds("push"), engine.seconds("pull")
    client = engine.timed
    uploads = client.http_seconds("POST /v1/blobs/{sha}/upload", "PATCH /v1/blobs/{sha}/upload")
    pushes = client.http_seconds("POST /v1/sync/push")
    pulls = client.http_seconds("GET /v1/sync/changes")
    push_ms = [s * 1000 for s in client.durations["POST /v1/sync/push"]]
    batches = len(push_ms)
    raw_each, raw_single = raw
    label = f"{size.cases:,} cases, {size.items:,} items, {mib:,.0f} MiB"
    return [
        BenchResult(
            f"bulk first sync ({label}), whole run",
            mib / total,
            "MiB/s",
            baseline=mib / raw_each,
            baseline_name="raw upload of the same blobs (httpx, POST + PATCH each)",
            note=f"{total:.1f} s vs {raw_each:.1f} s; {changes:,} changes pushed, "
            f"{report.pulled + report.unchanged:,} records pulled back "
            f"({report.unchanged:,} of them already here)",
        ),
        BenchResult(
            "bulk first sync, push phase alone (uploads + pushes)",
            mib / push,
            "MiB/s",
            baseline=mib / raw_each,
            baseline_name="raw upload of the same blobs",
            note=f"{push:.1f} s: upload requests {uploads:.1f} s, push requests {pushes:.1f} s "
            f"({batches} batches), client-side "
            f"{push - uploads - pushes:.1f} s (outbox, decrypting originals)",
        ),
        BenchResult(
            f"bulk first sync, one push request ({PUSH_BATCH} changes), mean",
            pushes / batches * 1000,
            "ms",
            note=f"{batches} batches; fastest {min(push_ms):.0f} ms, "
            f"slowest {max(push_ms):.0f} ms, last {push_ms[-1]:.0f} ms",
        ),
        BenchResult(
            "bulk first sync, pull phase (own records back, blob check)",
            pull,
            "s",
            note=f"{client.requests['GET /v1/sync/changes']} pages, requests {pulls:.1f} s, "
            f"applying and checking {pull - pulls:.1f} s",
        ),
        BenchResult(
            "raw upload as one blob of the same size (4 MiB chunks)",
            mib / raw_single,
            "MiB/s",
            baseline=mib / raw_each,
            baseline_name="raw upload, blob by blob",
            note=f"{raw_single:.1f} s",
        ),
    ]


@dataclass(frozen=True)
class NoChange:
    """Per phase, the milliseconds of each no-change run; and the baselines' medians."""

    phases: dict[str, list[float]]
    blob_check_ms: float
    originals: int
    direct_pull_ms: float
    health_ms: float

    def median(self, phase: str) -> float:
        """The phase's median over the runs, in milliseconds."""
        return statistics.median(self.phases[phase])


def _phases(engine: TimedEngine) -> dict[str, float]:
    """One run's phases, in seconds; requests are split from the local work around them."""
    client = engine.timed
    info = client.http_seconds("GET /v1/info")
    pull = client.http_seconds("GET /v1/sync/changes")
    if dict(client.requests) != {"GET /v1/info": 1, "GET /v1/sync/changes": 1}:
        raise RuntimeError(f"the no-change run made other requests: {dict(client.requests)}")
    timed = ("connect", "push", "pull", "link")
    return {
        "run": engine.seconds("run"),
        "info": info,
        "sign_in": engine.seconds("sign_in"),
        "connect_local": engine.seconds("connect") - info - engine.seconds("sign_in"),
        "push": engine.seconds("push"),
        "pull_http": pull,
        "pull_local": engine.seconds("pull") - pull,
        "link": engine.seconds("link"),
        "rest": engine.seconds("run") - sum(engine.seconds(name) for name in timed),
    }


def _no_change(profile_dir: Path, url: str, runs: int) -> NoChange:
    """``runs`` no-change runs of the profile, then the same number of each baseline."""
    from sqlalchemy import func, select

    from inspector_app.profiles import unlock_profile
    from inspector_app.sync import credentials, local_state
    from local_db.models import EvidenceItem

    profile = unlock_profile(path=profile_dir, password=PASSWORD)
    phases: dict[str, list[float]] = {}
    try:
        for _run in range(runs):
            engine = TimedEngine(profile, url, password=DEMO_PASSWORD)
            report = engine.run()
            if not report.ok or report.pushed or report.pulled or report.blobs_down:
                raise RuntimeError(f"the profile was not in sync: {report}")
            for name, seconds in _phases(engine).items():
                phases.setdefault(name, []).append(seconds * 1000)
        check_ms = _median_ms(lambda: blob_check(profile), runs)
        with profile.read_session() as session:
            cursor = local_state.get(session, local_state.CURSOR)
            originals = session.scalar(select(func.count()).select_from(EvidenceItem)) or 0
        stored = credentials.load(profile.info.profile_id)
    finally:
        profile.close()
    if stored is None:
        raise RuntimeError("the sign-in was not kept: the runs signed in with the password")
    token = {"Authorization": f"Bearer {stored.access_token}"}
    query: dict[str, str | int] = {"cursor": cursor, "limit": PULL_PAGE}

    def direct_pull(client: httpx.Client) -> None:
        page = client.get("/v1/sync/changes", params=query, headers=token)
        page.raise_for_status()
        if page.json()["records"]:
            raise RuntimeError("the direct pull found records: the profile was not in sync")

    def health(client: httpx.Client) -> None:
        client.get("/health").raise_for_status()

    return NoChange(
        phases,
        check_ms,
        originals,
        _first_request_ms(url, direct_pull, runs),
        _first_request_ms(url, health, runs),
    )


def _first_request_ms(url: str, request: Callable[[httpx.Client], None], runs: int) -> float:
    """Median milliseconds of ``request`` as the first one of a new client (new connection).

    The client is built before the clock starts, as the engine's is (building an httpx
    client costs milliseconds of its own: it loads the TLS settings).
    """
    times = []
    for _run in range(runs):
        with httpx.Client(
            base_url=url, timeout=TIMEOUT, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        ) as client:
            started = time.perf_counter()
            request(client)
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _no_change_results(measured: NoChange, runs: int) -> list[BenchResult]:
    parts = [
        ("info", "GET /v1/info (request)"),
        ("sign_in", "sign-in from the kept token (keyring)"),
        ("connect_local", "device id and clock read"),
        ("push", "push with an empty outbox"),
        ("pull_http", "GET /v1/sync/changes, one empty page (request)"),
        ("pull_local", "applying the empty page, cursor, blob check"),
        ("link", "linking the user to its region and inspector"),
        ("rest", "last contact written, client closed"),
    ]
    return [
        BenchResult(
            f"no-change sync round trip (median of {runs})",
            measured.median("run"),
            "ms",
            baseline=measured.direct_pull_ms,
            baseline_name="one pull request with httpx (fresh connection)",
            note=f"profile with {measured.originals:,} evidence items; "
            f"bare GET /health {measured.health_ms:.1f} ms",
        ),
        *(
            BenchResult(f"  no-change: {label}", measured.median(name), "ms")
            for name, label in parts
        ),
        BenchResult(
            f"  no-change: blob check alone ({measured.originals:,} originals)",
            measured.blob_check_ms,
            "ms",
            note="the end of the pull phase: every original named, looked up in the store",
        ),
    ]


def _load_results(load: LoadResult) -> list[BenchResult]:
    loaded, alone = load.loaded, load.alone
    results = []
    for kind in ("round", "push", "pull"):
        for fraction, name in ((0.5, "p50"), (0.99, "p99")):
            results.append(
                BenchResult(
                    f"{load.clients} clients at once: {kind} {name}",
                    percentile(loaded.seconds[kind], fraction) * 1000,
                    "ms",
                    baseline=percentile(alone.seconds[kind], fraction) * 1000,
                    baseline_name="one client alone, same rounds",
                    note=f"{len(loaded.seconds[kind]):,} samples",
                )
            )
    results += [
        BenchResult(
            f"{load.clients} clients at once: throughput",
            loaded.rounds / loaded.wall_seconds,
            "rounds/s",
            baseline=alone.rounds / alone.wall_seconds,
            baseline_name="one client alone",
            note=f"{loaded.requests:,} requests in {loaded.wall_seconds:.1f} s "
            f"({loaded.requests / loaded.wall_seconds:.0f}/s); {load.rounds_each} rounds each",
        ),
        BenchResult(
            f"{load.clients} clients at once: errors",
            loaded.error_count + alone.error_count,
            "errors",
            note=", ".join(f"{k}: {v}" for k, v in {**alone.errors, **loaded.errors}.items())
            or "none (non-2xx, exceptions, rejected changes)",
        ),
    ]
    return results


def _add_evidence_ms(workdir: Path, size: BulkSize, items: int) -> float:
    """Milliseconds per item recorded one at a time through ``add_evidence`` (same sizes)."""
    from inspector_app.evidence.recording import add_evidence
    from local_db.enums import EvidenceKind

    folder = workdir / "add-evidence-profile"
    shutil.rmtree(folder, ignore_errors=True)
    profile, case_id = scratch_case(folder)
    try:
        sizes = size.item_sizes()
        started = time.perf_counter()
        for index in range(items):
            add_evidence(
                profile=profile, case_id=case_id, source=item_bytes(index, sizes[index]),
                kind=EvidenceKind.DOCUMENT, caption=f"调取资料 {index:03d}",
                media_type="application/pdf", original_name=f"DOC_{index:03d}.pdf",
            )  # fmt: skip
        return (time.perf_counter() - started) / items * 1000
    finally:
        profile.close()
        shutil.rmtree(folder, ignore_errors=True)


def run(*, smoke: bool, workdir: Path) -> list[BenchResult]:
    """The three sync benchmarks, each against its baseline from the same run."""
    from inspector_app.profiles import unlock_profile

    sizes = SMOKE if smoke else FULL
    workdir.mkdir(parents=True, exist_ok=True)
    template, changes, bulk_item_s = _template(workdir, sizes.bulk)
    profile_dir = workdir / "profile"
    shutil.rmtree(profile_dir, ignore_errors=True)
    shutil.copytree(template, profile_dir)
    add_evidence_ms = _add_evidence_ms(workdir, sizes.bulk, sizes.add_evidence_items)
    servers = [workdir / "raw-server", workdir / "sync-server"]
    for folder in servers:
        shutil.rmtree(folder, ignore_errors=True)
    with memory_keyring(), running_servers(*servers) as (raw_url, url):
        raw = _raw_upload(raw_url, sizes.bulk)
        profile = unlock_profile(path=profile_dir, password=PASSWORD)
        try:
            engine = TimedEngine(profile, url, password=DEMO_PASSWORD)
            engine.run()
        finally:
            profile.close()
        results = _bulk_results(engine, sizes.bulk, changes, raw)
        results.append(
            BenchResult(
                "recording one item through add_evidence",
                add_evidence_ms,
                "ms",
                baseline=bulk_item_s * 1000,
                baseline_name="the benchmark's bulk build, per item",
                note=f"{sizes.add_evidence_items} items: store, session and commit each",
            )
        )
        results += _no_change_results(
            _no_change(profile_dir, url, sizes.no_change_runs), sizes.no_change_runs
        )
        results += _load_results(run_load(url, clients=sizes.clients, rounds=sizes.rounds))
    return results
