"""The compiled form of a StructureDefinition: small frozen records the walker reads.

A snapshot is compiled once (see :mod:`adapter.validation.compiler`) into a tree of
:class:`ElementRecord` - each with its children and its slices - held by a :class:`StructureRecord`
and cached by canonical URL. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

PRIMITIVE_JSON_TYPES: Mapping[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "integer": (int,),
    "integer64": (str,),
    "positiveInt": (int,),
    "unsignedInt": (int,),
    "decimal": (int, float, Decimal),
}
"""JSON types of the primitives that are not strings (every other primitive is a JSON string)."""

PRIMITIVE_TYPES = frozenset(
    {
        "base64Binary",
        "boolean",
        "canonical",
        "code",
        "date",
        "dateTime",
        "decimal",
        "id",
        "instant",
        "integer",
        "markdown",
        "oid",
        "positiveInt",
        "string",
        "time",
        "unsignedInt",
        "uri",
        "url",
        "uuid",
        "xhtml",
    }
)

RESOURCE_TYPES_ABSTRACT = frozenset({"Resource", "DomainResource"})


@dataclass(frozen=True, slots=True)
class TypeRef:
    """One allowed type of an element, with the profiles it must meet."""

    code: str
    profiles: tuple[str, ...] = ()
    target_profiles: tuple[str, ...] = ()
    aggregation: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Binding:
    strength: str
    value_set: str | None
    # Additional bindings (R5's binding.additional, carried in R4 by its cross-version extension):
    # (purpose, value set) pairs; a "required" one is checked like a required binding.
    additional: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Discriminator:
    kind: str
    path: str


@dataclass(frozen=True, slots=True)
class Slicing:
    discriminators: tuple[Discriminator, ...]
    ordered: bool
    rules: str


@dataclass(frozen=True, slots=True)
class Constraint:
    key: str
    severity: str
    human: str
    expression: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class ElementRecord:
    """One element of a compiled snapshot, its children and its slices."""

    id: str
    path: str
    name: str
    min: int
    max: int | None
    is_array: bool
    types: tuple[TypeRef, ...]
    slice_name: str | None = None
    base_path: str = ""
    """The path in the definition this element comes from (``Address.line`` for ``Patient.address.line``)."""
    fixed: Any = None
    pattern: Any = None
    binding: Binding | None = None
    constraints: tuple[Constraint, ...] = ()
    slicing: Slicing | None = None
    max_length: int | None = None
    min_length: int | None = None
    """The minLength extension (R5's ElementDefinition.minLength, an extension in R4)."""
    regex: str | None = None
    """The regex extension on the element itself (a profile's constraint on a primitive's text)."""
    min_value: Any = None
    max_value: Any = None
    content_reference: str | None = None
    children: tuple[ElementRecord, ...] = ()
    slices: tuple[ElementRecord, ...] = ()
    is_choice: bool = False
    needed: bool = False
    """Must the instance say something here: min > 0, or a slice with min > 0."""
    child_index: Mapping[str, tuple[ElementRecord, str | None]] = field(default_factory=dict)
    """JSON property name -> (child, type code for a choice property such as valueQuantity)."""
    child_positions: Mapping[str, int] = field(default_factory=dict)
    """JSON property name (and its ``_name`` twin) -> position of its element in ``children``."""
    choice_positions: frozenset[int] = frozenset()
    """Positions of the children that are choice elements (``value[x]``)."""
    twin: str = ""
    """The JSON name of this element's primitive-extension twin (``_name``)."""
    needed_positions: tuple[int, ...] = ()
    """Positions of the children that are ``needed``: checked even when the instance omits them."""
    has_invariants: bool = False
    """Holds a constraint other than ele-1 (which the walk checks by hand at every element)."""
    single_code: str | None = None
    """The type code when the element allows exactly one type."""
    bare_primitive: str | None = None
    """The primitive type code when a value here needs only its type's lexical check: one primitive
    type, no fixed or pattern value, binding, limits, children or invariants beyond ele-1."""
    one_allowed: bool = True
    """A single value meets this element's cardinality (min <= 1 <= max)."""
    plain: bool = False
    """Not a choice and not sliced: its values can be walked without the general shape."""
    value_alternatives: tuple[str, ...] = ()
    """Extensions that may stand in for an absent primitive value (R5 valueAlternatives)."""
    narrative_language: tuple[str, ...] = ()
    """A profile's narrative-language-control codes on a Narrative (_no, _yes, _resource, a language)."""
    narrative_source: str | None = None
    """A profile's narrative-source-control on a Narrative: every piece of text says its source."""

    @property
    def has_limits(self) -> bool:
        return (
            self.min_value is not None
            or self.max_value is not None
            or self.max_length is not None
            or self.min_length is not None
            or self.regex is not None
        )

    @property
    def type_codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.types)


@dataclass(frozen=True, slots=True)
class ContextRule:
    kind: str
    expression: str


@dataclass(frozen=True, slots=True)
class StructureRecord:
    """A compiled StructureDefinition: its root element and what the walker needs to know of it."""

    url: str
    name: str
    type: str
    kind: str
    derivation: str
    abstract: bool
    root: ElementRecord
    by_id: Mapping[str, ElementRecord]
    contexts: tuple[ContextRule, ...] = ()
    context_invariants: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    """What snapshot generation could not place (differential paths with no match)."""
