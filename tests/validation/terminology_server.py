"""A small, real FHIR terminology server for the tests: HTTP on loopback (127.0.0.1, a free port),
serving our own IG's code systems and value sets (ig/fsh-generated) through the R4 operations the
validator uses: ``ValueSet/$expand``, ``ValueSet/$validate-code`` and ``CodeSystem/$validate-code``.
It answers from the project's own expansion code over the default definitions chain, and counts the
requests it served (so a test can see the per-run cache at work)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from adapter.definitions import Definitions
from adapter.validation.terminology import Terminology

LOOPBACK = "127.0.0.1"


def _parameters(result: bool, message: str = "") -> dict[str, Any]:
    parameter: list[dict[str, Any]] = [{"name": "result", "valueBoolean": result}]
    if message:
        parameter.append({"name": "message", "valueString": message})
    return {"resourceType": "Parameters", "parameter": parameter}


def _outcome(text: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "not-found", "diagnostics": text}],
    }


class _Handler(BaseHTTPRequestHandler):
    terminology: Terminology
    requests: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the request list instead."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        operation = parts.path.removeprefix("/fhir/")
        self.requests.append(operation)
        if operation == "ValueSet/$expand":
            self._answer(*self._expand(query))
        elif operation == "ValueSet/$validate-code":
            self._answer(*self._value_set_code(query))
        elif operation == "CodeSystem/$validate-code":
            self._answer(*self._system_code(query))
        else:
            self._answer(404, _outcome(f"no operation {operation}"))

    def _expand(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        expansion = self.terminology.expand(query.get("url", ""))
        if not expansion.found or expansion.unavailable:
            return 404, _outcome(f"cannot expand {query.get('url')}")
        contains = [{"system": s, "code": c} for s, c in sorted(expansion.codes)]
        total = len(contains)
        if query.get("count", "").isdigit():  # paging, as $expand's count parameter asks
            contains = contains[: int(query["count"])]
        body = {
            "resourceType": "ValueSet",
            "url": expansion.url,
            "expansion": {"total": total, "contains": contains},
        }
        return 200, body

    def _value_set_code(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        expansion = self.terminology.expand(query.get("url", ""))
        if not expansion.found:
            return 404, _outcome(f"unknown value set {query.get('url')}")
        found = expansion.contains(query.get("system"), query.get("code", "")) == "yes"
        if not found:
            return 200, _parameters(False, f"{query.get('code')} is not in {query.get('url')}")
        return (
            self._system_code({**query, "url": query.get("system", "")})
            if "display" in query
            else (200, _parameters(True))
        )

    def _system_code(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        concepts = self.terminology.code_system(query.get("url", ""))
        if concepts is None:
            return 404, _outcome(f"unknown code system {query.get('url')}")
        concept = concepts.get(query.get("code", ""))
        if concept is None:
            return 200, _parameters(False, f"Unknown code {query.get('code')!r} in {query.get('url')}")
        display = query.get("display")
        if display is not None and display != concept.get("display"):
            return 200, _parameters(False, f"Wrong display {display!r}; expected {concept.get('display')!r}")
        return 200, _parameters(True)

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def terminology_server() -> Iterator[tuple[str, list[str]]]:
    """Serve our IG's terminology on loopback for the ``with`` block: (base URL, requests served)."""
    requests: list[str] = []
    handler = type(
        "Handler", (_Handler,), {"terminology": Terminology(Definitions.default()), "requests": requests}
    )
    server = ThreadingHTTPServer((LOOPBACK, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/fhir", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
