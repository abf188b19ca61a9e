"""Compile a StructureDefinition snapshot into :class:`StructureRecord` trees.

The snapshot is a flat, depth-first list of ElementDefinitions; each gets an id computed from its
path and slice name (so snapshots without ids compile too), then the list is folded into a tree:
an element's children, and - for a sliced element - its slices, each with its own children.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from adapter.types import FhirJson
from adapter.validation.records import (
    PRIMITIVE_TYPES,
    Binding,
    Constraint,
    ContextRule,
    Discriminator,
    ElementRecord,
    Slicing,
    StructureRecord,
    TypeRef,
)

FHIR_TYPE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"

# The R4 snapshots type the primitive ids and urls with FHIRPath system types; these are the FHIR
# types the JSON carries.
SYSTEM_TYPES = {
    "http://hl7.org/fhirpath/System.String": "string",
    "http://hl7.org/fhirpath/System.Boolean": "boolean",
    "http://hl7.org/fhirpath/System.Integer": "integer",
    "http://hl7.org/fhirpath/System.Decimal": "decimal",
    "http://hl7.org/fhirpath/System.Date": "date",
    "http://hl7.org/fhirpath/System.DateTime": "dateTime",
    "http://hl7.org/fhirpath/System.Time": "time",
}


def compile_structure(definition: FhirJson, elements: Sequence[FhirJson]) -> StructureRecord:
    """Fold a snapshot element list into a :class:`StructureRecord`."""
    source = str(definition.get("url", ""))
    nodes: dict[str, _Node] = {}
    order: list[_Node] = []
    last_id_for_path: dict[str, str] = {}
    for element in elements:
        path = str(element.get("path", ""))
        parent_path, _, name = path.rpartition(".")
        parent_id = last_id_for_path.get(parent_path, parent_path) if parent_path else ""
        slice_name = element.get("sliceName")
        own = f"{parent_id}.{name}" if parent_id else name
        element_id = f"{own}:{slice_name}" if slice_name else own
        last_id_for_path[path] = element_id
        node = _Node(element_id, element)
        nodes[element_id] = node
        order.append(node)
        if slice_name and own in nodes:
            # A re-slice (``vs/one``) is a slice of its slice (``vs``), which holds the re-slicing.
            refined = nodes.get(f"{own}:{slice_name.rpartition('/')[0]}") if "/" in slice_name else None
            (refined or nodes[own]).slices.append(node)
        elif parent_id in nodes:
            nodes[parent_id].children.append(node)
    if not order:
        raise ValueError(f"StructureDefinition {source} has no elements")
    root = _freeze(order[0], source, is_root=True)
    by_id: dict[str, ElementRecord] = {}
    _index(root, by_id)
    return StructureRecord(
        url=source,
        name=str(definition.get("name", "")),
        type=str(definition.get("type", "")),
        kind=str(definition.get("kind", "")),
        derivation=str(definition.get("derivation", "specialization")),
        abstract=bool(definition.get("abstract", False)),
        root=root,
        by_id=by_id,
        contexts=tuple(
            ContextRule(str(c.get("type", "")), str(c.get("expression", "")))
            for c in definition.get("context", [])
        ),
        context_invariants=tuple(str(x) for x in definition.get("contextInvariant", [])),
    )


@dataclass
class _Node:
    id: str
    element: FhirJson
    children: list[_Node] = field(default_factory=list)
    slices: list[_Node] = field(default_factory=list)


def _index(record: ElementRecord, by_id: dict[str, ElementRecord]) -> None:
    by_id.setdefault(record.id, record)
    for child in record.children:
        _index(child, by_id)
    for sliced in record.slices:
        _index(sliced, by_id)


def _freeze(node: _Node, source: str, *, is_root: bool = False) -> ElementRecord:
    element = node.element
    path = str(element.get("path", ""))
    name = path.rpartition(".")[2]
    children = tuple(_freeze(child, source) for child in node.children)
    slices = tuple(_freeze(sliced, source) for sliced in node.slices)
    raw_max = str(element.get("max", "*"))
    base_max = str(element.get("base", {}).get("max", raw_max))
    base_path = str(element.get("base", {}).get("path", path))
    types = tuple(_type_ref(t, base_path) for t in element.get("type", []))
    bare_primitive = (
        types[0].code
        if len(types) == 1
        and types[0].code in PRIMITIVE_TYPES
        and not types[0].profiles
        and not children
        and not slices
        and not any(key.startswith(("fixed", "pattern", "minValue", "maxValue")) for key in element)
        and "maxLength" not in element
        and _extension_value(element, MIN_LENGTH) is None
        and _extension_value(element, REGEX) is None
        and "binding" not in element
        and all(c.get("key") == "ele-1" for c in element.get("constraint", []))
        and not any(
            isinstance(e, dict) and e.get("url") == VALUE_ALTERNATIVES for e in element.get("extension", [])
        )
        else None
    )
    return ElementRecord(
        id=node.id,
        path=path,
        name=name,
        min=int(element.get("min", 0)),
        max=None if raw_max == "*" else int(raw_max),
        is_array=not is_root and base_max != "1" and base_max != "0",
        types=types,
        slice_name=element.get("sliceName"),
        base_path=base_path,
        fixed=_prefixed(element, "fixed"),
        pattern=_prefixed(element, "pattern"),
        binding=_binding(element.get("binding")),
        constraints=tuple(_constraint(c, source) for c in element.get("constraint", [])),
        slicing=_slicing(element.get("slicing")),
        max_length=element.get("maxLength"),
        min_length=_int_or_none(_extension_value(element, MIN_LENGTH)),
        regex=_str_or_none(_extension_value(element, REGEX)),
        min_value=_prefixed(element, "minValue"),
        max_value=_prefixed(element, "maxValue"),
        content_reference=element.get("contentReference"),
        narrative_language=tuple(
            str(e.get("valueCode"))
            for e in element.get("extension", [])
            if isinstance(e, dict) and e.get("url") == NARRATIVE_LANGUAGE_CONTROL and e.get("valueCode")
        ),
        narrative_source=_extension_code(element, NARRATIVE_SOURCE_CONTROL),
        value_alternatives=tuple(
            str(e.get("valueCanonical"))
            for e in element.get("extension", [])
            if isinstance(e, dict) and e.get("url") == VALUE_ALTERNATIVES and e.get("valueCanonical")
        ),
        children=children,
        slices=slices,
        is_choice=name.endswith("[x]"),
        single_code=types[0].code if len(types) == 1 else None,
        one_allowed=int(element.get("min", 0)) <= 1 and raw_max != "0",
        bare_primitive=bare_primitive,
        has_invariants=any(c.get("key") != "ele-1" for c in element.get("constraint", [])),
        plain=not name.endswith("[x]") and not (element.get("slicing") and slices),
        needed=int(element.get("min", 0)) > 0 or any(s.min > 0 for s in slices),
        child_index=_child_index(children),
        child_positions=_child_positions(children),
        needed_positions=tuple(i for i, child in enumerate(children) if child.needed),
        choice_positions=frozenset(i for i, child in enumerate(children) if child.is_choice),
        twin="_" + name,
    )


def _child_positions(children: tuple[ElementRecord, ...]) -> Mapping[str, int]:
    # Both the property and its primitive-extension twin (``_name``) name the child.
    positions: dict[str, int] = {}
    for name, (child, _) in _child_index(children).items():
        positions[name] = positions["_" + name] = children.index(child)
    return positions


def _child_index(children: Iterable[ElementRecord]) -> Mapping[str, tuple[ElementRecord, str | None]]:
    index: dict[str, tuple[ElementRecord, str | None]] = {}
    for child in children:
        if child.is_choice:
            stem = child.name[:-3]
            for code in child.type_codes:
                index[stem + code[0].upper() + code[1:]] = (child, code)
        else:
            index[child.name] = (child, None)
    return index


PROFILE_ELEMENT = "http://hl7.org/fhir/StructureDefinition/elementdefinition-profile-element"


def _profiles(raw: FhirJson) -> tuple[str, ...]:
    # A profile with elementdefinition-profile-element names one element of that profile:
    # kept as "url#element-id" (a StructureDefinition URL never holds a fragment).
    extras = raw.get("_profile") or []
    found = []
    for index, url in enumerate(raw.get("profile", [])):
        extra = extras[index] if index < len(extras) and isinstance(extras[index], dict) else {}
        element = next(
            (
                e.get("valueString")
                for e in extra.get("extension", [])
                if isinstance(e, dict) and e.get("url") == PROFILE_ELEMENT
            ),
            None,
        )
        found.append(f"{url}#{element}" if isinstance(element, str) else str(url))
    return tuple(found)


def _type_ref(raw: FhirJson, base_path: str) -> TypeRef:
    code = str(raw.get("code", ""))
    if code in SYSTEM_TYPES:
        declared = next(
            (str(x.get("valueUrl")) for x in raw.get("extension", []) if x.get("url") == FHIR_TYPE_EXTENSION),
            SYSTEM_TYPES[code],
        )
        # Resource.id is typed string in the R4 snapshots but the spec gives it the id format.
        code = "id" if base_path == "Resource.id" and declared == "string" else declared
    return TypeRef(
        code=code,
        profiles=_profiles(raw),
        target_profiles=tuple(raw.get("targetProfile", [])),
        aggregation=tuple(raw.get("aggregation", [])),
    )


VALUE_ALTERNATIVES = (
    "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.valueAlternatives"
)
NARRATIVE_LANGUAGE_CONTROL = "http://hl7.org/fhir/StructureDefinition/narrative-language-control"
NARRATIVE_SOURCE_CONTROL = "http://hl7.org/fhir/StructureDefinition/narrative-source-control"


MIN_LENGTH = "http://hl7.org/fhir/StructureDefinition/minLength"
REGEX = "http://hl7.org/fhir/StructureDefinition/regex"


def _extension_value(element: FhirJson, url: str) -> Any:
    """The value of the element's own extension with this url (whatever its value[x] type)."""
    for extension in element.get("extension", []):
        if isinstance(extension, dict) and extension.get("url") == url:
            return next((v for k, v in extension.items() if k.startswith("value")), None)
    return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _extension_code(element: FhirJson, url: str) -> str | None:
    for extension in element.get("extension", []):
        if isinstance(extension, dict) and extension.get("url") == url:
            code = extension.get("valueCode")
            return code if isinstance(code, str) else None
    return None


def _prefixed(element: FhirJson, prefix: str) -> Any:
    for key, value in element.items():
        if key.startswith(prefix) and key[len(prefix) : len(prefix) + 1].isupper():
            return value
    return None


def _binding(raw: FhirJson | None) -> Binding | None:
    if not raw or "strength" not in raw:
        return None
    return Binding(str(raw["strength"]), raw.get("valueSet"), _additional_bindings(raw))


ADDITIONAL_BINDING = (
    "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional",
    "http://hl7.org/fhir/tools/StructureDefinition/additional-binding",
)


def _additional_bindings(raw: FhirJson) -> tuple[tuple[str, str], ...]:
    found = []
    for extension in raw.get("extension", []):
        if not isinstance(extension, dict) or extension.get("url") not in ADDITIONAL_BINDING:
            continue
        parts = {p.get("url"): p for p in extension.get("extension", []) if isinstance(p, dict)}
        purpose = parts.get("purpose", {}).get("valueCode")
        value_set = parts.get("valueSet", {}).get("valueCanonical")
        if isinstance(purpose, str) and isinstance(value_set, str):
            found.append((purpose, value_set))
    return tuple(found)


def _constraint(raw: FhirJson, source: str) -> Constraint:
    return Constraint(
        key=str(raw.get("key", "")),
        severity=str(raw.get("severity", "error")),
        human=str(raw.get("human", "")),
        expression=raw.get("expression"),
        source=raw.get("source", source),
    )


def _slicing(raw: FhirJson | None) -> Slicing | None:
    if not raw:
        return None
    return Slicing(
        discriminators=tuple(
            Discriminator(str(d.get("type", "")), str(d.get("path", "$this")))
            for d in raw.get("discriminator", [])
        ),
        ordered=bool(raw.get("ordered", False)),
        rules=str(raw.get("rules", "open")),
    )
