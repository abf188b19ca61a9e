"""FHIRPath compiled to Python closures over plain JSON, for the invariants of R4 and our IG.

fhirpathpy parses (its AST is reused, so there is no second grammar here); this module walks the
tree once and builds nested closures ``(focus, env) -> collection`` (static types and navigation
are in :mod:`~adapter.validation.fhirpath_model`, the functions in
:mod:`~adapter.validation.fhirpath_functions`, FHIRPath's rules over values in
:mod:`~adapter.validation.fhirpath_values`). Types are known statically from the focus's model
path (fhirpathpy's own R4 model): that is how ``value`` finds ``valueQuantity`` and how
``ofType(Coding)`` is decided without wrapping every value.

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fhirpathpy.parser import parse

from adapter.validation import fhirpath_values as fv
from adapter.validation.fhirpath_functions import FUNCTIONS
from adapter.validation.fhirpath_model import (
    LITERAL_TYPES,
    NO_FOCUS,
    PRIMITIVES,
    RESOURCE,
    STRINGS,
    TEMPORAL,
    Choice,
    Env,
    Fn,
    Static,
    Unsupported,
    add_items,
    date_sensitivity,
    distinct,
    is_type,
    itself,
    member,
    node_text,
    string_literal,
    type_name,
    type_test,
)

__all__ = ["Native", "Unsupported", "compile_fhirpath"]


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


def _three_valued(a: Fn, b: Fn, *, decides: tuple[bool, bool], answer: bool) -> Fn:
    """FHIRPath's three-valued ``or`` / ``and`` / ``implies``: the left side having ``decides[0]``,
    or the right side having ``decides[1]``, gives ``answer`` (the right side is then not needed
    when the left decides); both sides having the other values give ``not answer``; anything
    else (an empty side) gives empty.

    or: (True, True) -> True; and: (False, False) -> False; implies: (False, True) -> True."""
    left_decides, right_decides = decides

    def run(items: list[Any], env: Env) -> list[Any]:
        x = fv.to_boolean(a(items, env))
        if x is left_decides:
            return [answer]
        y = fv.to_boolean(b(items, env))
        if y is right_decides:
            return [answer]
        return [not answer] if x is (not left_decides) and y is (not right_decides) else []

    return run


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
        return self.invoke(invocation, itself, focus, this)

    def _LiteralTerm(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        literal = node["children"][0]
        kind, text = literal["type"], literal.get("text", "")
        value: Any
        if kind == "StringLiteral":
            value, static = string_literal(text), "System.String"
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
        name = node_text(node["children"][0]["children"][0])
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
            return member(source, static, node_text(invocation["children"][0]))
        if invocation["type"] == "FunctionInvocation":
            functn = invocation["children"][0]
            name = node_text(functn["children"][0])
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
        wanted = type_name(params[0])
        key = next((k for k, t in static if is_type(t, wanted)), None)
        if key is None:
            return (lambda items, env: []), None
        owner = _owner(left)
        parent = self.expression(owner, focus, this)[0] if owner is not None else itself
        keys = tuple(k for k, _ in static)

        def of_type(items: list[Any], env: Env) -> list[Any]:
            found: list[Any] = []
            for item in parent(items, env):
                if not isinstance(item, dict):
                    continue
                # As fhirpathpy: the first of the allowed types present, in the model's order.
                present = next((k for k in keys if k in item or "_" + k in item), None)
                if present == key:
                    add_items(found, item.get(key), item.get("_" + key))
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

        return _three_valued(a, b, decides=(True, True), answer=True), "System.Boolean"

    def _AndExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        a, _, b, _ = self._binary(node, focus, this)

        return _three_valued(a, b, decides=(False, False), answer=False), "System.Boolean"

    def _ImpliesExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        a, _, b, _ = self._binary(node, focus, this)

        return _three_valued(a, b, decides=(False, True), answer=True), "System.Boolean"

    def _EqualityExpression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]:
        a, a_type, b, b_type = self._binary(node, focus, this)
        operator = node["terminalNodeText"][0]
        if operator not in ("=", "!="):
            raise Unsupported(f"the operator {operator}")
        temporal = date_sensitivity(a_type, b_type)
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
        temporal = date_sensitivity(a_type, b_type)

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
        temporal = date_sensitivity(a_type, b_type)
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
            return self.constant(distinct([*self.constants[id(a)], *self.constants[id(b)]])), static

        def union(items: list[Any], env: Env) -> list[Any]:
            return distinct([*a(items, env), *b(items, env)])

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
        wanted = type_name(specifier)
        if isinstance(static, tuple):
            raise Unsupported(f"'{operator}' on a choice element")
        return type_test(source, static, wanted, "is" if operator == "is" else "as")


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


COMPARISONS: Mapping[str, Callable[[int], bool]] = {
    "<": lambda order: order < 0,
    "<=": lambda order: order <= 0,
    ">": lambda order: order > 0,
    ">=": lambda order: order >= 0,
}


def _function_name(invocation: Mapping[str, Any]) -> str | None:
    if invocation["type"] != "FunctionInvocation":
        return None
    return node_text(invocation["children"][0]["children"][0])


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
