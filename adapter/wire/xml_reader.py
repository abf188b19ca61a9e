"""FHIR XML -> FHIR JSON, checked against the StructureDefinitions as it is read.

    >>> xml_to_json(b'<Patient xmlns="http://hl7.org/fhir"><name><given value="Ann"/></name></Patient>')
    {'resourceType': 'Patient', 'name': [{'given': ['Ann']}]}

Reading walks each element against its type's compiled :class:`Layout` and collects every problem
before raising one InvalidFhir: unknown elements, elements out of the definition's order, a second
occurrence of a non-repeating element, two types of one choice, a ``value`` attribute on a complex
type, text where FHIR has none, a primitive whose text breaks its type's lexical rule. Each Issue's
``expression`` is the FHIRPath of the element with indices (``Patient.name[0].given[1]``); a choice
is named by its typed JSON name (``Observation.valueQuantity``) and a resource inside another by
its wrapper (``Bundle.entry[0].resource.id``). :func:`read_xml_collecting` returns what could be
read beside those problems instead of raising, for a validator that reports them and goes on.

The JSON form follows the FHIR JSON rules: arrays for every element whose max is not 1, primitives
as JSON strings, booleans and numbers (decimals as :class:`FhirDecimal`, exact), ``_name`` for a
primitive's id and extensions (aligned arrays with nulls when it repeats), the narrative ``div`` as
a string of XHTML.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, cast

from lxml import etree

from adapter.errors import InvalidFhir
from adapter.outcome import Issue, OperationOutcome
from adapter.text import control_issues
from adapter.types import FhirJson, FhirPath
from adapter.wire.fhir_decimal import FhirDecimal
from adapter.wire.layout import FHIR_NS, JsonKind, Kind, Layout, Layouts, Slot, core_layouts
from adapter.wire.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_XML_DEPTH
from adapter.wire.safe_xml import parse_untrusted_xml

_FHIR = "{" + FHIR_NS + "}"
_EXTENSION_TAG = _FHIR + "extension"
_MAY_HOLD_CONTROL = re.compile(rb"\x7f|\xc2[\x80-\x9f]|&#")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SCHEMA_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
_STRAY_TEXT = etree.XPath("boolean(//f:*/text()[normalize-space()])", namespaces={"f": FHIR_NS})


def _may_hold_control(data: bytes) -> bool:
    """Whether the text read could hold a control character XML 1.0 lets through (DEL, C1, or any
    character reference); UTF-16 input is always looked at."""
    return b"\x00" in data[:4] or data[:2] in _UTF16_BOMS or _MAY_HOLD_CONTROL.search(data) is not None


def xml_to_json(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_XML_DEPTH
) -> FhirJson:
    """Read one FHIR XML resource (untrusted bytes) into its FHIR JSON form.

    Raises InvalidFhir carrying every problem found, each with its FHIRPath ``expression``.
    """
    reading = read_xml_collecting(data, max_bytes=max_bytes, max_depth=max_depth)
    if reading.issues or reading.resource is None:
        raise InvalidFhir(OperationOutcome.of(reading.issues))
    return reading.resource


@dataclass(frozen=True, slots=True)
class XmlReading:
    """What a FHIR XML document held: the JSON form of what could be read, and every problem."""

    resource: FhirJson | None
    issues: list[Issue]


def read_xml_collecting(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_XML_DEPTH,
    schema_location: bool = True,
) -> XmlReading:
    """Read well-formed FHIR XML as far as it goes, keeping every problem beside the result.

    For a validator, which reports the reader's problems and then validates what was read, as the
    HL7 reference validator does. Unknown elements and attributes are left out of the result; stray
    text is ignored. ``schema_location=False`` reports ``xsi:schemaLocation`` as an undefined
    attribute (the reference validator does; the codec otherwise accepts it). XML that is not
    well-formed, or too large or deep, still raises InvalidFhir.
    """
    root = parse_untrusted_xml(data, max_bytes=max_bytes, max_depth=max_depth)
    reader = _Reader(core_layouts(), check_text=bool(_STRAY_TEXT(root)), schema_location=schema_location)
    resource = reader.resource(root, None)
    issues = reader.issues
    if resource is not None and _may_hold_control(data):
        issues += control_issues(resource, str(resource.get("resourceType", "$this")))
    return XmlReading(resource, issues)


class _Reader:
    def __init__(self, layouts: Layouts, check_text: bool, schema_location: bool = True) -> None:
        self.layouts = layouts
        self.by_key = layouts.by_key
        self.extension = layouts.by_key["Extension"]
        # FHIR elements hold no text; one XPath over the document says whether any does, so only
        # then is every element's text looked at (to name where).
        self.check_text = check_text
        self.schema_location = schema_location
        self.issues: list[Issue] = []

    def _issue(self, code: str, message_id: str, text: str, expression: FhirPath) -> None:
        self.issues.append(Issue.error(code, message_id, text, expression))

    def resource(self, element: etree._Element, path: FhirPath | None) -> FhirJson | None:
        tag = element.tag
        local = etree.QName(element).localname if isinstance(tag, str) else str(tag)
        here = path or local
        if not isinstance(tag, str) or not tag.startswith(_FHIR):
            namespace = etree.QName(element).namespace if isinstance(tag, str) else None
            self._issue(
                "structure",
                "xml.namespace",
                f"<{local}> is not in the FHIR namespace {FHIR_NS} (found {namespace or 'no namespace'})",
                here,
            )
            return None
        layout = self.layouts.resource(local)
        if layout is None:
            self._issue(
                "structure", "xml.unknown-resource", f"{local!r} is not a FHIR R4 resource type", here
            )
            return None
        for name, _ in element.items():
            if name != _SCHEMA_LOCATION or not self.schema_location:
                self._issue(
                    "structure",
                    "xml.unknown-attribute",
                    f"a resource element has no attribute {name!r}",
                    here,
                )
        resource: FhirJson = {"resourceType": local}
        self._children(element, layout, resource, here)
        return resource

    def _children(self, element: etree._Element, layout: Layout, out: FhirJson, path: FhirPath) -> None:
        check_text = self.check_text
        if check_text:
            self._check_text(element, path)
        by_tag = layout.by_tag
        last: Slot | None = None
        nulls: list[str] = []
        for child in element:
            tag = child.tag
            slot = by_tag.get(tag)
            if slot is None:
                if tag.__class__ is str:  # not a comment or processing instruction
                    self._unknown(child, layout, path)
                continue
            if last is None or slot.order > last.order:
                last = slot
            elif slot.order < last.order or slot is not last or not slot.repeats:
                self._sequence_issue(slot, last, path)
            if slot.is_text and not check_text:
                # The common case, read inline: <name value="text"/> and nothing else.
                attributes = child.items()
                if len(attributes) == 1 and attributes[0][0] == "value" and not len(child):
                    if slot.repeats:
                        values = out.get(slot.name)
                        if values is None:
                            out[slot.name] = [attributes[0][1]]
                        else:
                            values.append(attributes[0][1])
                            extras = out.get("_" + slot.name)
                            if extras is not None:
                                extras.append(None)
                    else:
                        out[slot.name] = attributes[0][1]
                    continue
            name = slot.name
            kind = slot.kind
            if kind is Kind.PRIMITIVE:
                if slot.repeats:
                    values = out.get(name)
                    if values is None:
                        values = out[name] = []
                    value, extra = self._primitive(child, slot, f"{path}.{name}[{len(values)}]")
                    values.append(value)
                    extras = out.get("_" + name)
                    if extra is not None and extras is None:
                        extras = out["_" + name] = [None] * (len(values) - 1)
                    if extras is not None:
                        extras.append(extra)
                    if value is None:
                        nulls.append(name)
                else:
                    value, extra = self._primitive(child, slot, f"{path}.{name}")
                    if value is not None:
                        out[name] = value
                    if extra is not None:
                        out["_" + name] = extra
            elif kind is Kind.COMPLEX:
                if slot.repeats:
                    items = out.get(name)
                    if items is None:
                        items = out[name] = []
                    items.append(
                        self._complex(child, self.by_key[slot.layout], f"{path}.{name}[{len(items)}]")
                    )
                else:
                    out[name] = self._complex(child, self.by_key[slot.layout], f"{path}.{name}")
            elif kind is Kind.RESOURCE:
                if slot.repeats:
                    items = out.get(name)
                    if items is None:
                        items = out[name] = []
                    inner = self._wrapped(child, f"{path}.{name}[{len(items)}]")
                    items.append(inner)
                else:
                    inner = self._wrapped(child, f"{path}.{name}")
                    if inner is not None:
                        out[name] = inner
            else:
                out[name] = _xhtml_text(child)
        for name in nulls:
            # Only extensions, no values: FHIR JSON then leaves the value array out.
            if name in out and all(value is None for value in out[name]):
                del out[name]

    def _sequence_issue(self, slot: Slot, last: Slot, path: FhirPath) -> None:
        """An element out of the definition's order, a second type of a choice, or a repeat of max 1."""
        if slot.order < last.order:
            message_id = "xml.order"
            text = f"<{slot.name}> is out of order: the definition puts it before <{last.name}>"
        elif slot is not last:
            message_id = "xml.choice"
            text = (
                f"<{slot.name}> and <{last.name}> are two types of the choice {slot.element}; one is allowed"
            )
        else:
            message_id = "xml.repeats"
            text = f"<{slot.name}> appears more than once but its definition allows at most one"
        self._issue("structure", message_id, text, f"{path}.{slot.name}")

    def _complex(self, element: etree._Element, layout: Layout, path: FhirPath) -> FhirJson:
        out: FhirJson = {}
        for name, value in _attributes(element):
            if name in layout.attributes:
                out[name] = value
            elif name == "value":
                self._issue(
                    "structure",
                    "xml.value-on-complex",
                    f"a value attribute is not allowed on {layout.key}, a complex type",
                    path,
                )
            else:
                self._issue(
                    "structure",
                    "xml.unknown-attribute",
                    f"{layout.key} has no attribute {name!r}",
                    path,
                )
        self._children(element, layout, out, path)
        if not out and not any(child.tag.__class__ is str for child in element):
            # Children that are all unknown have each been reported already.
            self._issue(
                "structure", "xml.empty", "an element must have a value or children (FHIR rule ele-1)", path
            )
        return out

    def _primitive(self, element: etree._Element, slot: Slot, path: FhirPath) -> tuple[Any, FhirJson | None]:
        text: str | None = None
        extra: FhirJson | None = None
        for name, value in _attributes(element):
            if name == "value":
                text = value
            elif name == "id":
                extra = {"id": value}
            else:
                self._issue(
                    "structure", "xml.unknown-attribute", f"{slot.type_name} has no attribute {name!r}", path
                )
        if len(element) or self.check_text:
            extensions = self._primitive_children(element, slot, path)
            if extensions:
                extra = extra or {}
                extra["extension"] = extensions
        if text is None:
            if extra is None:
                self._issue(
                    "structure",
                    "xml.empty",
                    f"<{slot.name}> has no value attribute and no extension (FHIR rule ele-1)",
                    path,
                )
            return None, extra
        return self._value(text, slot, path), extra

    def _primitive_children(self, element: etree._Element, slot: Slot, path: FhirPath) -> list[FhirJson]:
        if self.check_text:
            self._check_text(element, path)
        extensions: list[FhirJson] = []
        for child in element:
            if child.tag.__class__ is not str:
                continue
            if child.tag == _EXTENSION_TAG:
                extensions.append(
                    self._complex(child, self.extension, f"{path}.extension[{len(extensions)}]")
                )
            else:
                self._issue(
                    "structure",
                    "xml.unknown-element",
                    f"{slot.type_name} is a primitive: only id and extension may be inside it, "
                    f"not <{etree.QName(child).localname}>",
                    f"{path}.{etree.QName(child).localname}",
                )
        return extensions

    def _value(self, text: str, slot: Slot, path: FhirPath) -> Any:
        primitive = slot.primitive
        if primitive is None or primitive.json is JsonKind.STRING:
            return text
        if primitive.pattern is not None and primitive.pattern.fullmatch(text) is None:
            self._issue(
                "value",
                "xml.lexical",
                f"{text!r} is not a valid {primitive.name} (it must match {primitive.pattern.pattern})",
                path,
            )
            return text  # kept as read, so the element does not also look empty; the read fails anyway
        if primitive.json is JsonKind.BOOLEAN:
            return text == "true"
        if primitive.json is JsonKind.INTEGER:
            return int(text)
        try:
            return FhirDecimal.trusted(text) if primitive.pattern is not None else FhirDecimal(text)
        except ValueError as error:
            self._issue("value", "xml.lexical", f"{primitive.name}: {error}", path)
            return text

    def _wrapped(self, element: etree._Element, path: FhirPath) -> FhirJson | None:
        for name, _ in element.items():
            self._issue(
                "structure", "xml.unknown-attribute", f"a resource container has no attribute {name!r}", path
            )
        if self.check_text:
            self._check_text(element, path)
        inner = [child for child in element if child.tag.__class__ is str]
        if len(inner) != 1:
            self._issue(
                "structure",
                "xml.resource-container",
                f"<{etree.QName(element).localname}> must hold exactly one resource; it holds {len(inner)}",
                path,
            )
            return None
        return self.resource(inner[0], path)

    def _unknown(self, child: etree._Element, layout: Layout, path: FhirPath) -> None:
        qname = etree.QName(child)
        where = f"namespace {qname.namespace}" if qname.namespace else "no namespace"
        expected = next((slot for slot in layout.slots if slot.name == qname.localname), None)
        if expected is not None:
            namespace = etree.QName(expected.tag).namespace
            text = f"<{qname.localname}> must be in the namespace {namespace}, not in {where}"
        elif qname.namespace != FHIR_NS:
            text = f"<{qname.localname}> ({where}) is not a FHIR element; FHIR elements are in {FHIR_NS}"
        elif any(slot.element == qname.localname + "[x]" for slot in layout.slots):
            text = f"<{qname.localname}> is a choice: name it with its type, e.g. <{qname.localname}String>"
        else:
            text = f"{layout.key} has no element <{qname.localname}>"
        self._issue("structure", "xml.unknown-element", text, f"{path}.{qname.localname}")

    def _check_text(self, element: etree._Element, path: FhirPath) -> None:
        """One Issue for each piece of text the element holds (before or between its children)."""
        for piece in [element.text, *(child.tail for child in element)]:
            if piece is not None and not piece.isspace():
                self._text_issue(path, piece.strip())

    def _text_issue(self, path: FhirPath, piece: str) -> None:
        self._issue(
            "structure",
            "xml.text",
            f"text is not allowed here ({piece[:60]!r}): FHIR XML carries values in value attributes",
            path,
        )


def _xhtml_text(div: etree._Element) -> str:
    """The narrative as a string; a copy first, so namespaces declared above it but unused go."""
    alone = copy.deepcopy(div)
    alone.tail = None
    etree.cleanup_namespaces(alone)
    return etree.tostring(alone, encoding="unicode")


def _attributes(element: etree._Element) -> list[tuple[str, str]]:
    # lxml hands attribute names and values over as str (lxml-stubs allow bytes too).
    return cast("list[tuple[str, str]]", element.items())
