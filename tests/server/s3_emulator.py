"""A real S3 emulator for server tests: moto's server, run as a separate process.

The emulator speaks HTTP on a free 127.0.0.1 port, so the code under test goes through
boto3, botocore's signing and the network exactly as it would against S3. Clients still need
(any) credentials: see :data:`DUMMY_AWS_ENVIRONMENT`.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

from central_server.launch import free_port, stop_process

DUMMY_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
"""Credentials and region for clients of the emulator (it accepts any)."""

_START_TIMEOUT = 20.0
_ATTEMPTS = 3  # a freshly chosen free port may be taken before the server binds it


def _answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def running_s3_emulator() -> Iterator[str]:
    """Run a moto S3 server on 127.0.0.1 for the duration; yields its endpoint URL."""
    with tempfile.TemporaryFile() as log:
        for _ in range(_ATTEMPTS):
            port = free_port()
            endpoint = f"http://127.0.0.1:{port}"
            process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
            try:
                deadline = time.monotonic() + _START_TIMEOUT
                while process.poll() is None and time.monotonic() < deadline:
                    if _answers(endpoint):
                        yield endpoint
                        return
                    time.sleep(0.05)
            finally:
                stop_process(process)
        log.seek(0)
        output = log.read().decode(errors="replace")[-4000:]
        raise RuntimeError(f"the moto S3 emulator did not start:\n{output}")
