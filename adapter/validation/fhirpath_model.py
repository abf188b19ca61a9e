"""Static types and navigation for compiled FHIRPath: what fhirpathpy's R4 model says a path's
type is, how ``.name`` reads JSON (choices by their typed key, primitive extensions merged), and the
type functions (``ofType``, ``is``, ``as``) decided from those types.

A collection's static type is a model path or type name (``Period``, ``Observation.component``,
``string``), a choice element's options, or None (unknown). Where a type is needed and unknown, the
caller gets :class:`Unsupported` at compile time, or :class:`~adapter.validation.fhirpath_values.Defer`
at run time for one value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fhirpathpy.models import models

from adapter.validation import fhirpath_values as fv

MODEL: Mapping[str, Any] = models["r4"]
CHOICES: Mapping[str, list[str]] = MODEL["choiceTypePaths"]
ELSEWHERE: Mapping[str, str] = MODEL["pathsDefinedElsewhere"]
PATH_TYPES: Mapping[str, str] = MODEL["path2Type"]
PARENTS: Mapping[str, str] = MODEL["type2Parent"]
CHOICE_NAMES = frozenset(path.rpartition(".")[2] for path in CHOICES)
"""Element names that are a choice somewhere: from a value of unknown type they may mean value[x]."""

STRINGS = frozenset({"string", "code", "id", "uri", "url", "canonical", "markdown", "oid", "uuid", "xhtml"})
PRIMITIVES = STRINGS | {"boolean", "integer", "decimal", "base64Binary", "unsignedInt", "positiveInt"}
PRIMITIVES |= {"instant", "date", "dateTime", "time"}
TEMPORAL = frozenset({"date", "dateTime", "instant", "time"})
LITERAL_TYPES = frozenset({"System.String", "System.Integer", "System.Decimal", "System.Boolean"})
RESOURCE = "<resource>"
"""The static type of resources known only at run time (%resource, resolve()): their resourceType."""
ABSTRACT_RESOURCES = frozenset({RESOURCE, "Resource", "DomainResource"})
NO_FOCUS = "<no focus>"
"""The focus type of a function's value argument: it may not read the focus."""

Choice = tuple[tuple[str, str], ...]
"""A choice element's static type: (JSON key, type) for each allowed type, in the model's order."""
Static = str | Choice | None
"""A collection's static type: a model path or type name, a choice, or None (unknown)."""


class Unsupported(Exception):
    """The expression uses something this compiler does not evaluate exactly."""


@dataclass(slots=True)
class Env:
    """One evaluation's focus, variables (as given: a value, a list or None), ``$this``, and the
    hooks resolve() and memberOf() use."""

    focus: list[Any]
    variables: Mapping[str, Any]
    this: list[Any]
    resolve: Callable[[Any], Any] | None = None
    member_of: Callable[[list[Any], str], list[Any]] | None = None

    def variable(self, name: str) -> list[Any]:
        """%name as a collection (%context is the focus unless the caller names it)."""
        if name == "context" and name not in self.variables:
            return self.focus
        value = self.variables.get(name)
        return value if isinstance(value, list) else [] if value is None else [value]


Fn = Callable[[list[Any], Env], list[Any]]


def itself(items: list[Any], env: Env) -> list[Any]:
    """The focus unchanged: the source of an invocation on the focus itself."""
    return items


def child_type(parent: Static, name: str) -> Static:
    """The static type of ``name`` under ``parent`` (what fhirpathpy's model says)."""
    if name == "extension":
        return "Extension"
    if parent is None or parent in ABSTRACT_RESOURCES:
        if name in CHOICE_NAMES:
            raise Unsupported(f"'{name}' on a value of unknown type may be a choice element")
        return None
    if isinstance(parent, tuple):
        raise Unsupported(f"'{name}' on a choice element of several types")
    path = f"{parent}.{name}"
    path = ELSEWHERE.get(path, path)
    options = CHOICES.get(path)
    if options:
        return tuple((name + option, PATH_TYPES.get(path + option, option)) for option in options)
    return PATH_TYPES.get(path, path)


def is_type(name: str, wanted: str) -> bool:
    """Is a value of type ``name`` a ``wanted`` (by the model's parent types)?"""
    current: str | None = name
    while current:
        if current == wanted:
            return True
        current = PARENTS.get(current) or PATH_TYPES.get(current)
    return False


def date_sensitivity(left: Static, right: Static) -> str:
    """What two operands' static types say about dates: "temporal" (one is a date or time),
    "unknown" (one's type is not known: its values are looked at), or "plain"."""
    kinds = {_temporal_kind(left), _temporal_kind(right)}
    return "temporal" if "temporal" in kinds else "unknown" if "unknown" in kinds else "plain"


def _temporal_kind(static: Static) -> str:
    if static is None or static == RESOURCE or isinstance(static, tuple):
        return "unknown"
    return "temporal" if static in TEMPORAL else "plain"


def node_text(node: Mapping[str, Any]) -> str:
    """An AST node's source text, a delimited identifier's backticks removed."""
    return str(node.get("text", "")).replace("`", "")


ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
ESCAPED = {"'": "'", '"': '"', "`": "`", "r": "\r", "n": "\n", "t": "\t", "f": "\f", "\\": "\\", "/": "/"}


def string_literal(text: str) -> str:
    """A string literal's value: FHIRPath's escapes resolved; any other backslash is kept, so a
    pattern's own escapes (``\\[``) reach the regular expression."""

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u") and len(code) == 5:
            return chr(int(code[1:], 16))
        return ESCAPED.get(code, match.group(0))

    return ESCAPE.sub(unescape, text[1:-1])


def type_name(node: Mapping[str, Any]) -> str:
    """The FHIR type a type specifier names, or Unsupported for System and unknown types."""
    name = node_text(node)
    if name.startswith(("System.", "FHIR.")):
        raise Unsupported(f"the qualified type {name}")
    if not (name in PARENTS or name in PRIMITIVES):
        # System types (Boolean, String...) need FHIRPath's own type system: fhirpathpy decides.
        raise Unsupported(f"the type {name}")
    return name


def type_test(source: Fn, static: Static, wanted: str, mode: str) -> tuple[Fn, Static]:
    """ofType(T) ("of"), ``as`` ("as") and ``is`` ("is") for values of a known or resource type."""
    # A resource's type is its resourceType; any other value's type is its static type.
    dynamic = static is None or static in ABSTRACT_RESOURCES

    def matches(item: Any) -> bool:
        if not dynamic:
            return isinstance(static, str) and is_type(static, wanted)
        kind = item.get("resourceType") if isinstance(item, dict) else None
        if not isinstance(kind, str):
            raise fv.Defer("the type of a value that is not a resource")
        return is_type(kind, wanted)

    def test(items: list[Any], env: Env) -> list[Any]:
        found = source(items, env)
        if mode == "of":
            return [item for item in found if matches(item)]
        if len(found) > 1:
            raise fv.EvaluationError(f"'{mode}' expects a single value")
        if not found:
            return []
        if mode == "is":
            return [matches(found[0])]
        return found if matches(found[0]) else []

    return test, "System.Boolean" if mode == "is" else wanted


def add_items(found: list[Any], value: Any, extras: Any) -> None:
    """The items one JSON property holds, merging its primitive extensions (``_name``)."""
    if extras is None:
        if isinstance(value, list):
            found.extend(v for v in value if v is not None)
        elif value is not None:
            found.append(value)
        return
    if isinstance(value, list) or isinstance(extras, list):
        values = value if isinstance(value, list) else []
        more = extras if isinstance(extras, list) else []
        for index in range(max(len(values), len(more))):
            v = values[index] if index < len(values) else None
            e = more[index] if index < len(more) else None
            if e is not None:
                found.append(fv.Primitive(v, e))
            elif v is not None:
                found.append(v)
        return
    found.append(fv.Primitive(value, extras))


def member(source: Fn, static: Static, name: str) -> tuple[Fn, Static]:
    """``.name``: each item's property, lists flattened; a choice finds its typed key."""
    if name[:1].isupper():
        return resource_filter(source, static, name)
    if static in ABSTRACT_RESOURCES:
        return resource_member(source, name), "Extension" if name == "extension" else None
    child = child_type(static, name)
    if isinstance(child, tuple):
        keys = tuple(k for k, _ in child)

        def choice(items: list[Any], env: Env) -> list[Any]:
            found: list[Any] = []
            for item in source(items, env):
                if isinstance(item, dict):
                    # As fhirpathpy: the first of the allowed types present, in the model's order.
                    for key in keys:
                        value, extras = item.get(key), item.get("_" + key)
                        if value is not None or extras is not None:
                            add_items(found, value, extras)
                            break
            return found

        return choice, child
    extras_key = "_" + name

    def member(items: list[Any], env: Env) -> list[Any]:
        found: list[Any] = []
        for item in source(items, env):
            if isinstance(item, dict):
                add_items(found, item.get(name), item.get(extras_key))
            elif isinstance(item, fv.Primitive) and isinstance(item.extras, dict):
                add_items(found, item.extras.get(name), None)
        return found

    return member, child


def resource_member(source: Fn, name: str) -> Fn:
    """``.name`` on resources known only at run time: a choice is looked up by resourceType."""

    def member(items: list[Any], env: Env) -> list[Any]:
        found: list[Any] = []
        for item in source(items, env):
            if not isinstance(item, dict):
                continue
            kind = item.get("resourceType")
            path = f"{kind}.{name}"
            options = CHOICES.get(ELSEWHERE.get(path, path)) if isinstance(kind, str) else None
            for key in [name + o for o in options] if options else [name]:
                value, extras = item.get(key), item.get("_" + key)
                if value is not None or extras is not None:
                    add_items(found, value, extras)
                    break
        return found

    return member


def resource_filter(source: Fn, static: Static, name: str) -> tuple[Fn, Static]:
    """``Patient.x``: a type name keeps the resources of that type."""
    if name not in PARENTS:
        raise Unsupported(f"the name {name}")

    def resources(items: list[Any], env: Env) -> list[Any]:
        found = []
        for item in source(items, env):
            if not (isinstance(item, dict) and "resourceType" in item):
                raise fv.Defer("a type name applied to what is not a resource")
            if item["resourceType"] == name:
                found.append(item)
        return found

    return resources, name


def distinct(items: list[Any]) -> list[Any]:
    """The items, each equal one once, in their first order."""
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(fv.identity(item), item)
    return list(seen.values())
