"""Reading instances to validate from files: JSON, NDJSON and (through the XML codec) FHIR XML.

Bad input never raises: a file that is too large, not JSON, or XML the codec cannot read yet
becomes a fatal Issue naming the file and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from adapter.errors import AdapterError
from adapter.outcome import Issue, OperationOutcome
from adapter.wire import read_xml_collecting

MAX_BYTES = 50 * 1024 * 1024
"""Files larger than this are refused before they are read (no FHIR resource comes near it)."""


@dataclass
class LoadedFile:
    """What a file held: zero or more resources (as parsed JSON), and problems reading it."""

    path: Path
    resources: list[Any] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _fatal(message_id: str, text: str) -> Issue:
    return Issue("fatal", "structure", message_id, text, None)


def parse_json(raw: bytes) -> tuple[Any, Issue | None]:
    """Parse JSON text; a syntax error (or nesting orjson refuses) becomes a fatal issue."""
    try:
        return orjson.loads(raw), None
    except orjson.JSONDecodeError as problem:
        return None, _fatal("input.json", f"Error parsing JSON: {problem}")


def read_xml(raw: bytes) -> tuple[Any, list[Issue]]:
    """FHIR XML through the project's codec: what it read, and its problems.

    Like the reference validator, the codec's problems (unknown elements, stray text, order...) are
    reported as errors and what could be read is still validated; only XML that is not well-formed
    is fatal.
    """
    try:
        reading = read_xml_collecting(raw, schema_location=False)
    except AdapterError as problem:  # size, depth, encoding: the codec's own words, never a traceback
        return None, [_fatal("input.xml", f"Error parsing XML: {problem}")]
    if reading.resource is None:
        return None, [_fatal("input.xml", f"Error parsing XML: {OperationOutcome.of(reading.issues)}")]
    return reading.resource, list(reading.issues)


def load_file(path: Path) -> LoadedFile:
    """The resources a .json, .ndjson or .xml file holds."""
    loaded = LoadedFile(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            loaded.issues.append(
                _fatal("input.too-large", f"{path.name} is {size} bytes, more than the limit of {MAX_BYTES}")
            )
            return loaded
        raw = path.read_bytes()
    except OSError as problem:
        loaded.issues.append(_fatal("input.unreadable", f"{path}: {problem.strerror or problem}"))
        return loaded
    if path.suffix == ".ndjson":
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                loaded.issues.append(
                    Issue.warning("structure", "input.ndjson-empty-line", f"Line {number} is empty", None)
                )
                continue
            parsed, failure = parse_json(line)
            if failure is not None:
                loaded.issues.append(failure)
            else:
                loaded.resources.append(parsed)
        return loaded
    if path.suffix == ".xml":
        resource, problems = read_xml(raw)
        loaded.issues.extend(problems)
        if resource is not None:
            loaded.resources.append(resource)
        return loaded
    resource, failure = parse_json(raw)
    if failure is not None:
        loaded.issues.append(failure)
    else:
        loaded.resources.append(resource)
    return loaded
