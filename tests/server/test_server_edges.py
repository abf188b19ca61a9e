"""Issue 14, the server's edges: a body shorter than its Content-Length (a real uvicorn on 127.0.0.1,
where the socket can be left open), a Content-Length the body does not match, and no redirects:
every error an OperationOutcome."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi.testclient import TestClient

from adapter.handover import Ed25519Signer
from adapter.wire import read_json
from server.cases import CARAT, bearer, cjit_app


@contextmanager
def live_server(tmp_path: Path) -> Iterator[int]:
    app = cjit_app(tmp_path, Ed25519Signer.generate(CARAT), body_timeout_seconds=1.0)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def raw_request(port: int, head: bytes, body: bytes, wait: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        connection.sendall(head + body)
        answer = b""
        started = time.monotonic()
        while time.monotonic() - started < wait:
            piece = connection.recv(65536)
            if not piece:
                break
            answer += piece
            if b"\r\n\r\n" in answer and answer.rstrip().endswith(b"}"):
                break
        return answer


def test_a_content_length_that_is_not_a_number_is_400(tmp_path: Path) -> None:
    with TestClient(
        cjit_app(tmp_path, Ed25519Signer.generate(CARAT)), raise_server_exceptions=False
    ) as client:
        response = client.post(
            "/$validate",
            content=b'{"resourceType": "Patient"}',
            headers={"Content-Type": "application/fhir+json", "Content-Length": "abc"}
            | bearer("carat-token"),
        )
    assert response.status_code == 400
    assert read_json(response.content)["resourceType"] == "OperationOutcome"


def test_a_trailing_slash_is_a_404_outcome_not_a_bare_redirect(client: TestClient) -> None:
    for path in ("/CarePlan/", "/metadata/", "/$process-message/"):
        response = client.get(path, headers=bearer("carat-token"), follow_redirects=False)
        assert response.status_code == 404, path
        assert read_json(response.content)["resourceType"] == "OperationOutcome"
