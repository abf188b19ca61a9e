"""FHIR JSON -> FHIR XML, in the element order the StructureDefinitions give.

    >>> json_to_xml({"resourceType": "Patient", "name": [{"given": ["Ann"]}]}, indent=False)[38:]
    b'\\n<Patient xmlns="http://hl7.org/fhir"><name><given value="Ann"/></name></Patient>'

JSON names are put in snapshot order (XML requires it), primitives become ``value`` attributes with
their exact text (``FhirDecimal`` verbatim), ``_name`` objects become the primitive's ``id``
attribute and ``extension`` children, ``Element.id`` and ``Extension.url`` become attributes,
resources inside resources are wrapped in their element (``<contained><Patient>``), and the
narrative string is parsed (as untrusted XML) and placed as real XHTML. JSON that does not fit the
definitions - an unknown name, an array where max is 1, a string where a boolean belongs, arrays of
a primitive and its ``_name`` of different lengths - is collected into one InvalidFhir, each Issue
with its FHIRPath.

The XML is written as text, not built as an lxml tree: on the development machine lxml spent about
4 us on each namespaced ``SubElement`` and formatting the tag about 0.4 us, and the whole writer got
three times faster for it. Attribute values that need it are escaped with one ``str.translate``
(newlines and tabs as character references, so they survive attribute-value normalisation), and the
finished document is searched once for characters XML cannot carry; only when one is there is it
written again, checking value by value, to name where.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from operator import itemgetter
from typing import Any

from lxml import etree

from adapter.errors import InvalidFhir
from adapter.outcome import Issue, OperationOutcome
from adapter.types import FhirJson, FhirPath
from adapter.wire.fhir_decimal import DECIMAL_LEXICAL, FhirDecimal
from adapter.wire.json_codec import json_kind as _kind
from adapter.wire.layout import FHIR_NS, XHTML_NS, JsonKind, Kind, Layout, Layouts, Slot, core_layouts
from adapter.wire.limits import LIBXML2_MAX_DEPTH
from adapter.wire.safe_xml import parse_untrusted_xml

_XHTML_DIV = "{" + XHTML_NS + "}div"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_INDENTS = tuple("\n" + "  " * level for level in range(LIBXML2_MAX_DEPTH + 3))
_FLAT = ("",) * len(_INDENTS)
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)
_NEEDS_ESCAPE = re.compile('[&<>"\n\r\t]')
# Characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PRIMITIVE_EXTRAS = frozenset({"id", "extension"})
_ORDER = itemgetter(0)
_EXPECTED = {
    JsonKind.STRING: "a JSON string",
    JsonKind.BOOLEAN: "true or false",
    JsonKind.INTEGER: "a JSON integer",
    JsonKind.DECIMAL: "a JSON number",
}


def json_to_xml(resource: FhirJson, *, indent: bool = True) -> bytes:
    """Write one FHIR resource (JSON form) as FHIR XML, UTF-8 with an XML declaration.

    Raises InvalidFhir carrying every place where the JSON does not fit the R4 definitions.
    """
    path = str(resource.get("resourceType", "$this")) if isinstance(resource, dict) else "$this"
    writer = _Writer(core_layouts(), indent, check_characters=False)
    writer.resource(resource, path, 0)
    text = "".join(writer.parts)
    unwritable = _NOT_XML.search(text) is not None
    if unwritable:
        writer = _Writer(core_layouts(), indent, check_characters=True)
        writer.resource(resource, path, 0)
    if writer.issues or unwritable:
        raise InvalidFhir(OperationOutcome.of(writer.issues or [_unwritable(path)]))
    return text.encode("utf-8")


def shape_issues(resource: FhirJson) -> list[Issue]:
    """Every place where ``resource`` does not fit the R4 definitions' JSON shape (an unknown name, an
    array where max is 1, a number where an object belongs ...), each with its FHIRPath; empty when it
    fits. A reader's guard: code that walks a resource may then trust its shape.

    >>> shape_issues({"resourceType": "Patient", "name": "Ann"})[0].expression
    'Patient.name'
    """
    try:
        json_to_xml(resource, indent=False)
    except InvalidFhir as error:
        return list(error.outcome.issues)
    return []


def _unwritable(path: FhirPath) -> Issue:
    return Issue.error("value", "fhir-json.xml-char", "the resource holds a character XML cannot carry", path)


class _Writer:
    def __init__(self, layouts: Layouts, indent: bool, check_characters: bool) -> None:
        self.layouts = layouts
        self.by_key = layouts.by_key
        self.extension_slot = layouts.by_key["Element"].by_name["extension"]
        self.indents = _INDENTS if indent else _FLAT
        self.check_characters = check_characters
        self.parts: list[str] = [_DECLARATION]
        self.issues: list[Issue] = []

    def _issue(self, code: str, message_id: str, text: str, expression: FhirPath) -> None:
        self.issues.append(Issue.error(code, message_id, text, expression))

    def resource(self, resource: Any, path: FhirPath, depth: int) -> None:
        if not isinstance(resource, dict):
            self._issue(
                "structure",
                "fhir-json.type",
                f"a resource must be a JSON object, not {_kind(resource)}",
                path,
            )
            return
        type_name = resource.get("resourceType")
        layout = self.layouts.resource(type_name) if isinstance(type_name, str) else None
        if layout is None:
            text = (
                f"{type_name!r} is not a FHIR R4 resource type"
                if isinstance(type_name, str)
                else "a resource needs a resourceType string"
            )
            self._issue("structure", "fhir-json.resource-type", text, path)
            return
        self._element(layout.key, "" if depth else f' xmlns="{FHIR_NS}"', resource, layout, path, depth)

    def _element(
        self, name: str, attributes: str, node: FhirJson, layout: Layout, path: FhirPath, depth: int
    ) -> None:
        """``<name attributes>`` then the node's children in snapshot order, then ``</name>``."""
        parts = self.parts
        indent = self.indents[depth] if depth else ""
        if depth >= LIBXML2_MAX_DEPTH:  # depth 0 is the root, XML level 1
            self._issue(
                "too-costly",
                "fhir-json.too-deep",
                f"nesting is deeper than {LIBXML2_MAX_DEPTH} XML levels",
                path,
            )
            return
        by_name = layout.by_name
        entries: list[tuple[int, Slot, Any]] = []
        extras: dict[str, Any] | None = None
        own: dict[str, Any] | None = None
        for key, value in node.items():
            slot = by_name.get(key)
            if slot is not None:
                entries.append((slot.order, slot, value))
            elif key in layout.attributes:
                if own is None:
                    own = {}
                own[key] = value
            elif (
                key[:1] == "_" and (slot := by_name.get(key[1:])) is not None and slot.kind is Kind.PRIMITIVE
            ):
                if extras is None:
                    extras = {}
                extras[slot.name] = value
                if slot.name not in node:  # extensions without a value
                    entries.append((slot.order, slot, None))
            elif key != "resourceType" or not layout.is_resource:
                self._unknown(key, layout, path)
        if own is not None:
            for attribute in layout.attributes:  # snapshot order, whatever the JSON order
                if attribute in own:
                    attributes += self._attribute(attribute, own[attribute], f"{path}.{attribute}")
        if not entries:
            parts.append(f"{indent}<{name}{attributes}/>")
            return
        parts.append(f"{indent}<{name}{attributes}>")
        entries.sort(key=_ORDER)
        inner = self.indents[depth + 1]
        fast = not self.check_characters
        previous = -1
        for order, slot, value in entries:
            if order == previous:
                self._choice_issue(slot, entries, path)
            previous = order
            if slot.kind is Kind.PRIMITIVE:
                extra = extras.get(slot.name) if extras is not None else None
                if fast and extra is None and slot.is_text and type(value) is str and not slot.repeats:
                    # The common case, written inline: <name value="text"/>.
                    text = value.translate(_ESCAPES) if _NEEDS_ESCAPE.search(value) else value
                    parts.append(f'{inner}<{slot.name} value="{text}"/>')
                else:
                    self._primitives(slot, value, extra, f"{path}.{slot.name}", depth + 1)
            else:
                self._children(slot, value, f"{path}.{slot.name}", depth + 1)
        parts.append(f"{self.indents[depth]}</{name}>")

    def _choice_issue(self, slot: Slot, entries: list[tuple[int, Slot, Any]], path: FhirPath) -> None:
        names = " and ".join(other.name for order, other, _ in entries if order == slot.order)
        self._issue(
            "structure",
            "fhir-json.choice",
            f"{names} are types of the one choice {slot.element}; only one is allowed",
            f"{path}.{slot.name}",
        )

    def _children(self, slot: Slot, value: Any, path: FhirPath, depth: int) -> None:
        items = self._items(slot, value, path)
        kind = slot.kind
        for index, item in enumerate(items):
            here = f"{path}[{index}]" if slot.repeats else path
            if kind is Kind.COMPLEX:
                if not isinstance(item, dict) or not item:
                    self._issue(
                        "structure",
                        "fhir-json.type",
                        f"{slot.name} is a {slot.type_name}: a non-empty JSON object, not {_kind(item)}",
                        here,
                    )
                    continue
                self._element(slot.name, "", item, self.by_key[slot.layout], here, depth)
            elif kind is Kind.RESOURCE:
                self.parts.append(f"{self.indents[depth]}<{slot.name}>")
                self.resource(item, here, depth + 1)
                self.parts.append(f"{self.indents[depth]}</{slot.name}>")
            else:
                self._xhtml(item, here, depth)

    def _items(self, slot: Slot, value: Any, path: FhirPath) -> list[Any]:
        if slot.repeats:
            if isinstance(value, list) and value:
                return value
            self._issue(
                "structure",
                "fhir-json.array",
                f"{slot.name} repeats: it must be a non-empty JSON array, not {_kind(value)}",
                path,
            )
            return []
        if isinstance(value, list):
            self._issue(
                "structure",
                "fhir-json.array",
                f"{slot.name} has at most one value: it must not be an array",
                path,
            )
            return []
        return [value]

    def _primitives(self, slot: Slot, value: Any, extra: Any, path: FhirPath, depth: int) -> None:
        if not slot.repeats:
            if isinstance(value, list) or isinstance(extra, list):
                self._issue(
                    "structure",
                    "fhir-json.array",
                    f"{slot.name} has at most one value: it must not be an array",
                    path,
                )
                return
            self._primitive(slot, value, extra, path, depth)
            return
        values = value if value is not None else []
        extras = extra if extra is not None else []
        if not isinstance(values, list) or not isinstance(extras, list):
            self._issue(
                "structure",
                "fhir-json.array",
                f"{slot.name} repeats: it and _{slot.name} must be JSON arrays",
                path,
            )
            return
        if values and extras and len(values) != len(extras):
            self._issue(
                "structure",
                "fhir-json.alignment",
                f"{slot.name} has {len(values)} values but _{slot.name} has {len(extras)}; they must align",
                path,
            )
            return
        for index in range(max(len(values), len(extras))):
            self._primitive(
                slot,
                values[index] if values else None,
                extras[index] if extras else None,
                f"{path}[{index}]",
                depth,
            )

    def _primitive(self, slot: Slot, value: Any, extra: Any, path: FhirPath, depth: int) -> None:
        attributes = ""
        extensions = None
        if extra is not None:
            if not isinstance(extra, dict) or not extra.keys() <= _PRIMITIVE_EXTRAS:
                self._issue(
                    "structure",
                    "fhir-json.primitive-extra",
                    f"_{slot.name} may hold only id and extension",
                    path,
                )
                extra = None
            else:
                if "id" in extra:
                    attributes = self._attribute("id", extra["id"], f"{path}.id")
                extensions = extra.get("extension")
        if value is None:
            if not extra:
                self._issue(
                    "structure",
                    "fhir-json.null",
                    f"{slot.name} has neither a value nor an id or extension",
                    path,
                )
        else:
            text = self._lexical(value, slot, path)
            if text is not None:
                attributes += self._attribute("value", text, path)
        indent = self.indents[depth]
        if extensions is None:
            self.parts.append(f"{indent}<{slot.name}{attributes}/>")
            return
        self.parts.append(f"{indent}<{slot.name}{attributes}>")
        self._children(self.extension_slot, extensions, f"{path}.extension", depth + 1)
        self.parts.append(f"{indent}</{slot.name}>")

    def _lexical(self, value: Any, slot: Slot, path: FhirPath) -> str | None:
        primitive = slot.primitive
        json_kind = primitive.json if primitive is not None else JsonKind.STRING
        kind_of_value = type(value)
        if json_kind is JsonKind.STRING:
            if kind_of_value is str:
                return str(value)
        elif json_kind is JsonKind.BOOLEAN:
            if kind_of_value is bool:
                return "true" if value else "false"
        elif json_kind is JsonKind.INTEGER:
            # JSON has one kind of number: an integer is one whose text is an integer (-0, 10^30).
            if kind_of_value is int or (
                kind_of_value is FhirDecimal
                and primitive is not None
                and primitive.pattern is not None
                and primitive.pattern.fullmatch(str(value))
            ):
                return str(value)
        elif kind_of_value is FhirDecimal or kind_of_value is int:
            return str(value)
        elif isinstance(value, Decimal | float):
            text = repr(value) if isinstance(value, float) and math.isfinite(value) else str(value)
            if DECIMAL_LEXICAL.fullmatch(text):
                return text
        self._issue(
            "structure",
            "fhir-json.type",
            f"{slot.name} is a {slot.type_name}: expected {_EXPECTED[json_kind]}, not {_kind(value)}",
            path,
        )
        return None

    def _attribute(self, name: str, value: Any, path: FhirPath) -> str:
        """`` name="value"``, escaped; empty, with an Issue, when the value cannot be written."""
        if not isinstance(value, str):
            self._issue(
                "structure", "fhir-json.type", f"{name} must be a JSON string, not {_kind(value)}", path
            )
            return ""
        if self.check_characters and _NOT_XML.search(value):
            self._issue(
                "value",
                "fhir-json.xml-char",
                f"{name} holds a character XML cannot carry (a control character, U+FFFE/U+FFFF or "
                "an unpaired surrogate)",
                path,
            )
            return ""
        return f' {name}="{value.translate(_ESCAPES) if _NEEDS_ESCAPE.search(value) else value}"'

    def _xhtml(self, value: Any, path: FhirPath, depth: int) -> None:
        if not isinstance(value, str):
            self._issue(
                "structure", "fhir-json.type", f"div must be a string of XHTML, not {_kind(value)}", path
            )
            return
        try:
            div = parse_untrusted_xml(value.encode("utf-8", errors="surrogatepass"))
        except InvalidFhir as invalid:
            for issue in invalid.outcome.issues:
                self._issue(issue.code, issue.message_id, f"narrative div: {issue.text}", path)
            return
        if div.tag != _XHTML_DIV:
            self._issue(
                "structure",
                "fhir-json.narrative",
                f"the narrative must be one <div> in the XHTML namespace {XHTML_NS}",
                path,
            )
            return
        # Re-serialised from the parsed tree: well-formed, no XML declaration, entities expanded.
        self.parts.append(self.indents[depth] + etree.tostring(div, encoding="unicode"))

    def _unknown(self, key: str, layout: Layout, path: FhirPath) -> None:
        self._issue("structure", "fhir-json.unknown", f"{layout.key} has no element {key!r}", f"{path}.{key}")
