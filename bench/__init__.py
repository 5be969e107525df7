"""Benchmarks: ``python -m bench.run --smoke|--full [--only NAME]``.

Each ``bench/bench_*.py`` module exposes ``run(*, smoke: bool, workdir: Path) ->
list[BenchResult]``; a result names its baseline, measured in the same run, so figures
from different machines are compared as ratios rather than raw seconds.
"""
