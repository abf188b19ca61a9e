"""What the XML codec knows about each FHIR type, compiled once from its StructureDefinition snapshot.

A :class:`Layout` is one type's (or one BackboneElement's) children in snapshot order, which XML
needs when writing and checks when reading. Each child is a :class:`Slot`: its JSON/XML name, its
position, whether it repeats (``max != "1"``), what it holds (a primitive, a complex type, a
resource, or XHTML) and, for complex children, the key of the child Layout. A choice element
``value[x]`` becomes one Slot per type (``valueQuantity``, ``valueString``...) sharing one position.
Elements drawn with ``representation: xmlAttr`` (``Element.id``, ``Extension.url``) are XML
attributes, listed apart in snapshot order.

    >>> layouts = Layouts(Definitions.core_only())
    >>> slot = layouts.by_key["Observation"].by_name["valueQuantity"]
    >>> slot.element, slot.kind.name, slot.layout
    ('value[x]', 'COMPLEX', 'Quantity')

Layouts are compiled on first use and cached by key: a type name (``HumanName``, ``Patient``) or a
BackboneElement's path (``Questionnaire.item``, which ``Questionnaire.item.item`` reaches through its
``contentReference``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

from adapter.definitions import Definitions
from adapter.errors import DefinitionNotFound
from adapter.types import FhirJson

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"

_FHIR_TYPE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
_REGEX_EXTENSION = "http://hl7.org/fhir/StructureDefinition/regex"
_SYSTEM_PREFIX = "http://hl7.org/fhirpath/System."


class Kind(Enum):
    """What a child element holds, which decides how it is drawn in XML."""

    PRIMITIVE = "primitive"  # <name value="..."/> with optional id attribute and extensions
    COMPLEX = "complex"  # <name>children</name>
    RESOURCE = "resource"  # <name><Patient>...</Patient></name>
    XHTML = "xhtml"  # <div xmlns="http://www.w3.org/1999/xhtml">...</div>


class JsonKind(Enum):
    """How a primitive's value is spelled in JSON, from the type of its ``value`` element."""

    STRING = "string"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    DECIMAL = "decimal"


_JSON_KIND_BY_SYSTEM_TYPE = {
    "Boolean": JsonKind.BOOLEAN,
    "Integer": JsonKind.INTEGER,
    "Decimal": JsonKind.DECIMAL,
}


@dataclass(frozen=True, slots=True)
class Primitive:
    """A primitive type: its name, its JSON spelling, and its lexical rule where JSON is not a string."""

    name: str
    json: JsonKind
    pattern: re.Pattern[str] | None


@dataclass(frozen=True, slots=True, eq=False)
class Slot:
    """One child element (one type of a choice) of a Layout. Compared by identity: one per compile."""

    name: str
    element: str
    order: int
    repeats: bool
    kind: Kind
    type_name: str
    layout: str
    tag: str
    primitive: Primitive | None
    is_text: bool  # a primitive spelled as a JSON string: the readers' and writers' fast path


@dataclass(frozen=True, slots=True, eq=False)
class Layout:
    """One type's children in snapshot order, indexed by JSON name and by XML tag."""

    key: str
    is_resource: bool
    slots: tuple[Slot, ...]
    by_name: Mapping[str, Slot]
    by_tag: Mapping[str, Slot]
    attributes: tuple[str, ...]


class _CompilingCache(dict[str, Layout]):
    """A dict that compiles a Layout on the first lookup of its key: one subscript on the hot path."""

    def __init__(self, compile_layout: Callable[[str], Layout]) -> None:
        super().__init__()
        self._compile = compile_layout

    def __missing__(self, key: str) -> Layout:
        made = self[key] = self._compile(key)
        return made


class Layouts:
    """Layouts compiled from one Definitions chain, each on first use."""

    def __init__(self, definitions: Definitions) -> None:
        self._definitions = definitions
        self._children: dict[str, dict[str, list[FhirJson]]] = {}
        self._structure: dict[str, FhirJson] = {}
        self._primitives: dict[str, Primitive] = {}
        self.by_key: dict[str, Layout] = _CompilingCache(self._compile)

    def resource(self, type_name: str) -> Layout | None:
        """The Layout of a concrete resource type, or None when ``type_name`` is not one."""
        structure = self._structure_of(type_name)
        if structure is None or structure.get("kind") != "resource" or structure.get("abstract"):
            return None
        return self.by_key[type_name]

    def _structure_of(self, type_name: str) -> FhirJson | None:
        if type_name not in self._structure:
            if not type_name.isidentifier():
                return None
            try:
                found = self._definitions.structure_definition(type_name)
            except DefinitionNotFound:
                return None
            if found.get("derivation") == "constraint" or "snapshot" not in found:
                return None
            self._structure[type_name] = found
        return self._structure[type_name]

    def _compile(self, key: str) -> Layout:
        type_name = key.split(".", 1)[0]
        structure = self._structure_of(type_name)
        if structure is None:
            raise DefinitionNotFound.single(
                "not-found", "wire.unknown-type", f"no StructureDefinition snapshot for type {type_name!r}"
            )
        children = self._children_index(type_name, structure)
        slots: list[Slot] = []
        attributes: list[str] = []
        for order, element in enumerate(children.get(key, ())):
            name = element["path"].rsplit(".", 1)[1]
            if "xmlAttr" in element.get("representation", ()):
                attributes.append(name)
                continue
            slots.extend(self._slots(element, name, order, children))
        return Layout(
            key=key,
            is_resource="." not in key and structure.get("kind") == "resource",
            slots=tuple(slots),
            by_name={slot.name: slot for slot in slots},
            by_tag={slot.tag: slot for slot in slots},
            attributes=tuple(attributes),
        )

    def _children_index(self, type_name: str, structure: FhirJson) -> dict[str, list[FhirJson]]:
        index = self._children.get(type_name)
        if index is None:
            index = {}
            for element in structure["snapshot"]["element"][1:]:
                parent = element["path"].rsplit(".", 1)[0]
                index.setdefault(parent, []).append(element)
            # Keys of nested elements are their paths in this type; the root's key is the type name.
            root_path = structure["snapshot"]["element"][0]["path"]
            if root_path != type_name and root_path in index:
                index[type_name] = index.pop(root_path)
            self._children[type_name] = index
        return index

    def _slots(
        self, element: FhirJson, name: str, order: int, children: dict[str, list[FhirJson]]
    ) -> list[Slot]:
        repeats = element.get("max", "1") not in ("0", "1")
        reference = element.get("contentReference")
        if reference:
            target = reference.rsplit("#", 1)[1]
            return [_slot(name, name, order, repeats, Kind.COMPLEX, "BackboneElement", target, None)]
        codes = [_type_code(entry) for entry in element.get("type", ())]
        is_choice = name.endswith("[x]")
        made = []
        for code in codes:
            json_name = name[:-3] + code[0].upper() + code[1:] if is_choice else name
            if code in ("BackboneElement", "Element") and element["path"] in children:
                made.append(_slot(json_name, name, order, repeats, Kind.COMPLEX, code, element["path"], None))
                continue
            kind = self._kind_of(code)
            primitive = self._primitive(code) if kind is Kind.PRIMITIVE else None
            made.append(_slot(json_name, name, order, repeats, kind, code, code, primitive))
        return made

    def _kind_of(self, code: str) -> Kind:
        structure = self._structure_of(code)
        if structure is None:
            raise DefinitionNotFound.single(
                "not-found", "wire.unknown-type", f"no StructureDefinition snapshot for type {code!r}"
            )
        kind = structure.get("kind")
        if kind == "resource":
            return Kind.RESOURCE
        if kind == "primitive-type":
            return Kind.XHTML if code == "xhtml" else Kind.PRIMITIVE
        return Kind.COMPLEX

    def _primitive(self, code: str) -> Primitive:
        known = self._primitives.get(code)
        if known is None:
            structure = self._structure_of(code)
            value: FhirJson = (
                next((e for e in structure["snapshot"]["element"] if e["path"] == f"{code}.value"), {})
                if structure
                else {}
            )
            value_type: FhirJson = (value.get("type") or [{}])[0]
            system = str(value_type.get("code", "")).removeprefix(_SYSTEM_PREFIX)
            json_kind = _JSON_KIND_BY_SYSTEM_TYPE.get(system, JsonKind.STRING)
            base = str((structure or {}).get("baseDefinition", "")).rsplit("/", 1)[-1]
            if json_kind is JsonKind.STRING and base != "Element" and self._structure_of(base):
                # R4 types unsignedInt.value and positiveInt.value as System.String; they are
                # integers on the wire, as their base type says.
                json_kind = self._primitive(base).json
            regex = _extension_value(value_type, _REGEX_EXTENSION)
            pattern = re.compile(regex) if regex and json_kind is not JsonKind.STRING else None
            known = self._primitives[code] = Primitive(code, json_kind, pattern)
        return known


def _slot(
    name: str,
    element: str,
    order: int,
    repeats: bool,
    kind: Kind,
    type_name: str,
    layout: str,
    primitive: Primitive | None,
) -> Slot:
    namespace = XHTML_NS if kind is Kind.XHTML else FHIR_NS
    return Slot(
        name=name,
        element=element,
        order=order,
        repeats=repeats,
        kind=kind,
        type_name=type_name,
        layout=layout if kind is Kind.COMPLEX else "",
        tag=f"{{{namespace}}}{name}",
        primitive=primitive,
        is_text=primitive is not None and primitive.json is JsonKind.STRING,
    )


def _type_code(entry: FhirJson) -> str:
    code = str(entry["code"])
    if code.startswith(_SYSTEM_PREFIX):
        # Element.id, Resource.id and Extension.url are typed as FHIRPath system types in the
        # snapshot; the FHIR type they are drawn as is in an extension.
        return _extension_value(entry, _FHIR_TYPE_EXTENSION) or "string"
    return code


def _extension_value(entry: FhirJson, url: str) -> str | None:
    for extension in entry.get("extension", ()):
        if extension.get("url") == url:
            value: Any = extension.get("valueUrl", extension.get("valueString"))
            return str(value) if value is not None else None
    return None


@cache
def core_layouts() -> Layouts:
    """Layouts of the bundled R4 core definitions (shared, compiled on demand)."""
    return Layouts(Definitions.core_only())
