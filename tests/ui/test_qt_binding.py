"""The pinned Qt binding survives a long session of signal emissions and void calls.

PySide6 6.12.0 on CPython 3.11 dropped a reference to True / None on each ``emit`` and each
void method call; a few thousand later the interpreter aborted (``bool_dealloc``). The pin in
pyproject.toml keeps that release out; this test fails if a binding with the bug comes back.
"""

from __future__ import annotations

import subprocess
import sys

STRESS = """
import sys
from PySide6.QtCore import QObject, Signal

class Pinger(QObject):
    ping = Signal(bool)

pinger = Pinger()
pinger.ping.connect(lambda value: None)
before = sys.getrefcount(True), sys.getrefcount(None)
for _ in range(50_000):
    pinger.ping.emit(True)
    pinger.setObjectName("x")
after = sys.getrefcount(True), sys.getrefcount(None)
print("survived", before, after)
"""


def test_a_long_session_of_emits_and_void_calls_survives() -> None:
    result = subprocess.run(
        [sys.executable, "-c", STRESS], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "survived" in result.stdout
