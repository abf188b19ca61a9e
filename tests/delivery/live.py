"""A live CJIT server for the end-to-end tests: the real app under uvicorn on 127.0.0.1 (a free port),
in a thread, stopped when the test is done."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from server.cases import CARAT, cjit_app

from adapter.handover import Ed25519Signer


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    folder: Path
    signer: Ed25519Signer


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve_cjit(tmp_path: Path) -> Iterator[LiveServer]:
    """Start the CJIT app under uvicorn; stop it on leaving."""
    signer = Ed25519Signer.generate(CARAT)
    folder = tmp_path / "cjit"
    folder.mkdir()
    port = _free_port()
    config = uvicorn.Config(cjit_app(folder, signer), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on port {port}")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", folder, signer)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
