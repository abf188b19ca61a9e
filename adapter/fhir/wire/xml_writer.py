"""FHIR JSON -> FHIR XML, in the element order the StructureDefinitions give.

    >>> json_to_xml({"resourceType": "Patient", "name": [{"given": ["Ann"]}]}, indent=False)[-80:]
    b'<Patient xmlns="http://hl7.org/fhir"><name><given value="Ann"/></name></Patient>'

JSON names are put in snapshot order (XML requires it), primitives become ``value`` attributes with
their exact text (``FhirDecimal`` verbatim), ``_name`` objects become the primitive's ``id``
attribute and ``extension`` children, ``Element.id`` and ``Extension.url`` become attributes,
resources inside resources are wrapped in their element (``<contained><Patient>``), and the
narrative string is parsed (as untrusted XML) and placed as real XHTML. JSON that does not fit the
definitions - an unknown name, an array where max is 1, a string where a boolean belongs, arrays of
a primitive and its ``_name`` of different lengths - is collected into one InvalidFhir, each Issue
with its FHIRPath.
"""

from __future__ import annotations

import math
from decimal import Decimal
from operator import itemgetter
from typing import Any

from lxml import etree

from adapter.errors import InvalidFhir
from adapter.fhir.wire.fhir_decimal import DECIMAL_LEXICAL, FhirDecimal
from adapter.fhir.wire.layout import FHIR_NS, XHTML_NS, JsonKind, Kind, Layout, Layouts, Slot, core_layouts
from adapter.fhir.wire.limits import LIBXML2_MAX_DEPTH
from adapter.fhir.wire.safe_xml import parse_untrusted_xml
from adapter.outcome import Issue, OperationOutcome
from adapter.types import FhirJson, FhirPath

_FHIR = "{" + FHIR_NS + "}"
_EXTENSION_TAG = _FHIR + "extension"
_XHTML_DIV = "{" + XHTML_NS + "}div"
_INDENTS = tuple("\n" + "  " * level for level in range(LIBXML2_MAX_DEPTH + 2))
_PRIMITIVE_EXTRAS = frozenset({"id", "extension"})


def json_to_xml(resource: FhirJson, *, indent: bool = True) -> bytes:
    """Write one FHIR resource (JSON form) as FHIR XML, UTF-8 with an XML declaration.

    Raises InvalidFhir carrying every place where the JSON does not fit the R4 definitions.
    """
    writer = _Writer(core_layouts(), indent)
    root = writer.resource(resource, None, str(resource.get("resourceType", "$this")), 1)
    if writer.issues or root is None:
        raise InvalidFhir(OperationOutcome.of(writer.issues))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class _Writer:
    def __init__(self, layouts: Layouts, indent: bool) -> None:
        self.layouts = layouts
        self.by_key = layouts.by_key
        self.extension_slot = layouts.by_key["Element"].by_name["extension"]
        self.indent = indent
        self.issues: list[Issue] = []

    def _issue(self, code: str, message_id: str, text: str, expression: FhirPath) -> None:
        self.issues.append(Issue.error(code, message_id, text, expression))

    def resource(
        self, resource: Any, parent: etree._Element | None, path: FhirPath, depth: int
    ) -> etree._Element | None:
        if not isinstance(resource, dict):
            self._issue(
                "structure",
                "fhir-json.type",
                f"a resource must be a JSON object, not {_kind(resource)}",
                path,
            )
            return None
        type_name = resource.get("resourceType")
        layout = self.layouts.resource(type_name) if isinstance(type_name, str) else None
        if layout is None:
            text = (
                f"{type_name!r} is not a FHIR R4 resource type"
                if isinstance(type_name, str)
                else "a resource needs a resourceType string"
            )
            self._issue("structure", "fhir-json.resource-type", text, path)
            return None
        tag = _FHIR + layout.key
        if parent is None:
            # FHIR as the default namespace; lxml-stubs type nsmap keys as str, lxml takes None.
            element = etree.Element(tag, nsmap={None: FHIR_NS})  # type: ignore[dict-item]
        else:
            element = etree.SubElement(parent, tag)
        self._fill(element, resource, layout, path, depth)
        return element

    def _fill(
        self, element: etree._Element, node: FhirJson, layout: Layout, path: FhirPath, depth: int
    ) -> None:
        if depth > LIBXML2_MAX_DEPTH:
            self._issue(
                "too-costly",
                "fhir-json.too-deep",
                f"nesting is deeper than {LIBXML2_MAX_DEPTH} XML levels",
                path,
            )
            return
        by_name = layout.by_name
        found: dict[str, list[Any]] = {}
        attributes: dict[str, Any] = {}
        for key, value in node.items():
            if key in layout.attributes:
                attributes[key] = value
            elif key[0] == "_":
                slot = by_name.get(key[1:])
                if slot is None or slot.kind is not Kind.PRIMITIVE:
                    self._unknown(key, layout, path)
                    continue
                entry = found.get(slot.name)
                if entry is None:
                    found[slot.name] = [slot.order, slot, None, value]
                else:
                    entry[3] = value
            else:
                slot = by_name.get(key)
                if slot is None:
                    if key != "resourceType" or not layout.is_resource:
                        self._unknown(key, layout, path)
                    continue
                entry = found.get(key)
                if entry is None:
                    found[key] = [slot.order, slot, value, None]
                else:
                    entry[2] = value
        for name in layout.attributes:  # snapshot order, whatever the JSON order
            if name in attributes:
                self._attribute(element, name, attributes[name], f"{path}.{name}")
        entries = sorted(found.values(), key=itemgetter(0)) if len(found) > 1 else found.values()
        previous: Slot | None = None
        for _, slot, value, extra in entries:
            if previous is not None and previous.order == slot.order:
                self._issue(
                    "structure",
                    "fhir-json.choice",
                    f"{previous.name} and {slot.name} are two types of {slot.element}; one is allowed",
                    f"{path}.{slot.name}",
                )
            previous = slot
            self._emit(element, slot, value, extra, f"{path}.{slot.name}", depth)
        if self.indent and len(element):
            self._indent(element, depth)

    def _emit(
        self, element: etree._Element, slot: Slot, value: Any, extra: Any, path: FhirPath, depth: int
    ) -> None:
        kind = slot.kind
        if kind is Kind.PRIMITIVE:
            self._primitives(element, slot, value, extra, path, depth)
            return
        items = self._items(slot, value, path)
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
                child = etree.SubElement(element, slot.tag)
                self._fill(child, item, self.by_key[slot.layout], here, depth + 1)
            elif kind is Kind.RESOURCE:
                wrapper = etree.SubElement(element, slot.tag)
                self.resource(item, wrapper, here, depth + 2)
                if self.indent and len(wrapper):
                    self._indent(wrapper, depth + 1)
            else:
                self._xhtml(element, item, here)

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

    def _primitives(
        self, element: etree._Element, slot: Slot, value: Any, extra: Any, path: FhirPath, depth: int
    ) -> None:
        if not slot.repeats:
            if isinstance(value, list) or isinstance(extra, list):
                self._issue(
                    "structure",
                    "fhir-json.array",
                    f"{slot.name} has at most one value: it must not be an array",
                    path,
                )
                return
            self._primitive(etree.SubElement(element, slot.tag), slot, value, extra, path, depth)
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
                etree.SubElement(element, slot.tag),
                slot,
                values[index] if values else None,
                extras[index] if extras else None,
                f"{path}[{index}]",
                depth,
            )

    def _primitive(
        self, element: etree._Element, slot: Slot, value: Any, extra: Any, path: FhirPath, depth: int
    ) -> None:
        if extra is not None:
            if not isinstance(extra, dict) or not extra.keys() <= _PRIMITIVE_EXTRAS:
                self._issue(
                    "structure",
                    "fhir-json.primitive-extra",
                    f"_{slot.name} may hold only id and extension",
                    path,
                )
                extra = None
            elif "id" in extra:
                self._attribute(element, "id", extra["id"], f"{path}.id")
        if value is None:
            if extra is None or not extra:
                self._issue(
                    "structure",
                    "fhir-json.null",
                    f"{slot.name} has neither a value nor an id or extension",
                    path,
                )
        else:
            text = self._lexical(value, slot, path)
            if text is not None:
                self._attribute(element, "value", text, path)
        if extra and "extension" in extra:
            self._emit(element, self.extension_slot, extra["extension"], None, f"{path}.extension", depth + 1)
            if self.indent and len(element):
                self._indent(element, depth + 1)

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
            if kind_of_value is int:
                return str(value)
        elif kind_of_value is FhirDecimal or kind_of_value is int:
            return str(value)
        elif isinstance(value, Decimal | float) and not isinstance(value, bool):
            text = repr(value) if isinstance(value, float) and math.isfinite(value) else str(value)
            if DECIMAL_LEXICAL.fullmatch(text):
                return text
        expected = {
            JsonKind.STRING: "a JSON string",
            JsonKind.BOOLEAN: "true or false",
            JsonKind.INTEGER: "a JSON integer",
            JsonKind.DECIMAL: "a JSON number",
        }[json_kind]
        self._issue(
            "structure",
            "fhir-json.type",
            f"{slot.name} is a {slot.type_name}: expected {expected}, not {_kind(value)}",
            path,
        )
        return None

    def _attribute(self, element: etree._Element, name: str, value: Any, path: FhirPath) -> None:
        if not isinstance(value, str):
            self._issue(
                "structure", "fhir-json.type", f"{name} must be a JSON string, not {_kind(value)}", path
            )
            return
        try:
            element.set(name, value)
        except ValueError:
            self._issue(
                "value",
                "fhir-json.xml-char",
                f"{name} holds a character XML cannot carry (NUL or a control character)",
                path,
            )

    def _xhtml(self, element: etree._Element, value: Any, path: FhirPath) -> None:
        if not isinstance(value, str):
            self._issue(
                "structure", "fhir-json.type", f"div must be a string of XHTML, not {_kind(value)}", path
            )
            return
        try:
            div = parse_untrusted_xml(value.encode("utf-8"))
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
        element.append(div)

    def _unknown(self, key: str, layout: Layout, path: FhirPath) -> None:
        self._issue("structure", "fhir-json.unknown", f"{layout.key} has no element {key!r}", f"{path}.{key}")

    def _indent(self, element: etree._Element, depth: int) -> None:
        # Whitespace only between FHIR elements: the narrative's own text is never touched.
        inner = _INDENTS[depth]
        element.text = inner
        child = None
        for child in element:
            child.tail = inner
        if child is not None:
            child.tail = _INDENTS[depth - 1]


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
