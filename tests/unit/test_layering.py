"""The core imports no Qt: every module of inspector_app and local_db loads without PySide6."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, pkgutil, sys
import inspector_app, local_db
for package in (inspector_app, local_db):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations." in module.name:
            continue  # revision scripts run only inside Alembic
        importlib.import_module(module.name)
leaked = sorted(name for name in sys.modules if name.split(".")[0] in {"PySide6", "shiboken6"})
print("LEAKED", leaked)
sys.exit(1 if leaked else 0)
"""


def test_core_modules_import_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "LEAKED []" in result.stdout
