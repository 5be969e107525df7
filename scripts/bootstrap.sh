#!/usr/bin/env bash
# Create (or refresh) a virtual environment with the project installed in editable mode.
#   scripts/bootstrap.sh            .venv       — everything: GUI (PySide6) + dev tools
#   scripts/bootstrap.sh --core     .venv-core  — the Qt-free core + dev tools, no PySide6:
#                                                 proves inspector_app/ and local_db/ never need Qt
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--core" ]]; then
  venv=.venv-core; extras="dev"
else
  venv=.venv; extras="gui,dev,qt-dev"
fi

python=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    python=$candidate; break
  fi
done
[[ -n "$python" ]] || { echo "bootstrap: Python 3.11 or newer is required" >&2; exit 1; }

stamp="$venv/.installed-$extras"
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e ".[$extras]"
  if [[ "$venv" == ".venv-core" ]] && "$venv/bin/python" -c "import PySide6" 2>/dev/null; then
    echo "bootstrap: PySide6 leaked into the core environment" >&2; exit 1
  fi
  touch "$stamp"
fi
# Compiled message catalogs (.mo) are build products of the .po sources. Fuzzy entries are
# guesses (often with other placeholders) and are never compiled.
"$venv/bin/pybabel" compile --statistics -d resources/i18n -D fund_inspector >/dev/null 2>&1 \
  || "$venv/bin/pybabel" compile -d resources/i18n -D fund_inspector
