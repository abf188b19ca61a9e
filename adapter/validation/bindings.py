"""Terminology bindings: required (error) and extensible (warning), answered by local expansions.

When the value set names a code system the definitions do not hold (SNOMED CT, LOINC, UCUM...),
the answer is "cannot tell": a warning that says which system was not available, never an error -
unless the caller named a terminology service, which is then asked (``$expand``/``$validate-code``).
A Coding from such a system is checked by the service too; without one, an information issue names
the code that went unchecked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from adapter.outcome import Issue
from adapter.validation.records import ElementRecord
from adapter.validation.terminology import Expansion, Membership, Terminology
from adapter.validation.terminology_service import CodeQuestion

CHECKED_STRENGTHS = frozenset({"required", "extensible"})


def _codings(code: str, value: Any) -> list[tuple[str | None, str]] | None:
    """(system, code) pairs a bound value carries, or None for types a binding does not apply to."""
    if code in ("code", "string", "uri") and isinstance(value, str):
        return [(None, value)]
    if code in ("Coding", "Quantity") and isinstance(value, dict):
        if code == "Quantity" and "code" not in value:
            return None
        return [(_str(value.get("system")), str(value.get("code", "")))] if "code" in value else []
    if code == "CodeableConcept" and isinstance(value, dict):
        return [
            (_str(c.get("system")), str(c["code"]))
            for c in value.get("coding", [])
            if isinstance(c, dict) and "code" in c
        ]
    return None


def codes_of(value: Any) -> list[tuple[str | None, str]]:
    """The (system, code) pairs of a code, Coding or CodeableConcept value, whatever its type."""
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, dict):
        kind = "CodeableConcept" if "coding" in value else "Coding"
        return _codings(kind, value) or []
    return []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def check_binding(
    terminology: Terminology, element: ElementRecord, code: str, value: Any, path: str
) -> Iterable[Issue]:
    """A bound value's codes against the value set of a required or extensible binding."""
    binding = element.binding
    if binding is None:
        return
    pairs = _codings(code, value)
    if pairs is None:
        return
    for purpose, value_set in binding.additional:
        if purpose == "required":
            yield from _additional_required(terminology, value_set, pairs, path)
    if binding.strength not in CHECKED_STRENGTHS or not binding.value_set:
        return
    expansion = terminology.expand(binding.value_set)
    if not expansion.found:
        yield Issue.warning(
            "not-found",
            "binding.valueset-unknown",
            f"The value set {binding.value_set} is not available, so the {binding.strength} binding "
            "could not be checked",
            path,
        )
        return
    answers: list[Membership] = [expansion.contains(system, c) for system, c in pairs]
    if "yes" in answers:
        return
    if "unknown" in answers:
        unknown = [pair for pair, answer in zip(pairs, answers, strict=True) if answer == "unknown"]
        verdict, reason = _ask_service(terminology, unknown, binding.value_set)
        if verdict is True:
            return
        if verdict is None:
            yield Issue(
                "warning",
                "not-supported",
                "binding.unverifiable",
                f"The code {_describe(pairs)} could not be checked against the value set '{expansion.name}' "
                f"({expansion.url}): its code system ({_systems(expansion)}) is not available locally"
                + (f", and {reason}" if reason else " and no terminology service was named"),
                path,
            )
            return
    if binding.strength == "required" and pairs and all(system is None for system, _ in pairs):
        # A bare code names no system, and none of the value set's systems has it.
        yield Issue.error(
            "code-invalid",
            "binding.code-system-undetermined",
            f"The code system of the code {_describe(pairs)} could not be determined from the value set "
            f"'{expansion.url}': none of its code systems ({', '.join(sorted(expansion.systems))}) has it",
            path,
        )
    yield _not_in(binding.strength, pairs, expansion, path)


def _ask_service(
    terminology: Terminology, pairs: list[tuple[str | None, str]], value_set: str
) -> tuple[bool | None, str]:
    """The terminology service's verdict on the codes the local definitions cannot judge: True when
    one is in the value set, False when the service says none is, None (and why) when it cannot tell
    or there is no service."""
    service = terminology.service
    if service is None:
        return None, ""
    answers = [service.check(CodeQuestion(system, code, None, value_set)) for system, code in pairs]
    if any(a.valid for a in answers):
        return True, ""
    if answers and all(a.valid is False for a in answers):
        return False, ""
    return None, "; ".join(a.message for a in answers if a.valid is None)


def _additional_required(
    terminology: Terminology, value_set: str, pairs: list[tuple[str | None, str]], path: str
) -> Iterable[Issue]:
    # Only a definite "no" is an error: an unknown value set or code system is not a false error.
    expansion = terminology.expand(value_set)
    answers = [expansion.contains(system, c) for system, c in pairs]
    if not expansion.found or "yes" in answers or "unknown" in answers:
        return
    yield Issue.error(
        "code-invalid",
        "binding.additional-required",
        f"None of the codes {_describe(pairs)} is in the value set '{expansion.name}' ({expansion.url}) "
        "named by an additional binding, and a code from this value set is required",
        path,
    )


def _not_in(strength: str, pairs: list[tuple[str | None, str]], expansion: Expansion, path: str) -> Issue:
    value_set = f"the value set '{expansion.name}' ({expansion.url})"
    # Without any code (a CodeableConcept with text only) the value is not "not in" the value set.
    what = (
        f"The code {_describe(pairs)} is not in {value_set}"
        if pairs
        else f"No code is given from {value_set}"
    )
    if strength == "required":
        return Issue.error(
            "code-invalid",
            "binding.required",
            f"{what}, and a code from this value set is required",
            path,
        )
    return Issue.warning(
        "code-invalid",
        "binding.extensible",
        f"{what}, and a code should come from this value set unless it has no suitable code",
        path,
    )


def _describe(pairs: list[tuple[str | None, str]]) -> str:
    return ", ".join(f"'{system}#{code}'" if system else f"'{code}'" for system, code in pairs)


def _systems(expansion: Expansion) -> str:
    return ", ".join(sorted(expansion.unavailable)) or "unknown"


BINDABLE = frozenset({"code", "Coding", "CodeableConcept", "Quantity", "string", "uri", "CodeableReference"})


def check_bindable(definition: dict[str, Any], path: str) -> Iterable[Issue]:
    """In a StructureDefinition, a binding only on elements whose types can carry a code."""
    elements = definition.get("differential", {}).get("element", [])
    for index, element in enumerate(elements if isinstance(elements, list) else []):
        if not isinstance(element, dict) or "binding" not in element:
            continue
        codes = {str(t.get("code")) for t in element.get("type", []) if isinstance(t, dict)}
        if codes and not codes & BINDABLE:
            yield Issue.error(
                "invalid",
                "profile.binding-irrelevant",
                f"This element has a binding but the types [{', '.join(sorted(codes))}] do not make this "
                "kind of constraint relevant",
                f"{path}.differential.element[{index}]",
            )


def check_coding_systems(
    terminology: Terminology, value: Any, path: str, value_set: str | None = None
) -> Iterable[Issue]:
    """A Coding's system is an absolute code system URL; when the definitions hold that code system
    in full, the code is one of its codes and the display one of the code's displays (or one the
    bound ``value_set`` gives the code, as an expansion's display or designation)."""
    if not isinstance(value, dict):
        return
    system, code = value.get("system"), value.get("code")
    if isinstance(system, str) and ":" not in system:
        yield Issue.error(
            "invalid",
            "coding.system-relative",
            f"Coding.system must be an absolute reference, not a local reference ('{system}')",
            f"{path}.system",
        )
        return
    if isinstance(system, str) and terminology.is_value_set(system):
        yield Issue.error(
            "invalid",
            "coding.system-is-value-set",
            f"The Coding references a value set, not a code system ('{system}')",
            f"{path}.system",
        )
        return
    if not isinstance(system, str) or not isinstance(code, str):
        return
    concepts = terminology.code_system(system)
    if concepts is None:
        yield from _external_code(terminology, system, code, value.get("display"), path)
        return
    concept = concepts.get(code)
    if concept is None:
        yield Issue.error(
            "code-invalid",
            "coding.unknown-code",
            f"Unknown code '{code}' in the code system '{system}'",
            path,
        )
        return
    display = value.get("display")
    if (
        isinstance(display, str)
        and _plain(display) not in _displays(concept)
        and (value_set is None or _plain(display) not in terminology.displays_in(value_set, system, code))
    ):
        yield Issue.error(
            "code-invalid",
            "coding.display",
            f"Wrong Display Name '{display}' for {system}#{code}. Valid display is "
            f"'{concept.get('display', '')}'",
            f"{path}.display",
        )


def _external_code(
    terminology: Terminology, system: str, code: str, display: Any, path: str
) -> Iterable[Issue]:
    """A code from a system not held here (SNOMED CT, LOINC, dm+d...): asked of the terminology
    service when one was named; otherwise an information issue says it went unchecked."""
    described = f"'{system}#{code}'"
    service = terminology.service
    if service is None:
        yield Issue(
            "information",
            "not-supported",
            "terminology.unchecked",
            f"The code {described} was not checked: the code system is not held here and no "
            "terminology service was named (--tx)",
            path,
        )
        return
    answer = service.check(CodeQuestion(system, code, display if isinstance(display, str) else None, None))
    if answer.valid is False:
        yield Issue.error(
            "code-invalid",
            "coding.invalid-external",
            f"The code {described} is not valid according to the terminology service"
            + (f": {answer.message}" if answer.message else ""),
            path,
        )
    elif answer.valid is None:
        yield Issue.warning(
            "not-supported",
            "terminology.unavailable",
            f"The code {described} could not be checked: {answer.message}",
            path,
        )


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _displays(concept: dict[str, Any]) -> set[str]:
    found = {_plain(str(concept.get("display", "")))} if "display" in concept else set()
    found |= {_plain(str(d.get("value", ""))) for d in concept.get("designation", []) if isinstance(d, dict)}
    # A concept with no display at all cannot make any display wrong.
    return found or {_plain(str(concept.get("code", "")))}
