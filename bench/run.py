"""Run the benchmarks and print a markdown report: ``python -m bench.run --smoke|--full``.

``--smoke`` runs every benchmark at a small size (seconds; CI checks they still work),
``--full`` at the size the figures in docs/benchmarks.md are quoted for (minutes).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

import bench
from bench.common import BenchResult, machine_info, machine_table, markdown_table

PREFIX = "bench_"


def discover() -> list[str]:
    """Names of the benchmark modules (``bench/bench_*.py``), sorted."""
    return sorted(
        module.name for module in pkgutil.iter_modules(bench.__path__)
        if module.name.startswith(PREFIX)
    )  # fmt: skip


def _selected(names: list[str], only: list[str]) -> list[str]:
    if not only:
        return names
    wanted = {name if name.startswith(PREFIX) else PREFIX + name for name in only}
    unknown = wanted - set(names)
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {names}")
    return [name for name in names if name in wanted]


def run_all(names: list[str], *, smoke: bool, workdir: Path) -> tuple[list[BenchResult], int]:
    """Run each module in its own sub-folder of ``workdir``; returns results and failures."""
    results: list[BenchResult] = []
    failures = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        print(f"running {name} ({'smoke' if smoke else 'full'})…", file=sys.stderr, flush=True)
        try:
            results.extend(module.run(smoke=smoke, workdir=workdir / name))
        except Exception:
            failures += 1
            traceback.print_exc()
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return results, failures


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run, print the report; non-zero exit if a benchmark failed."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    size.add_argument("--full", action="store_true", help="the sizes figures are quoted for")
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME",
        help="run only this benchmark (e.g. demo_load); repeatable",
    )  # fmt: skip
    parser.add_argument(
        "--workdir", type=Path,
        help="keep working files here (reused between runs) instead of a temporary folder",
    )  # fmt: skip
    args = parser.parse_args(argv)
    names = _selected(discover(), args.only)
    info = machine_info()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        results, failures = run_all(names, smoke=args.smoke, workdir=args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="fund-inspector-bench-") as folder:
            results, failures = run_all(names, smoke=args.smoke, workdir=Path(folder))
    print(f"## Benchmarks ({'smoke' if args.smoke else 'full'})\n")
    print(machine_table(info))
    print()
    print(markdown_table(results))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
