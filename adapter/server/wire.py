"""FHIR on HTTP: which format to answer in (``_format``, then ``Accept``), and reading a request body
within the size limit and in a media type we speak.

    GET /CarePlan/123?_format=xml                 -> application/fhir+xml
    GET /CarePlan/123   Accept: application/json  -> application/fhir+json
    POST with Content-Type: text/plain            -> 415, an OperationOutcome naming the types we read
"""

from __future__ import annotations

import asyncio

from fastapi import Request, Response
from starlette.requests import ClientDisconnect

from adapter.server.http_problem import HttpProblem
from adapter.types import FhirJson
from adapter.wire import WireFormat, read_resource, write_resource

MEDIA_TYPES: dict[str, WireFormat] = {
    "application/fhir+json": "json",
    "application/json": "json",
    "application/json+fhir": "json",
    "json": "json",
    "application/fhir+xml": "xml",
    "application/xml": "xml",
    "application/xml+fhir": "xml",
    "text/xml": "xml",
    "xml": "xml",
}
"""Media types (and ``_format`` short forms) -> the wire format; R4 3.1.0.1.10 names these."""

ANSWER_TYPES: dict[WireFormat, str] = {"json": "application/fhir+json", "xml": "application/fhir+xml"}
_ANY = {"*/*", "application/*", "text/*"}


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _accepted(accept: str) -> list[str]:
    """The media types of an Accept header, best first (by q, then as written)."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def answer_format(request: Request) -> WireFormat:
    """The format to answer ``request`` in; raises HttpProblem 406 when it asks only for others."""
    asked = request.query_params.get("_format")
    if asked is not None:
        chosen = MEDIA_TYPES.get(_media_type(asked))
        if chosen is None:
            raise _not_acceptable(f"_format={asked!r}", "_format")
        return chosen
    accept = request.headers.get("accept")
    if not accept:
        return "json"
    for media in _accepted(accept):
        if media in MEDIA_TYPES:
            return MEDIA_TYPES[media]
        if media in _ANY:
            return "json"
    raise _not_acceptable(f"Accept: {accept}", None)


def _not_acceptable(asked: str, expression: str | None) -> HttpProblem:
    return HttpProblem.single(
        406,
        "not-supported",
        "http.not-acceptable",
        f"cannot answer in {asked}; this server writes {' or '.join(ANSWER_TYPES.values())}",
        expression,
    )


def fhir_response(
    request: Request, resource: FhirJson, *, status: int = 200, fallback: bool = False
) -> Response:
    """``resource`` in the format the request asks for (JSON when ``fallback`` and it asks for none
    we write: an error answer must not fail for want of a format)."""
    try:
        fmt = answer_format(request)
    except HttpProblem:
        if not fallback:
            raise
        fmt = "json"
    media = f"{ANSWER_TYPES[fmt]}; charset=utf-8"
    return Response(write_resource(resource, fmt), status_code=status, media_type=media)


async def read_body(request: Request, max_bytes: int, timeout: float = 30.0) -> FhirJson:
    """The FHIR resource the request carries (JSON or XML by Content-Type), at most ``max_bytes``,
    arriving whole within ``timeout`` seconds.

    Raises HttpProblem 400 (a Content-Length that is not a number, or that the body does not
    match), 408 (the body did not arrive in time: a body shorter than its Content-Length would
    otherwise hold the connection for ever), 413 (too large), 415 (not a FHIR media type), or
    InvalidFhir (unreadable: the wire codec names the line and column)."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.strip().isdigit():
        raise HttpProblem.single(
            400, "structure", "http.content-length", "Content-Length is not a whole number of bytes"
        )
    expected = int(declared) if declared is not None else None
    if expected is not None and expected > max_bytes:
        raise _too_large(max_bytes)
    content_type = request.headers.get("content-type")
    fmt = MEDIA_TYPES.get(_media_type(content_type or ""))
    if fmt is None or "/" not in (content_type or ""):
        readable = ", ".join(media for media in MEDIA_TYPES if "/" in media)
        raise HttpProblem.single(
            415,
            "not-supported",
            "http.unsupported-media-type",
            f"cannot read a body of type {content_type or '(none given)'}; send one of {readable}",
        )
    body = await _receive(request, max_bytes, timeout)
    if expected is not None and len(body) != expected:
        raise HttpProblem.single(
            400,
            "structure",
            "http.content-length",
            f"the body is {len(body)} bytes but its Content-Length says {expected}",
        )
    return read_resource(body, fmt, max_bytes=max_bytes)


async def _receive(request: Request, max_bytes: int, timeout: float) -> bytes:
    # Counted as it arrives: a chunked body has no Content-Length to refuse it by.
    body = bytearray()
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                body += chunk
                if len(body) > max_bytes:
                    raise _too_large(max_bytes)
    except TimeoutError:
        raise HttpProblem.single(
            408,
            "timeout",
            "http.body-timeout",
            f"the request body did not arrive whole within {timeout:g} seconds ({len(body)} bytes came)",
        ) from None
    except ClientDisconnect:
        raise HttpProblem.single(
            400, "incomplete", "http.disconnected", "the client went away before its body arrived whole"
        ) from None
    return bytes(body)


def _too_large(max_bytes: int) -> HttpProblem:
    return HttpProblem.single(
        413, "too-costly", "http.too-large", f"the request body is larger than the limit of {max_bytes} bytes"
    )
