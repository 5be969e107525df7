"""The baselines of the sync benchmarks: the same bytes and requests, without the engine.

Raw upload: the blobs go straight to the blob endpoints with httpx, as the client sends
them (``POST /v1/blobs/{sha}/upload`` for the status, then ``PATCH`` chunks of 4 MiB), with
nothing read from a database or decrypted from a store: what the server and the loopback
can take. A single large blob in 4 MiB chunks shows the per-request overhead on top.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence

import httpx

from inspector_app.sync.blobs import UPLOAD_CHUNK
from inspector_app.sync.protocol import UPLOAD_OFFSET_HEADER


def upload_blob(client: httpx.Client, sha256: str, data: bytes) -> None:
    """Send one blob as the desktop client does; raise if the server did not store it."""
    status = client.post(f"/v1/blobs/{sha256}/upload", json={"size": len(data)})
    status.raise_for_status()
    offset = int(status.json()["received"])
    if status.json()["complete"]:
        raise RuntimeError("the baseline server already held the blob: not a fresh store")
    complete = False
    while not complete:
        chunk = data[offset : offset + UPLOAD_CHUNK]
        answer = client.patch(
            f"/v1/blobs/{sha256}/upload",
            content=chunk,
            headers={
                UPLOAD_OFFSET_HEADER: str(offset),
                "Upload-Length": str(len(data)),
                "Content-Type": "application/octet-stream",
            },
        )
        answer.raise_for_status()
        offset, complete = int(answer.json()["received"]), bool(answer.json()["complete"])


def upload_all(client: httpx.Client, originals: Sequence[bytes]) -> float:
    """Seconds to upload every original (hashes computed before the clock starts)."""
    named = [(hashlib.sha256(data).hexdigest(), data) for data in originals]
    started = time.perf_counter()
    for sha256, data in named:
        upload_blob(client, sha256, data)
    return time.perf_counter() - started
