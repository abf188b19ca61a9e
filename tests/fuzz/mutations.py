"""Structured mutations of our fixtures, as hypothesis strategies: what a hostile or broken sender
could hand any reader.

Every strategy starts from a real document (fixtures/clients, fixtures/golden, fixtures/systems) so
most cases get past the first check and reach the deeper code, then applies one or more of:

- bytes: flip a byte, truncate, delete or duplicate a range, insert a control character, a BOM, a
  NUL, invalid UTF-8, or re-encode as UTF-16;
- JSON: swap a value's type (42, "x", [], {}, null, true, [42]), delete a key, duplicate a key,
  nest a value very deep, blow a string up, put a control character in a string;
- XML: delete, duplicate or rename an element, add a foreign prefixed element, put a control
  character (as a character reference) or huge text in a value;
- CSV: delete, duplicate or reorder lines, change a cell (separators, quotes, formulas, control
  characters, huge), drop or add a column.

How many cases run: ``CAREPLAN_FUZZ_EXAMPLES`` (default 25 per reader property and 8 per command or
endpoint in CI, the same cases every run; set 1000+ to hunt with fresh cases each run).
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
EXAMPLES = int(os.environ.get("CAREPLAN_FUZZ_EXAMPLES", "25"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 25,  # CI runs the same cases every time; a long hunt explores
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
"""The settings the reader properties run with."""

FUZZ_SLOW = settings(FUZZ, max_examples=max(8, EXAMPLES // 3))
"""For a command or a request (each case costs a process's worth of work): a third as many."""

CASES: Counter[str] = Counter()
"""Cases run in this session, by property (conftest prints the total)."""


def count_case(name: str) -> None:
    """Count one case of the property ``name``: the figure the suite reports for a run."""
    CASES[name] += 1


CONTROL_CHARACTERS = [chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 0x7F, 0x85, 0x9B)]
TYPE_SWAPS: list[Any] = [42, "x", [], {}, None, True, [42], ["x"], [{}], "", -1.5, {"a": 1}, [[]]]
HOSTILE_TEXT = [
    "x;=1+1",
    " =1+1",
    "=cmd|' /C calc'!A0",
    "Flat 1|Block B",
    "O'Brien, Smith",
    "Mary Ann",
    '"quoted, text"',
    "line\nbreak",
    "tab\there",
    "\u202eevil",
    "\ud7ff\ue000\ufffd",
    "&amp;<b>x</b>",
    "]]>",
    "9" * 400,
    "",
    " ",
    "\x1b]0;owned\x07\x1b[2J",
    "a\x00b",
    "\x85\x9b",
]


@cache
def documents(kind: str) -> tuple[bytes, ...]:
    """The fixtures of one kind: canonical, fhir-json, fhir-xml, carat, cjit-dir, cmht-cpa, gp-shared-care."""
    folders = {
        "canonical": (FIXTURES / "clients", "*.json"),
        "fhir-json": (FIXTURES / "golden", "*.bundle.json"),
        "fhir-xml": (FIXTURES / "golden", "*.bundle.xml"),
        "carat": (FIXTURES / "systems" / "carat", "**/*.csv"),
        "cjit-dir": (FIXTURES / "systems" / "cjit-dir", "**/*.xml"),
        "cmht-cpa": (FIXTURES / "systems" / "cmht-cpa", "**/*.xml"),
        "gp-shared-care": (FIXTURES / "systems" / "gp-shared-care", "[0-9][0-9]-*[!d].json"),
    }
    folder, pattern = folders[kind]
    found = tuple(path.read_bytes() for path in sorted(folder.glob(pattern)) if "expected" not in path.name)
    assert found, f"no fixtures for {kind}"
    return found


# --- bytes -------------------------------------------------------------------------------------


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    size = len(data)
    at = draw(st.integers(0, max(size - 1, 0)))
    kind = draw(
        st.sampled_from(
            [
                "flip",
                "truncate",
                "delete",
                "duplicate",
                "insert",
                "bom",
                "utf16",
                "invalid-utf8",
                "nul",
                "deep",
            ]
        )
    )
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :] if size else b"\xff"
    if kind == "truncate":
        return data[:at]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 200)) :]
    if kind == "duplicate":
        length = draw(st.integers(1, 400))
        return data[: at + length] + data[at : at + length] + data[at + length :]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if kind == "bom":
        return draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])) + data
    if kind == "utf16":
        try:
            return data.decode("utf-8-sig").encode(
                draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"]))
            )
        except UnicodeDecodeError:
            return data
    if kind == "invalid-utf8":
        return data[:at] + draw(st.sampled_from([b"\xc3", b"\xff", b"\xed\xa0\x80", b"\xc0\xaf"])) + data[at:]
    if kind == "deep":
        depth = draw(st.sampled_from([300, 5000]))
        opener, closer = (b"<a>", b"</a>") if data.lstrip()[:1] == b"<" else (b"[", b"]")
        return data[:at] + opener * depth + closer * depth + data[at:]
    return data[:at] + b"\x00" + data[at:]


# --- JSON --------------------------------------------------------------------------------------


def _paths(tree: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _paths(value, (*here, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += _paths(value, (*here, index))
    return found


def _set(tree: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = tree
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return tree


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


@st.composite
def json_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    tree = json.loads(data)
    paths = _paths(tree)
    path = draw(st.sampled_from(paths))
    kind = draw(st.sampled_from(["swap", "delete", "duplicate-key", "deep", "huge", "control", "hostile"]))
    current = _get(tree, path)
    if kind == "swap":
        tree = _set(tree, path, draw(st.sampled_from(TYPE_SWAPS)))
    elif kind == "delete" and path:
        parent = _get(tree, path[:-1])
        del parent[path[-1]]
    elif kind == "deep":
        # Below the interpreter's recursion limit, so that a case parses the same on every replay.
        depth = draw(st.sampled_from([50, 199, 201, 260]))
        nested: Any = current
        for _ in range(depth):
            nested = [nested]
        tree = _set(tree, path, nested)
    elif kind == "huge":
        tree = _set(
            tree,
            path,
            draw(st.sampled_from(["x", "\u00e9", "9"])) * draw(st.sampled_from([70_000, 1_100_000])),
        )
    elif kind in ("control", "hostile"):
        strings = [p for p in paths if isinstance(_get(tree, p), str)] or [path]
        target = draw(st.sampled_from(strings))
        value = _get(tree, target)
        value = value if isinstance(value, str) else ""
        extra = draw(st.sampled_from(CONTROL_CHARACTERS if kind == "control" else HOSTILE_TEXT))
        at = draw(st.integers(0, len(value)))
        tree = _set(tree, target, value[:at] + extra + value[at:])
    text = json.dumps(tree, ensure_ascii=draw(st.booleans()))
    if kind == "duplicate-key":
        keys = list(re.finditer(r'"([A-Za-z_][A-Za-z0-9_]*)": ', text))
        if keys:
            key = draw(st.sampled_from(keys))
            text = (
                text[: key.start()]
                + f'"{key.group(1)}": {draw(st.sampled_from(["1", "[]", "{}"]))}, '
                + text[key.start() :]
            )
            if draw(st.booleans()):
                text = text[: draw(st.integers(key.end(), len(text)))]  # and then a syntax error
    return text.encode("utf-8", "surrogatepass")


# --- XML ---------------------------------------------------------------------------------------


@st.composite
def xml_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False))
    elements = list(root.iter(etree.Element))
    element = draw(st.sampled_from(elements))
    parent = element.getparent()
    kind = draw(
        st.sampled_from(["delete", "duplicate", "rename", "foreign", "control", "huge", "hostile", "text"])
    )
    if kind == "delete" and parent is not None:
        parent.remove(element)
    elif kind == "duplicate" and parent is not None:
        parent.insert(parent.index(element), etree.fromstring(etree.tostring(element)))
    elif kind == "rename":
        element.tag = etree.QName(
            etree.QName(element).namespace, draw(st.sampled_from(["value", "Bogus", "id", "x"]))
        ).text
    elif kind == "foreign":
        foreign = etree.SubElement(element, "{urn:evil}Thing", nsmap={"ev": "urn:evil"})
        foreign.text = "1"
    elif kind in ("control", "huge", "hostile"):
        marker = "FUZZ-MARK-7f3a"
        if "value" in element.attrib:
            element.set("value", element.get("value", "") + marker)
        else:
            element.text = (element.text or "") + marker
        text = etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
        if kind == "control":
            insert = draw(
                st.sampled_from([f"&#{ord(c)};" for c in CONTROL_CHARACTERS] + ["\x85", "\x9b", "\x7f"])
            )
        elif kind == "huge":
            insert = "y" * draw(st.sampled_from([70_000, 1_100_000]))
        else:
            insert = draw(st.sampled_from(HOSTILE_TEXT)).replace("&", "&amp;").replace("<", "&lt;")
            insert = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", insert)
        return text.replace(marker, insert, 1).encode("utf-8", "surrogatepass")
    else:
        element.text = draw(st.sampled_from(["stray", "  ", "<&>"]))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# --- CSV ---------------------------------------------------------------------------------------


@st.composite
def csv_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    lines = data.decode("utf-8").split("\r\n" if b"\r\n" in data else "\n")
    index = draw(st.integers(0, len(lines) - 1))
    kind = draw(
        st.sampled_from(["delete", "duplicate", "swap", "cell", "drop-column", "add-column", "quote"])
    )
    line = lines[index]
    if kind == "delete":
        del lines[index]
    elif kind == "duplicate":
        lines.insert(index, line)
    elif kind == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        lines[index], lines[other] = lines[other], lines[index]
    elif kind in ("cell", "drop-column", "add-column"):
        cells = line.split(",")
        at = draw(st.integers(0, len(cells) - 1))
        if kind == "cell":
            cells[at] = draw(
                st.sampled_from(
                    [*HOSTILE_TEXT, *CONTROL_CHARACTERS, "x" * 1_100_000, '"', '"a""b"', "#CLIENT"]
                )
            )
        elif kind == "drop-column":
            del cells[at]
        else:
            cells.insert(at, draw(st.sampled_from(["extra", "nhs_number", ""])))
        lines[index] = ",".join(cells)
    else:
        lines[index] = line + '"'
    return "\r\n".join(lines).encode("utf-8", "surrogatepass")


# --- all together ------------------------------------------------------------------------------

STRUCTURED: dict[str, Callable[[bytes], st.SearchStrategy[bytes]]] = {
    "canonical": json_mutation,
    "fhir-json": json_mutation,
    "gp-shared-care": json_mutation,
    "fhir-xml": xml_mutation,
    "cjit-dir": xml_mutation,
    "cmht-cpa": xml_mutation,
    "carat": csv_mutation,
}


@st.composite
def mutated(draw: st.DrawFn, kind: str, seeds: tuple[bytes, ...] | None = None) -> bytes:
    """A fixture of ``kind`` (or one of ``seeds``, structured as ``kind`` is) after one to three
    mutations, each structured (three times in four) or of the bytes."""
    data = draw(st.sampled_from(seeds or documents(kind)))
    for _ in range(draw(st.integers(1, 3))):
        # Structured three times in four, when the data still parses (decided before any draw, so
        # that a case replays exactly when hypothesis shrinks it).
        if _structurable(kind, data) and draw(st.integers(0, 3)):
            data = draw(STRUCTURED[kind](data))
        else:
            data = draw(byte_mutation(data))
    return data


def _structurable(kind: str, data: bytes) -> bool:
    try:
        if STRUCTURED[kind] is json_mutation:
            json.loads(data)
        elif STRUCTURED[kind] is xml_mutation:
            root = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
            return root is not None and any(True for _ in root.iter(etree.Element))
        else:
            lines = data.decode("utf-8")
            return bool(lines)
    except (ValueError, etree.XMLSyntaxError, RecursionError):
        return False
    return True
