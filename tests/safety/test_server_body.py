"""H-26: a request body that never arrives whole must not hold the server (a real uvicorn on
127.0.0.1, where the socket can be left open half-way)."""

from __future__ import annotations

import time
from pathlib import Path

from server.test_server_edges import live_server, raw_request

from adapter.wire import read_json


def test_h26_a_body_shorter_than_its_content_length_is_408_in_time_not_a_hang(tmp_path: Path) -> None:
    with live_server(tmp_path) as port:
        head = (
            b"POST /$validate HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer carat-token\r\n"
            b"Content-Type: application/fhir+json\r\nContent-Length: 100\r\n\r\n"
        )
        started = time.monotonic()
        answer = raw_request(port, head, b'{"resourceType": ')
        took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert took < 8
    outcome = read_json(answer.split(b"\r\n\r\n", 1)[1])
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "timeout"
