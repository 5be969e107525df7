"""Start a server process on loopback and know when it serves; stop it cleanly.

What a supervisor script, the test suite and the benchmarks all need around
``inspector-server``: a free port, waiting until ``/ready`` answers (migrations done,
store reachable) rather than sleeping, and a stop that escalates to a kill.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(
    process: subprocess.Popen[bytes], url: str, log_path: Path | str, timeout: float = 30
) -> None:
    """Return once the server at ``url`` answers ``/ready`` with 200; raise if its process
    exits first (see ``log_path``) or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: see {log_path}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not become ready")
        time.sleep(0.1)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server process, killing it if it has not ended within 10 seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
