"""The public entry points: :class:`Validator` (holds the compiled cache) and :func:`validate`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from adapter.definitions import Definitions
from adapter.outcome import Issue, OperationOutcome
from adapter.validation.invariants import Invariants, checking_membership
from adapter.validation.library import StructureLibrary
from adapter.validation.terminology import Terminology
from adapter.validation.terminology_service import CodeLookup, terminology_service
from adapter.validation.walker import Context, Walker

if TYPE_CHECKING:
    import httpx


class Validator:
    """Validates FHIR R4 JSON resources against the base spec and profiles.

    Compiled structures, value set expansions and FHIRPath expressions are cached on the
    instance, so keep one Validator per definitions chain and reuse it.

        >>> validator = Validator()
        >>> validator.validate({"resourceType": "Patient", "active": "yes"}).ok
        False
    """

    def __init__(
        self,
        definitions: Definitions | None = None,
        *,
        allow_example_urls: bool = True,
        bundle_profiles: Sequence[tuple[str, str]] = (),
        assume_valid_rest_references: bool = True,
        allowed_extension_domains: Sequence[str] = (),
        html_in_markdown: Literal["warning", "error", "none"] = "warning",
        terminology_server: str | httpx.Client | CodeLookup | None = None,
    ) -> None:
        """``bundle_profiles``: (rule, profile URL) pairs that put Bundle entries under a profile; a
        rule is a resource type and optionally which entry of that type, from 0 (``Patient:0``).
        ``assume_valid_rest_references``: an unresolved reference's type is read from its URL
        (``Group/1``) and checked against the element's allowed targets.
        ``allowed_extension_domains``: URL prefixes whose extensions may be used without a definition.
        ``html_in_markdown``: what HTML tags in a markdown value are (the reference validator's
        html-in-markdown option; a warning by default, as there).
        ``terminology_server``: a FHIR terminology server's base URL (or an ``httpx.Client`` for it, or
        any :class:`CodeLookup`) asked about codes from systems not held here; answers are cached."""
        self.definitions = definitions if definitions is not None else Definitions.default()
        library = StructureLibrary(self.definitions)
        self.context = Context(
            library=library,
            terminology=Terminology(
                self.definitions,
                local=library.contained_value_sets,
                service=terminology_service(terminology_server),
            ),
            invariants=Invariants(),
            allow_example_urls=allow_example_urls,
            bundle_profiles=tuple(_bundle_rule(rule, url) for rule, url in bundle_profiles),
            assume_valid_rest_references=assume_valid_rest_references,
            allowed_extension_domains=tuple(allowed_extension_domains),
            html_in_markdown=html_in_markdown,
        )

    def validate(self, resource: Any, *, profiles: Sequence[str] = ()) -> OperationOutcome:
        """Every issue found in ``resource`` (never raises for bad input; it becomes an issue)."""
        walker = Walker(self.context)
        for url in profiles:
            if self.context.library.structure(url) is None:
                walker.add(
                    [Issue.error("not-found", "profile.unknown", f"Profile {url!r} is not available", None)]
                )
        known = [p for p in profiles if self.context.library.structure(p) is not None]
        if not isinstance(resource, dict):
            walker.add(
                [
                    Issue(
                        "fatal",
                        "structure",
                        "resource.not-object",
                        f"A FHIR resource must be a JSON object, not {type(resource).__name__}",
                        None,
                    )
                ]
            )
        else:
            try:
                with checking_membership(self._membership):
                    walker.resource(resource, "", None, known, explicit=True)
            except RecursionError:
                walker.add(
                    [Issue("fatal", "too-costly", "structure.too-deep", "The resource is nested too deeply")]
                )
            except (TypeError, AttributeError, KeyError, ValueError):
                # A shape no rule expected broke a later step. Never a traceback, never a silent pass:
                # where the JSON breaks the R4 shape is said (the wire codec's shape check), or, if it
                # fits, that validation could not be completed.
                walker.add(_unfinished(resource))
        return OperationOutcome.of(walker.issues)

    def _membership(self, system: str | None, code: str, value_set: str) -> str:
        # memberOf() in invariants: answered from the value sets and code systems held locally.
        return self.context.terminology.expand(value_set).contains(system, code)


def _bundle_rule(rule: str, url: str) -> tuple[str, int | None, str]:
    resource_type, _, index = rule.partition(":")
    return resource_type, int(index) if index.isdigit() else None, url


@cache
def _default_validator() -> Validator:
    return Validator()


def validate(
    resource: Any, *, profiles: Sequence[str] = (), definitions: Definitions | None = None
) -> OperationOutcome:
    """Validate one FHIR R4 JSON resource; the OperationOutcome lists every issue.

    >>> validate({"resourceType": "CarePlan", "status": "bogus"}).ok
    False
    """
    validator = _default_validator() if definitions is None else Validator(definitions)
    return validator.validate(resource, profiles=profiles)


def _unfinished(resource: dict[str, Any]) -> list[Issue]:
    from adapter.wire import shape_issues

    broken = shape_issues(resource)
    return broken or [
        Issue(
            "fatal",
            "exception",
            "validation.unfinished",
            "Validation could not be completed for this resource; its issues may be incomplete",
            str(resource.get("resourceType")) if isinstance(resource.get("resourceType"), str) else None,
        )
    ]
