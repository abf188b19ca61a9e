"""FHIRPath invariants (dom-*, ele-1, ext-1 and each resource's own): compiled to Python closures
where :mod:`adapter.validation.fhirpath_compile` supports every node of the expression, through
fhirpathpy otherwise (and for the rare value a closure defers).

Each expression is compiled once (per focus type) and cached. Two invariants every element
carries are evaluated by hand because they are checked on every node and only ask about JSON
structure: ele-1 (a value or children) and ext-1 (an extension has a value or sub-extensions, not
both). Expressions that fhirpathpy cannot parse, or that need what a local validator does not
have, are named in :data:`SKIPPED` with the reason, and reported as information - never passed silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import fhirpathpy
from fhirpathpy.engine.nodes import ResourceNode
from fhirpathpy.models import models

from adapter.validation.fhirpath_compile import Native, Unsupported, compile_fhirpath
from adapter.validation.fhirpath_model import CHOICE_NAMES
from adapter.validation.fhirpath_values import Defer, bare
from adapter.validation.records import Constraint

R4_MODEL: Mapping[str, Any] = models["r4"]

SKIPPED: Mapping[str, str] = {
    "ele-1": "evaluated natively: a value or children",
    "ext-1": "evaluated natively: an extension has a value or sub-extensions, not both",
    "dom-3": "enforced in code, as the reference validator does (checkContainedReferences)",
    "ref-1": "evaluated natively by the reference check: a local reference needs its contained resource",
    "per-1": "evaluated natively: date and dateTime comparison is slow in fhirpathpy and frequent",
    "dom-6": "evaluated natively: a narrative div is present (checked on every resource)",
    "bdl-3": "evaluated natively: entry.request against Bundle.type (checked on every Bundle)",
    "bdl-4": "evaluated natively: entry.response against Bundle.type (checked on every Bundle)",
    "bdl-7": "evaluated natively: unique fullUrl (+ versionId) (checked on every Bundle)",
    "bdl-8": "evaluated natively: no version-specific fullUrl (checked on every entry)",
    "txt-1": "narrative XHTML rules are checked by the xhtml check, not by FHIRPath htmlChecks()",
    "txt-2": "narrative XHTML rules are checked by the xhtml check, not by FHIRPath htmlChecks()",
}
"""Invariants deliberately not run through fhirpathpy, by key, with the reason."""


def _has_value(inputs: list[Any]) -> list[bool]:
    return [len(inputs) == 1 and inputs[0] is not None and not isinstance(inputs[0], dict | list)]


RESOLVER: ContextVar[Callable[[Any], Any] | None] = ContextVar("RESOLVER", default=None)
"""How resolve() finds a reference's target during one evaluation (set by the walker)."""


@contextmanager
def resolving(resolver: Callable[[Any], Any]) -> Iterator[None]:
    """Let resolve() in invariants find targets with ``resolver`` (contained, Bundle entries)."""
    token = RESOLVER.set(resolver)
    try:
        yield
    finally:
        RESOLVER.reset(token)


def _resolve(inputs: list[Any]) -> list[Any]:
    # Only what the instance itself holds is resolved; nothing is ever fetched.
    resolver = RESOLVER.get()
    found = []
    for item in inputs:
        reference = item.get("reference") if isinstance(item, dict) else item
        target = resolver(reference) if resolver is not None else None
        if target is not None:
            # A typed node, so that ofType(Practitioner) and is(...) see the resource's type.
            found.append(_node(target, str(target.get("resourceType", ""))))
    return found


MEMBERSHIP: ContextVar[Callable[[str | None, str, str], str] | None] = ContextVar("MEMBERSHIP", default=None)
"""How memberOf() asks whether (system, code) is in a value set: "yes", "no" or "unknown"."""


@contextmanager
def checking_membership(membership: Callable[[str | None, str, str], str]) -> Iterator[None]:
    """Let memberOf() in invariants answer from ``membership`` (the local terminology)."""
    token = MEMBERSHIP.set(membership)
    try:
        yield
    finally:
        MEMBERSHIP.reset(token)


def _member_of(inputs: list[Any], value_set: str) -> list[bool]:
    membership = MEMBERSHIP.get()
    if membership is None:
        raise LookupError("memberOf() needs a terminology, and none was given")
    answers = []
    for item in inputs:
        data = item.data if isinstance(item, ResourceNode) else item
        pairs = _code_pairs(data)
        found = [membership(system, code, value_set) for system, code in pairs]
        if "yes" in found:
            answers.append(True)
        elif "unknown" in found or not pairs:
            # Not answerable locally: an evaluation failure is reported, never a false error.
            raise LookupError(f"memberOf('{value_set}') cannot be answered for {data!r} locally")
        else:
            answers.append(False)
    return answers[:1] if len(answers) == 1 else [all(answers)] if answers else []


def _code_pairs(data: Any) -> list[tuple[str | None, str]]:
    # A code, a Coding or a CodeableConcept: the (system, code) pairs it carries.
    if isinstance(data, str):
        return [(None, data)]
    if not isinstance(data, dict):
        return []
    codings = data.get("coding") if "coding" in data else [data]
    return (
        [
            (c.get("system") if isinstance(c.get("system"), str) else None, c["code"])
            for c in codings
            if isinstance(c, dict) and isinstance(c.get("code"), str)
        ]
        if isinstance(codings, list)
        else []
    )


def _html_checks(inputs: list[Any]) -> list[bool]:
    return [True]


def _quiet(label: str, value: Any) -> None:
    """trace() in an invariant must not print (dom-3 traces its unmatched ids)."""


USER_FUNCTIONS = {
    "hasValue": {"fn": _has_value, "arity": {0: []}},
    "htmlChecks": {"fn": _html_checks, "arity": {0: []}},
    "resolve": {"fn": _resolve, "arity": {0: []}},
    "memberOf": {"fn": _member_of, "arity": {1: ["String"]}},
}

OPTIONS = {"userInvocationTable": USER_FUNCTIONS, "traceFn": _quiet}

Compiled = Callable[[Any, Mapping[str, Any]], list[Any]]


class Invariants:
    """Compiled FHIRPath invariants, cached by expression.

    ``native=False`` evaluates everything through fhirpathpy (the differential tests compare).
    """

    def __init__(self, native: bool = True) -> None:
        self.use_native = native
        self._native: dict[tuple[str, str], Native | None] = {}
        self._compiled: dict[str, Compiled | str] = {}
        self._constants: dict[str, dict[str, list[str]]] = {}
        self._names: dict[str, frozenset[str] | None] = {}
        self._on_absent: dict[tuple[str, str], bool | str] = {}
        self._sufficient: dict[str, tuple[tuple[str, str], ...]] = {}

    def compiled(self, expression: str) -> Compiled | str:
        """The compiled expression, or the reason it cannot be compiled."""
        found = self._compiled.get(expression)
        if found is None:
            text, constants = literal_unions(expression)
            self._constants[expression] = constants
            try:
                found = fhirpathpy.compile(text, dict(R4_MODEL), options=OPTIONS)
            except Exception as problem:  # fhirpathpy raises bare Exceptions on syntax it lacks
                found = f"cannot be compiled: {problem}"
            self._compiled[expression] = found
        return found

    def native(self, expression: str, focus_type: str) -> Native | None:
        """The expression as Python closures for a focus of this type, or None when the native
        compiler does not support all of it (fhirpathpy evaluates it then)."""
        key = (expression, focus_type)
        if key not in self._native:
            try:
                self._native[key] = compile_fhirpath(expression, focus_type)
            except Unsupported:
                self._native[key] = None
        return self._native[key]

    def evaluate(
        self, constraint: Constraint, node: Any, type_path: str, resource: Any, root: Any
    ) -> bool | str:
        """True/False for a constraint on one node, or the reason it could not be evaluated."""
        expression = constraint.expression
        if expression is None:
            return "has no FHIRPath expression"
        if expression not in self._names:
            self._names[expression] = focus_names(expression)
        names = self._names[expression]
        if names is not None and isinstance(node, dict) and not _present(node, names):
            # None of the children the expression reads is here (``contained`` for dom-2..5 on
            # most resources): the answer on an empty node, computed once per type.
            key = (expression, type_path)
            if key not in self._on_absent:
                self._on_absent[key] = self._run(expression, {}, type_path, resource, root)
            return self._on_absent[key]
        # A compiled closure answers faster than the sufficient tests below can look for one.
        answer = self._run_native(expression, node, type_path, resource, root)
        if answer is not None:
            return answer
        if expression not in self._sufficient:
            self._sufficient[expression] = sufficient_tests(expression)
        if isinstance(node, dict) and any(_holds(node, test) for test in self._sufficient[expression]):
            return True
        # The closures declined this one (none compiled, or a value they leave to fhirpathpy).
        return self._run_fhirpathpy(expression, node, type_path, resource, root)

    def select(self, expression: str, resource: Any) -> list[Any] | str:
        """The values an expression selects from a resource, or why it could not be evaluated."""
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        native = self.native(expression, kind) if self.use_native and isinstance(kind, str) else None
        if native is not None:
            try:
                variables = {"resource": resource, "rootResource": resource}
                return [bare(v) for v in native(resource, variables, RESOLVER.get(), _member_of)]
            except Defer:
                pass  # fhirpathpy decides this one
            except Exception as problem:  # evaluation errors are reported, never raised
                return f"failed to evaluate: {type(problem).__name__}: {problem}"
        compiled = self.compiled(expression)
        if isinstance(compiled, str):
            return compiled
        try:
            variables = {**self._constants[expression], "resource": resource, "rootResource": resource}
            return compiled(resource, variables)
        except Exception as problem:  # evaluation errors are reported, never raised
            return f"failed to evaluate: {type(problem).__name__}: {problem}"

    def _run(self, expression: str, node: Any, type_path: str, resource: Any, root: Any) -> bool | str:
        answer = self._run_native(expression, node, type_path, resource, root)
        return (
            answer
            if answer is not None
            else self._run_fhirpathpy(expression, node, type_path, resource, root)
        )

    def _run_native(
        self, expression: str, node: Any, type_path: str, resource: Any, root: Any
    ) -> bool | str | None:
        """The closures' answer, or None when there are none or they defer to fhirpathpy."""
        is_resource = isinstance(node, dict) and "resourceType" in node
        focus_type = str(node["resourceType"]) if is_resource else type_path
        native = self.native(expression, focus_type) if self.use_native and focus_type else None
        if native is None:
            return None
        try:
            variables = {"resource": resource, "rootResource": root}
            return _truthy(native(node, variables, RESOLVER.get(), _member_of))
        except Defer:
            return None  # a value the closures leave to fhirpathpy
        except Exception as problem:  # evaluation errors are reported, never raised
            return f"failed to evaluate: {type(problem).__name__}: {problem}"

    def _run_fhirpathpy(
        self, expression: str, node: Any, type_path: str, resource: Any, root: Any
    ) -> bool | str:
        compiled = self.compiled(expression)
        if isinstance(compiled, str):
            return compiled
        try:
            # A resource is passed as it is: fhirpathpy resolves a leading type name
            # (``Patient.active``) only on a bare resource, not on a node wrapper.
            is_resource = isinstance(node, dict) and "resourceType" in node
            target = _node(node, type_path) if type_path and not is_resource else node
            variables = {**self._constants[expression], "resource": resource, "rootResource": root}
            result = compiled(target, variables)
        except Exception as problem:  # evaluation errors are reported, never raised
            return f"failed to evaluate: {type(problem).__name__}: {problem}"
        return _truthy(result)


LITERAL_UNION = re.compile(r"\(\s*'(?:[^'\\]|\\.)*'(?:\s*\|\s*'(?:[^'\\]|\\.)*')+\s*\)")


def literal_unions(expression: str) -> tuple[str, dict[str, list[str]]]:
    """Each parenthesised union of plain string literals, ``('a' | 'b')``, becomes a variable
    holding the same distinct strings: fhirpathpy would rebuild (and de-duplicate through JSON)
    the union for every node it meets, which made such code lists the slowest invariants."""
    constants: dict[str, list[str]] = {}

    def constant(match: re.Match[str]) -> str:
        values = re.findall(r"'((?:[^'\\]|\\.)*)'", match.group(0))
        if any("\\" in v for v in values):
            return match.group(0)  # escapes keep their FHIRPath meaning only in the expression
        name = f"literals{len(constants)}"
        constants[name] = list(dict.fromkeys(values))
        return f"%{name}"

    return LITERAL_UNION.sub(constant, expression), constants


STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'")
ROOT_TOKEN = re.compile(r"(?<![.\w%$`])`?([A-Za-z_][A-Za-z0-9_]*)`?(\s*\()?")
KEYWORDS = frozenset(
    {"and", "or", "xor", "implies", "in", "contains", "as", "is", "div", "mod", "true", "false"}
)


def focus_names(expression: str) -> frozenset[str] | None:
    """The children of its focus an expression can read, or None when it may read more.

    Identifiers not preceded by a dot are read from a focus (the node, or an inner focus inside a
    function's argument - counting those too only makes the set larger, which is safe). Variables
    (%resource), $this and function calls on the focus itself may read anything: None.
    """
    text = STRING_LITERAL.sub("''", expression)
    if "%" in text or "$" in text:
        return None
    names: set[str] = set()
    for match in ROOT_TOKEN.finditer(text):
        name, call = match.group(1), match.group(2)
        if name in KEYWORDS:
            continue
        if call or name[0].isupper():
            # A call on the focus, or a type name (``Patient.active``, ``is(Quantity)``): the
            # expression may read the focus itself, not only named children.
            return None
        names.add(name)
    return frozenset(names)


EXISTS = re.compile(r"^\(?\s*([a-z][A-Za-z0-9_]*)\.(exists|empty)\(\)\s*\)?$")


def _top_level_split(text: str, word: str) -> list[str]:
    """Split on `` word `` where it is not inside parentheses or a string literal."""
    parts, depth, start, quoted, i = [], 0, 0, False, 0
    token = f" {word} "
    while i < len(text):
        char = text[i]
        if char == "'" and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and text.startswith(token, i):
            parts.append(text[start:i])
            start = i + len(token)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return parts


def sufficient_tests(expression: str) -> tuple[tuple[str, str], ...]:
    """Tests on the focus's children that, when one holds, make the whole expression true.

    ``a.exists() or ...`` holds when ``a`` is present; ``a.empty() or ...`` when it is absent;
    ``a.exists() implies ...`` when ``a`` is absent. Invariants are written this way so often
    that answering them here saves most FHIRPath evaluations.
    """
    tests: list[tuple[str, str]] = []
    implication = _top_level_split(expression, "implies")
    if len(implication) == 2:
        found = EXISTS.match(implication[0].strip())
        if found is not None and found.group(2) == "exists":
            tests.append(("absent", found.group(1)))
        return tuple(tests)
    for disjunct in _top_level_split(expression, "or"):
        found = EXISTS.match(disjunct.strip())
        if found is not None:
            tests.append(("present" if found.group(2) == "exists" else "absent", found.group(1)))
    return tuple(tests)


def _holds(node: dict[str, Any], test: tuple[str, str]) -> bool:
    kind, name = test
    present = _mentions(node, frozenset({name}))
    return present if kind == "present" else not present


def _present(node: dict[str, Any], names: frozenset[str]) -> bool:
    """Might the node hold one of these children? A few dict lookups; a name that may be a
    choice element (``value`` as ``valueQuantity``) needs the key scan of :func:`_mentions`."""
    for name in names:
        if name in node or "_" + name in node:
            return True
    return not names.isdisjoint(CHOICE_NAMES) and _mentions(node, names)


def _mentions(node: dict[str, Any], names: frozenset[str]) -> bool:
    for key in node:
        bare = key.lstrip("_")
        if bare in names or any(bare.startswith(n) and bare[len(n) : len(n) + 1].isupper() for n in names):
            return True
    return False


def contained_unreferenced(resource: Mapping[str, Any]) -> list[int]:
    """dom-3: indices of the contained resources nothing refers to, as the reference validator
    enforces it in code (InstanceValidator.checkContainedReferences / isReferencedFromBase; it
    never runs dom-3's FHIRPath). Each resource collects its internal references (see
    :func:`internal_references`): a contained resource is referred to when the container's own
    set names its id, when its own set holds ``""`` (it refers to the container with ``#``), or
    when another contained resource that is itself referred to names its id. A contained resource
    without an id is referred to only by referring to the container."""
    contained = resource.get("contained")
    if not isinstance(contained, list) or not contained:
        return []
    base = internal_references({k: v for k, v in resource.items() if k != "contained"})
    own = [internal_references(item) for item in contained]

    def referenced(index: int, ignoring: frozenset[int]) -> bool:
        named = contained[index].get("id")
        if isinstance(named, str) and named in base:
            return True
        if "" in own[index]:
            return True
        return any(
            other != index
            and other not in ignoring
            and isinstance(named, str)
            and named in own[other]
            and referenced(other, ignoring | {other})
            for other in range(len(contained))
        )

    return [
        i for i, item in enumerate(contained) if isinstance(item, dict) and not referenced(i, frozenset())
    ]


NARRATIVE_LINK = re.compile(
    r"<(?:a\b[^>]*?\bhref|img\b[^>]*?\bsrc)\s*=\s*(?:\"#([^\"]+)\"|'#([^']+)')", re.IGNORECASE
)


def internal_references(value: Any) -> set[str]:
    """The ``#`` references a resource makes, as the reference validator gathers them into its
    internal references: a Reference, uri, url or canonical value ``#id`` adds ``id`` (``#``
    alone adds ``""``, the container); a narrative ``<a href="#id">`` or ``<img src="#id">``
    adds ``id`` (InstanceValidator.checkReference, validateReference, checkReferences,
    checkImageSources). Values are read from the JSON without their types, so a string-typed
    ``#id`` counts too."""
    found: set[str] = set()
    stack: list[Any] = [value] if type(value) is dict or type(value) is list else []
    while stack:
        current = stack.pop()
        pairs = current.items() if type(current) is dict else ((None, v) for v in current)
        for key, item in pairs:
            kind = type(item)
            if kind is str:
                if key == "div":
                    if "#" in item:
                        found.update(a or b for a, b in NARRATIVE_LINK.findall(item))
                elif item[:1] == "#":
                    found.add(item[1:])
            elif kind is dict or kind is list:
                stack.append(item)
    return found


def _node(data: Any, type_path: str) -> Any:
    # fhirpathpy needs the model path of a node to resolve choice types and ofType().
    return ResourceNode.create_node(data, type_path)  # type: ignore[no-untyped-call]


def start_before_end(start: str, end: str) -> bool:
    """per-1: is start <= end? Compared as instants when both carry a time, otherwise on the
    date parts both give. Values equal as far as both are precise but given to different
    precisions cannot be ordered: FHIRPath's comparison is then empty, and the reference
    validator counts an empty invariant result as a failure."""
    if "T" in start and "T" in end:
        first, last = _instant(start), _instant(end)
        if first is not None and last is not None:
            return first <= last
    start_date, end_date = start.partition("T")[0], end.partition("T")[0]
    shared = min(len(start_date), len(end_date))
    if start_date[:shared] != end_date[:shared]:
        return start_date[:shared] < end_date[:shared]
    return len(start_date) == len(end_date) and ("T" in start) == ("T" in end)


def _instant(text: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _truthy(result: list[Any]) -> bool:
    # An empty result does not fail an invariant (bdl-8 on an entry with no fullUrl); a false does.
    return all(item is not False and bare(item) is not False for item in result)
