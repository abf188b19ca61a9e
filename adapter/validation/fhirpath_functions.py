"""The FHIRPath functions compiled natively: (name, number of arguments) -> a builder that turns
the compiled input (and the arguments' AST) into a closure and its static type."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from adapter.validation import fhirpath_values as fv
from adapter.validation.fhirpath_model import (
    NO_FOCUS,
    RESOURCE,
    Env,
    Fn,
    Static,
    Unsupported,
    distinct,
    node_text,
    string_literal,
    type_name,
    type_test,
)


class Compiling(Protocol):
    """What a builder asks of the compiler: its arguments compiled."""

    def expression(self, node: Mapping[str, Any], focus: Static, this: Static) -> tuple[Fn, Static]: ...

    def argument(self, param: Mapping[str, Any], this: Static) -> Fn: ...

    def criteria(self, param: Mapping[str, Any], static: Static) -> Fn: ...


Builder = Callable[[Compiling, list[Mapping[str, Any]], Fn, Static, Static], tuple[Fn, Static]]


def _on_collection(what: Callable[[list[Any]], list[Any]], static: Static = "System.Boolean") -> Builder:
    """A function of the input collection alone (exists(), count()...)."""

    def build(
        compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
    ) -> tuple[Fn, Static]:
        return (lambda items, env: what(source(items, env))), static if static != "same" else owner

    return build


def _not(items: list[Any]) -> list[Any]:
    answer = fv.to_boolean(items)
    return [] if answer is None else [not answer]


def _has_value(items: list[Any]) -> list[Any]:
    return [len(items) == 1 and fv.bare(items[0]) is not None and not isinstance(items[0], dict | list)]


def _is_distinct(items: list[Any]) -> list[Any]:
    return [len(distinct(items)) == len(items)]


def _with_criteria(kind: str) -> Builder:
    """where(), select(), all() and exists(criteria): the argument is evaluated on each item."""

    def build(
        compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
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
        compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
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
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
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
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
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
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    literal = params[0]
    if node_text(literal)[:1] != "'":
        raise Unsupported("extension() with a url that is not a literal")
    url = string_literal(node_text(literal))

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
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    if isinstance(owner, tuple):
        raise Unsupported("ofType() on a choice reached other than by name")
    return type_test(source, owner, type_name(params[0]), "of")


def _type_function(mode: str) -> Builder:
    """is(T) and as(T) written as functions."""

    def build(
        compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
    ) -> tuple[Fn, Static]:
        if isinstance(owner, tuple):
            raise Unsupported(f"{mode}() on a choice reached other than by name")
        return type_test(source, owner, type_name(params[0]), mode)

    return build


def _iif(
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
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
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
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
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    literal = node_text(params[0])
    if literal[:1] != "'":
        raise Unsupported("memberOf() with a value set that is not a literal")
    value_set = string_literal(literal)

    def run(items: list[Any], env: Env) -> list[Any]:
        if env.member_of is None:
            raise LookupError("memberOf() needs a terminology, and none was given")
        return env.member_of([fv.bare(i) for i in source(items, env)], value_set)

    return run, "System.Boolean"


def _combine(
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    other, other_type = compiler.expression(params[0], NO_FOCUS, this)
    return (
        lambda items, env: [*source(items, env), *other(items, env)]
    ), owner if owner == other_type else None


def _intersect(
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
) -> tuple[Fn, Static]:
    other, _ = compiler.expression(params[0], NO_FOCUS, this)

    def run(items: list[Any], env: Env) -> list[Any]:
        # The items of the input also in the argument, each once (FHIRPath's equality).
        wanted = {fv.identity(item) for item in other(items, env)}
        return [item for item in distinct(source(items, env)) if fv.identity(item) in wanted]

    return run, owner


def _trace(
    compiler: Compiling, params: list[Any], source: Fn, owner: Static, this: Static
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
    ("distinct", 0): _on_collection(distinct, "same"),
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
