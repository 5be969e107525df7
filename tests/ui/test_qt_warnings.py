"""House style: a Qt warning during a UI test fails it (tests/ui/conftest.py marks them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("qt_warning_probe.py")
ROOT = Path(__file__).resolve().parents[2]


def test_every_ui_test_fails_on_qt_warnings(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("qt_log_level_fail")
    assert marker is not None and marker.args == ("WARNING",)


def test_a_qt_warning_fails_the_test_but_offscreen_noise_does_not() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(PROBE), "-p", "no:cacheprovider", "-q", "-rA"],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "FAILED tests/ui/qt_warning_probe.py::test_a_qt_warning" in output
    assert "Qt messages with level WARNING or above emitted" in output
    assert "PASSED tests/ui/qt_warning_probe.py::test_offscreen_noise" in output
    assert "PASSED tests/ui/qt_warning_probe.py::test_a_qt_debug_message" in output
