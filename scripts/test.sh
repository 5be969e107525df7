#!/usr/bin/env bash
# The whole check, as CI runs it: linters, import contracts, the suite with Qt, the core
# suite again in an environment without PySide6 (proof that the core needs no Qt), and the
# server suite again against PostgreSQL and the S3 emulator (the production backends).
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen

step() { printf '\n== %s\n' "$*"; }

step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
step "mypy"
.venv/bin/mypy
step "import contracts"
.venv/bin/lint-imports --no-cache
step "core tests without PySide6"
.venv-core/bin/python -m pytest tests/unit -q -p no:cacheprovider
step "benchmarks, smoke size (full figures: make bench, docs/benchmarks.md)"
.venv/bin/python -m bench.run --smoke
step "full suite"
.venv/bin/python -m pytest -q -p no:cacheprovider
step "server suite against PostgreSQL and the S3 emulator"
INSPECTOR_TEST_SERVER_BLOBS=s3 scripts/postgres-for-tests.sh \
  .venv/bin/python -m pytest -q -p no:cacheprovider -m server tests/server tests/e2e
