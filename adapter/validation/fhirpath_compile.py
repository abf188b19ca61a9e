"""FHIRPath compiled to Python closures over plain JSON, for the invariants of R4 and our IG.

fhirpathpy parses (its AST is reused, so there is no second grammar here); this module walks the
tree once and builds nested closures ``(focus, env) -> collection``. Types are known statically
from the focus's model path (the same fhirpathpy R4 model fhirpathpy uses): that is how ``value``
finds ``valueQuantity`` and how ``ofType(Coding)`` is decided without wrapping every value.

Only what is implemented exactly is compiled. Any node this module does not support - a function
it lacks, a comparison of complex types, a choice element reached through a value of unknown type
- raises :class:`Unsupported` at compile time, and the caller keeps using fhirpathpy for that
expression. A value the closures will not decide at run time (a date compared with another
precision) raises :class:`~adapter.validation.fhirpath_values.Defer`, and the caller asks
fhirpathpy for that one evaluation.

The closures follow the FHIRPath specification where fhirpathpy 2.2.4 departs from it: a primitive
and its ``_name`` extension are one item (fhirpathpy counts two, so ``gender = 'male'`` is false
beside a ``_gender``), and ``=`` compares every item of two collections (fhirpathpy only the first).
Quantities in one UCUM unit are ordered (rng-2), which fhirpathpy cannot do at all.

    >>> native = compile_fhirpath("name.where(use = 'official').exists()", "Patient")
    >>> native({"resourceType": "Patient", "name": [{"use": "official"}]}, {})
    [True]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fhirpathpy.models import models
from fhirpathpy.parser import parse

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
"""The focus type of a function's value argument: it may not read the focus (see _arguments)."""

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


@dataclass(frozen=True)
class Native:
    """A compiled expression: call it with a focus value and the variables (%resource...)."""

    expression: str
    run: Fn = field(repr=False)

    def __call__(
        self,
        focus: Any,
        variables: Mapping[str, Any],
        resolve: Callable[[Any], Any] | None = None,
        member_of: Callable[[list[Any], str], list[Any]] | None = None,
    ) -> list[Any]:
        items = [] if focus is None else [focus]
        return self.run(items, Env(items, variables, items, resolve, member_of))


def compile_fhirpath(expression: str, focus_type: str) -> Native:
    """Compile ``expression`` for a focus of ``focus_type`` (a model path: ``Period``,
    ``Observation.component``), or raise :class:`Unsupported`."""
    try:
        tree = parse(expression)  # type: ignore[no-untyped-call]
    except Exception as problem:  # fhirpathpy's parser raises bare Exceptions
        raise Unsupported(f"cannot be parsed: {problem}") from problem
    run, _ = _Compiler(focus_type).expression(tree["children"][0], focus_type, focus_type)
    return Native(expression, run)


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


def _temporal(left: Static, right: Static) -> str:
    kinds = {_temporal_kind(left), _temporal_kind(right)}
    return "temporal" if "temporal" in kinds else "unknown" if "unknown" in kinds else "plain"


def _temporal_kind(static: Static) -> str:
    if static is None or static == RESOURCE or isinstance(static, tuple):
        return "unknown"
    return "temporal" if static in TEMPORAL else "plain"


def _text(node: Mapping[str, Any]) -> str:
    return str(node.get("text", "")).replace("`", "")


ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
ESCAPED = {"'": "'", '"': '"', "`": "`", "r": "\r", "n": "\n", "t": "\t", "f": "\f", "\\": "\\", "/": "/"}


def _string_literal(text: str) -> str:
    """A string literal's value: FHIRPath's escapes resolved; any other backslash is kept, so a
    pattern's own escapes (``\\[``) reach the regular expression."""

    def unescape(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u") and len(code) == 5:
            return chr(int(code[1:], 16))
        return ESCAPED.get(code, match.group(0))

    return ESCAPE.sub(unescape, text[1:-1])


class _Compiler:
    """One compilation: the AST in, closures and static types out."""

    def __init__(self, focus_type: str) -> None:
        self.focus_type = focus_type
        self.constants: dict[int, list[Any]] = {}
        """Closures that always return the same collection (literals, unions of literals), by id."""

    def constant(self, value: list[Any]) -> Fn:
        """A closure returning ``value``, known to be constant for folding."""

        def run(items: list[Any], env: Env) -> list[Any]:
            return value

        self.constants[id(run)] = value
        return run

    def expression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        kind = node["type"]
        handler = getattr(self, f"_{kind}", None)
        if handler is None:
            raise Unsupported(f"{kind} is not supported")
        result: tuple[Fn, Static] = handler(node, focus, this)
        return result

    # -- terms ---------------------------------------------------------------------------------

    def _TermExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        return self.expression(node["children"][0], focus, this)

    def _ParenthesizedTerm(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        return self.expression(node["children"][0], focus, this)

    def _InvocationTerm(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        invocation = node["children"][0]
        if invocation["type"] == "ThisInvocation":
            return (lambda items, env: env.this), this
        if focus == NO_FOCUS:
            raise Unsupported("a function argument that reads the focus")
        return self.invoke(invocation, _itself, focus, this)

    def _LiteralTerm(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        literal = node["children"][0]
        kind, text = literal["type"], literal.get("text", "")
        value: Any
        if kind == "StringLiteral":
            value, static = _string_literal(text), "System.String"
        elif kind == "BooleanLiteral":
            value, static = text == "true", "System.Boolean"
        elif kind == "NumberLiteral":
            number = Decimal(text)
            value = int(number) if number == int(number) else number
            static = "System.Integer" if isinstance(value, int) else "System.Decimal"
        else:
            raise Unsupported(f"{kind} literals")
        return self.constant([value]), static

    def _ExternalConstantTerm(
        self, node: Mapping[str, Any], focus: Static, this: Static
    ) -> tuple[Fn, Static]:
        name = _text(node["children"][0]["children"][0])
        if name == "ucum":
            ucum = ["http://unitsofmeasure.org"]
            return (lambda items, env: ucum), "System.String"
        if name in ("resource", "rootResource"):
            return (lambda items, env: env.variable(name)), RESOURCE
        if name == "context":
            return (lambda items, env: env.variable(name)), self.focus_type
        raise Unsupported(f"the variable %{name}")

    # -- invocations ---------------------------------------------------------------------------

    def _InvocationExpression(
        self, node: Mapping[str, Any], focus: Static, this: Static
    ) -> tuple[Fn, Static]:
        left, right = node["children"]
        source, static = self.expression(left, focus, this)
        name = _function_name(right)
        if isinstance(static, tuple) and name in ("ofType", "as", "is"):
            return self._choice_of_type(left, focus, this, static, right)
        return self.invoke(right, source, static, this)

    def invoke(
        self, invocation: Mapping[str, Any], source: Fn, static: Static, this: Static
    ) -> tuple[Fn, Static]:
        """``invocation`` applied to what ``source`` yields."""
        if invocation["type"] == "MemberInvocation":
            return _member(source, static, _text(invocation["children"][0]))
        if invocation["type"] == "FunctionInvocation":
            functn = invocation["children"][0]
            name = _text(functn["children"][0])
            params = functn["children"][1]["children"] if len(functn["children"]) > 1 else []
            return self.function(name, params, source, static, this)
        raise Unsupported(f"{invocation['type']} is not supported")

    def _choice_of_type(
        self, left: Mapping[str, Any], focus: Static, this: Static, static: Choice, right: Mapping[str, Any]
    ) -> tuple[Fn, Static]:
        # value.ofType(Coding): the choice's JSON key says the type, so the key is looked for alone.
        name = _function_name(right)
        params = right["children"][0]["children"][1]["children"] if name != "is" else []
        if name == "is" or len(params) != 1:
            raise Unsupported(f"{name}() on a choice element")
        wanted = _type_name(params[0])
        key = next((k for k, t in static if is_type(t, wanted)), None)
        if key is None:
            return (lambda items, env: []), None
        owner = _owner(left)
        parent = self.expression(owner, focus, this)[0] if owner is not None else _itself
        keys = tuple(k for k, _ in static)

        def of_type(items: list[Any], env: Env) -> list[Any]:
            found: list[Any] = []
            for item in parent(items, env):
                if not isinstance(item, dict):
                    continue
                # As fhirpathpy: the first of the allowed types present, in the model's order.
                present = next((k for k in keys if k in item or "_" + k in item), None)
                if present == key:
                    _add(found, item.get(key), item.get("_" + key))
            if name == "as" and len(found) > 1:
                raise fv.EvaluationError("as() expects a single value")
            return found

        return of_type, dict(static)[key]

    def function(
        self, name: str, params: list[Mapping[str, Any]], source: Fn, static: Static, this: Static
    ) -> tuple[Fn, Static]:
        builder = FUNCTIONS.get((name, len(params)))
        if builder is None:
            raise Unsupported(f"the function {name}() with {len(params)} argument(s)")
        return builder(self, params, source, static, this)

    def argument(self, param: Mapping[str, Any], this: Static) -> Fn:
        """A value argument (a url, a pattern): it may read variables and $this, not the focus."""
        run, _ = self.expression(param, NO_FOCUS, this)
        return run

    def criteria(self, param: Mapping[str, Any], static: Static) -> Fn:
        """A criteria argument: evaluated on each item, which is also ``$this``."""
        run, _ = self.expression(param, static, static)
        return run

    # -- operators -----------------------------------------------------------------------------

    def _binary(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static, Fn, Static]:
        left, right = node["children"]
        left_run, left_type = self.expression(left, focus, this)
        right_run, right_type = self.expression(right, focus, this)
        return left_run, left_type, right_run, right_type

    def _OrExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        a, _, b, _ = self._binary(node, focus, this)
        if node["terminalNodeText"][0] == "xor":

            def xor(items: list[Any], env: Env) -> list[Any]:
                x, y = fv.to_boolean(a(items, env)), fv.to_boolean(b(items, env))
                return [] if x is None or y is None else [x != y]

            return xor, "System.Boolean"

        def either(items: list[Any], env: Env) -> list[Any]:
            x = fv.to_boolean(a(items, env))
            if x is True:
                return [True]
            y = fv.to_boolean(b(items, env))
            return [True] if y is True else [False] if x is False and y is False else []

        return either, "System.Boolean"

    def _AndExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        a, _, b, _ = self._binary(node, focus, this)

        def both(items: list[Any], env: Env) -> list[Any]:
            x = fv.to_boolean(a(items, env))
            if x is False:
                return [False]
            y = fv.to_boolean(b(items, env))
            return [False] if y is False else [True] if x is True and y is True else []

        return both, "System.Boolean"

    def _ImpliesExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        a, _, b, _ = self._binary(node, focus, this)

        def implies(items: list[Any], env: Env) -> list[Any]:
            x = fv.to_boolean(a(items, env))
            if x is False:
                return [True]
            y = fv.to_boolean(b(items, env))
            return [True] if y is True else [False] if x is True and y is False else []

        return implies, "System.Boolean"

    def _EqualityExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        a, a_type, b, b_type = self._binary(node, focus, this)
        operator = node["terminalNodeText"][0]
        if operator not in ("=", "!="):
            raise Unsupported(f"the operator {operator}")
        temporal = _temporal(a_type, b_type)
        negate = operator == "!="

        def equality(items: list[Any], env: Env) -> list[Any]:
            same = fv.collections_equal(a(items, env), b(items, env), temporal)
            return [] if same is None else [same != negate]

        return equality, "System.Boolean"

    def _InequalityExpression(
        self, node: Mapping[str, Any], focus: Static, this: Static
    ) -> tuple[Fn, Static]:
        a, a_type, b, b_type = self._binary(node, focus, this)
        test = COMPARISONS[node["terminalNodeText"][0]]
        if all(isinstance(t, str) and is_type(t, "Quantity") for t in (a_type, b_type)):
            return _compare_quantities(a, b, test), "System.Boolean"
        for static in (a_type, b_type):
            if not (static in PRIMITIVES or static in LITERAL_TYPES):
                raise Unsupported(f"a comparison of values of type {static}")
        temporal = _temporal(a_type, b_type)

        def comparison(items: list[Any], env: Env) -> list[Any]:
            order = fv.compare(a(items, env), b(items, env), temporal)
            return [] if order is None else [test(order)]

        return comparison, "System.Boolean"

    def _MembershipExpression(
        self, node: Mapping[str, Any], focus: Static, this: Static
    ) -> tuple[Fn, Static]:
        a, a_type, b, b_type = self._binary(node, focus, this)
        if node["terminalNodeText"][0] == "contains":
            a, a_type, b, b_type = b, b_type, a, a_type
        temporal = _temporal(a_type, b_type)
        listed = self.constants.get(id(b))
        if listed is not None and temporal == "plain" and all(isinstance(v, str) for v in listed):
            return _in_strings(a, frozenset(listed)), "System.Boolean"

        def membership(items: list[Any], env: Env) -> list[Any]:
            element = a(items, env)
            if not element:
                return []
            if len(element) > 1:
                raise fv.EvaluationError("'in' expects a single value on its left")
            within = b(items, env)
            return [any(fv.items_equal(element[0], other, temporal) for other in within)]

        return membership, "System.Boolean"

    def _UnionExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        a, a_type, b, b_type = self._binary(node, focus, this)
        static = a_type if a_type == b_type else None
        if id(a) in self.constants and id(b) in self.constants:
            # ('a' | 'b' | 'c'): code lists in invariants are built once, here.
            return self.constant(_distinct([*self.constants[id(a)], *self.constants[id(b)]])), static

        def union(items: list[Any], env: Env) -> list[Any]:
            return _distinct([*a(items, env), *b(items, env)])

        return union, static

    def _AdditiveExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        a, a_type, b, b_type = self._binary(node, focus, this)
        operator = node["terminalNodeText"][0]
        if operator == "-":
            raise Unsupported("subtraction")
        text = operator == "&"
        if not text and not all(t in PRIMITIVES - TEMPORAL or t in LITERAL_TYPES for t in (a_type, b_type)):
            raise Unsupported(f"'+' on values of type {a_type} and {b_type}")

        def add(items: list[Any], env: Env) -> list[Any]:
            return fv.concatenate(a(items, env), b(items, env), text)

        return add, "System.String" if text or (STRINGS | {"System.String"}).issuperset(
            (a_type, b_type)
        ) else "System.Decimal"

    def _TypeExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        left, specifier = node["children"]
        operator = node["terminalNodeText"][0]
        source, static = self.expression(left, focus, this)
        wanted = _type_name(specifier)
        if isinstance(static, tuple):
            raise Unsupported(f"'{operator}' on a choice element")
        return _type_test(source, static, wanted, "is" if operator == "is" else "as")


def _compare_quantities(a: Fn, b: Fn, test: Callable[[int], bool]) -> Fn:
    """``low <= high`` on Quantities (rng-2): see :func:`fv.compare_quantities`."""

    def comparison(items: list[Any], env: Env) -> list[Any]:
        order = fv.compare_quantities(a(items, env), b(items, env))
        return [] if order is None else [test(order)]

    return comparison


def _in_strings(element: Fn, listed: frozenset[str]) -> Fn:
    """``code in ('a' | 'b')``: a string's membership in a constant list of strings is a set lookup."""

    def membership(items: list[Any], env: Env) -> list[Any]:
        found = element(items, env)
        if not found:
            return []
        value = fv.singleton(found, "'in'")
        if value is None:
            raise fv.Defer("a primitive with extensions but no value")
        return [isinstance(value, str) and value in listed]

    return membership


def _itself(items: list[Any], env: Env) -> list[Any]:
    return items


COMPARISONS: Mapping[str, Callable[[int], bool]] = {
    "<": lambda order: order < 0,
    "<=": lambda order: order <= 0,
    ">": lambda order: order > 0,
    ">=": lambda order: order >= 0,
}


def _function_name(invocation: Mapping[str, Any]) -> str | None:
    if invocation["type"] != "FunctionInvocation":
        return None
    return _text(invocation["children"][0]["children"][0])


def _owner(node: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The owner expression of ``owner.member`` (None: the member is read from the focus)."""
    if node["type"] == "InvocationExpression" and node["children"][1]["type"] == "MemberInvocation":
        owner: Mapping[str, Any] = node["children"][0]
        return owner
    if node["type"] == "TermExpression":
        term = node["children"][0]
        if term["type"] == "InvocationTerm" and term["children"][0]["type"] == "MemberInvocation":
            return None
    raise Unsupported("a type function on a choice reached other than by name")


def _type_name(node: Mapping[str, Any]) -> str:
    name = _text(node)
    if name.startswith(("System.", "FHIR.")):
        raise Unsupported(f"the qualified type {name}")
    if not (name in PARENTS or name in PRIMITIVES):
        # System types (Boolean, String...) need FHIRPath's own type system: fhirpathpy decides.
        raise Unsupported(f"the type {name}")
    return name


def _type_test(source: Fn, static: Static, wanted: str, mode: str) -> tuple[Fn, Static]:
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


def _add(found: list[Any], value: Any, extras: Any) -> None:
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


def _member(source: Fn, static: Static, name: str) -> tuple[Fn, Static]:
    """``.name``: each item's property, lists flattened; a choice finds its typed key."""
    if name[:1].isupper():
        return _resource_filter(source, static, name)
    if static in ABSTRACT_RESOURCES:
        return _resource_member(source, name), "Extension" if name == "extension" else None
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
                            _add(found, value, extras)
                            break
            return found

        return choice, child
    extras_key = "_" + name

    def member(items: list[Any], env: Env) -> list[Any]:
        found: list[Any] = []
        for item in source(items, env):
            if isinstance(item, dict):
                _add(found, item.get(name), item.get(extras_key))
            elif isinstance(item, fv.Primitive) and isinstance(item.extras, dict):
                _add(found, item.extras.get(name), None)
        return found

    return member, child


def _resource_member(source: Fn, name: str) -> Fn:
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
                    _add(found, value, extras)
                    break
        return found

    return member


def _resource_filter(source: Fn, static: Static, name: str) -> tuple[Fn, Static]:
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


def _distinct(items: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(fv.identity(item), item)
    return list(seen.values())


# -- functions: (name, number of arguments) -> builder -------------------------------------------

Builder = Callable[[_Compiler, list[Mapping[str, Any]], Fn, Static, Static], tuple[Fn, Static]]


def _on_collection(what: Callable[[list[Any]], list[Any]], static: Static = "System.Boolean") -> Builder:
    """A function of the input collection alone (exists(), count()...)."""

    def build(
        compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
    ) -> tuple[Fn, Static]:
        return (lambda items, env: what(source(items, env))), static if static != "same" else owner

    return build


def _not(items: list[Any]) -> list[Any]:
    answer = fv.to_boolean(items)
    return [] if answer is None else [not answer]


def _has_value(items: list[Any]) -> list[Any]:
    return [len(items) == 1 and fv.bare(items[0]) is not None and not isinstance(items[0], dict | list)]


def _is_distinct(items: list[Any]) -> list[Any]:
    return [len(_distinct(items)) == len(items)]


def _with_criteria(kind: str) -> Builder:
    """where(), select(), all() and exists(criteria): the argument is evaluated on each item."""

    def build(
        compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
    ) -> tuple[Fn, Static]:
        criteria, selected = compiler.expression(params[0], owner, owner)

        def run(items: list[Any], env: Env) -> list[Any]:
            saved = env.this
            kept: list[Any] = []
            try:
                for item in source(items, env):
                    env.this = [item]
                    answer = criteria([item], env)
                    if kind == "select":
                        kept.extend(answer)
                    elif fv.to_boolean(answer) is True:
                        kept.append(item)
                    elif kind == "all":
                        return [False]
            finally:
                env.this = saved
            return [True] if kind == "all" else [bool(kept)] if kind == "exists" else kept

        return run, selected if kind == "select" else owner if kind == "where" else "System.Boolean"

    return build


def _string_test(test: Callable[[str, str], bool]) -> Builder:
    """startsWith(), contains() and matches() of a single string with a string argument."""

    def build(
        compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
    ) -> tuple[Fn, Static]:
        argument = compiler.argument(params[0], this)

        def run(items: list[Any], env: Env) -> list[Any]:
            value = fv.singleton(source(items, env), "a string function")
            pattern = fv.singleton(argument(items, env), "a string argument")
            if value is None or pattern is None:
                return []
            if not isinstance(value, str) or not isinstance(pattern, str):
                raise fv.EvaluationError("a string function needs strings")
            return [test(value, pattern)]

        return run, "System.Boolean"

    return build


def _matches(value: str, pattern: str) -> bool:
    # FHIRPath N1 (R4): true when the pattern matches anywhere in the string.
    return re.search(pattern, value, re.DOTALL) is not None


def _length(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    def run(items: list[Any], env: Env) -> list[Any]:
        value = fv.singleton(source(items, env), "length()")
        if value is None:
            return []
        if not isinstance(value, str):
            raise fv.EvaluationError("length() needs a string")
        return [len(value)]

    return run, "System.Integer"


def _to_integer(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    def run(items: list[Any], env: Env) -> list[Any]:
        value = fv.singleton(source(items, env), "toInteger()")
        if isinstance(value, bool):
            return [int(value)]
        if isinstance(value, int):
            return [value]
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value):
            return [int(value)]
        return []

    return run, "System.Integer"


def _extension(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    literal = params[0]
    if _text(literal)[:1] != "'":
        raise Unsupported("extension() with a url that is not a literal")
    url = _string_literal(_text(literal))

    def run(items: list[Any], env: Env) -> list[Any]:
        found: list[Any] = []
        for item in source(items, env):
            holder = item.extras if isinstance(item, fv.Primitive) else item
            extensions = holder.get("extension") if isinstance(holder, dict) else None
            if isinstance(extensions, list):
                found.extend(e for e in extensions if isinstance(e, dict) and e.get("url") == url)
        return found

    return run, "Extension"


def _of_type(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    if isinstance(owner, tuple):
        raise Unsupported("ofType() on a choice reached other than by name")
    return _type_test(source, owner, _type_name(params[0]), "of")


def _type_function(mode: str) -> Builder:
    """is(T) and as(T) written as functions."""

    def build(
        compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
    ) -> tuple[Fn, Static]:
        if isinstance(owner, tuple):
            raise Unsupported(f"{mode}() on a choice reached other than by name")
        return _type_test(source, owner, _type_name(params[0]), mode)

    return build


def _iif(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    condition = compiler.criteria(params[0], owner)
    then, then_type = compiler.expression(params[1], owner, owner)
    otherwise = compiler.criteria(params[2], owner) if len(params) > 2 else None

    def run(items: list[Any], env: Env) -> list[Any]:
        # The branches read the input collection, which is also $this (as in fhirpathpy).
        focus = source(items, env)
        saved, env.this = env.this, focus
        try:
            if fv.to_boolean(condition(focus, env)) is True:
                return then(focus, env)
            return otherwise(focus, env) if otherwise is not None else []
        finally:
            env.this = saved

    return run, then_type


def _resolve(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    def run(items: list[Any], env: Env) -> list[Any]:
        found = []
        for item in source(items, env):
            value = fv.bare(item)
            reference = value.get("reference") if isinstance(value, dict) else value
            target = env.resolve(reference) if env.resolve is not None else None
            if target is not None:
                found.append(target)
        return found

    return run, RESOURCE


def _member_of(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    literal = _text(params[0])
    if literal[:1] != "'":
        raise Unsupported("memberOf() with a value set that is not a literal")
    value_set = _string_literal(literal)

    def run(items: list[Any], env: Env) -> list[Any]:
        if env.member_of is None:
            raise LookupError("memberOf() needs a terminology, and none was given")
        return env.member_of([fv.bare(i) for i in source(items, env)], value_set)

    return run, "System.Boolean"


def _combine(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    other, other_type = compiler.expression(params[0], NO_FOCUS, this)
    return (
        lambda items, env: [*source(items, env), *other(items, env)]
    ), owner if owner == other_type else None


def _intersect(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    other, _ = compiler.expression(params[0], NO_FOCUS, this)

    def run(items: list[Any], env: Env) -> list[Any]:
        # The items of the input also in the argument, each once (FHIRPath's equality).
        wanted = {fv.identity(item) for item in other(items, env)}
        return [item for item in _distinct(source(items, env)) if fv.identity(item) in wanted]

    return run, owner


def _trace(
    compiler: _Compiler, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    return source, owner  # trace() only reports; an invariant's answer is its input


FUNCTIONS: Mapping[tuple[str, int], Builder] = {
    ("exists", 0): _on_collection(lambda items: [bool(items)]),
    ("exists", 1): _with_criteria("exists"),
    ("empty", 0): _on_collection(lambda items: [not items]),
    ("not", 0): _on_collection(_not),
    ("count", 0): _on_collection(lambda items: [len(items)], "System.Integer"),
    ("first", 0): _on_collection(lambda items: items[:1], "same"),
    ("tail", 0): _on_collection(lambda items: items[1:], "same"),
    ("distinct", 0): _on_collection(_distinct, "same"),
    ("isDistinct", 0): _on_collection(_is_distinct),
    ("hasValue", 0): _on_collection(_has_value),
    ("where", 1): _with_criteria("where"),
    ("select", 1): _with_criteria("select"),
    ("all", 1): _with_criteria("all"),
    ("startsWith", 1): _string_test(str.startswith),
    ("contains", 1): _string_test(lambda value, part: part in value),
    ("matches", 1): _string_test(_matches),
    ("length", 0): _length,
    ("toInteger", 0): _to_integer,
    ("extension", 1): _extension,
    ("ofType", 1): _of_type,
    ("is", 1): _type_function("is"),
    ("as", 1): _type_function("as"),
    ("iif", 2): _iif,
    ("iif", 3): _iif,
    ("resolve", 0): _resolve,
    ("memberOf", 1): _member_of,
    ("combine", 1): _combine,
    ("intersect", 1): _intersect,
    ("trace", 1): _trace,
    ("trace", 2): _trace,
}
"""The functions compiled natively, by name and number of arguments; any other is Unsupported."""
