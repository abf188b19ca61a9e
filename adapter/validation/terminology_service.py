"""A FHIR terminology service, by the caller's choice, for codes from systems we do not hold.

The bundled definitions hold the FHIR code systems and our IG's; SNOMED CT, LOINC, dm+d and the
like are far too large to ship. When the caller names a terminology server
(``Validator(terminology_server="https://tx.example/fhir")`` or ``careplan validate --tx URL``),
codes from those systems are checked through the FHIR R4 terminology operations
(http://hl7.org/fhir/R4/terminology-service.html):

- ``ValueSet/$expand?url=`` (http://hl7.org/fhir/R4/valueset-operation-expand.html): a value set
  expanded once per run answers membership for every code bound to it; an expansion the server
  refuses or returns incomplete (``total`` above what it listed, or an ``offset``) is not used;
- ``ValueSet/$validate-code?url=&system=&code=&display=`` and
  ``CodeSystem/$validate-code?url=&code=&display=``
  (http://hl7.org/fhir/R4/valueset-operation-validate-code.html,
  http://hl7.org/fhir/R4/codesystem-operation-validate-code.html): the answer is the ``result``
  boolean of the returned Parameters, with its ``message``.

Every answer is cached for the life of the :class:`TerminologyServer` (one run). A server that
cannot be reached or answers with an error gives "cannot tell" with the reason, never a false
error. The lookup is pluggable through the one-method :class:`CodeLookup` protocol.

    >>> lookup = TerminologyServer("http://127.0.0.1:8080/fhir")  # doctest: +SKIP
    >>> lookup.check(CodeQuestion("http://loinc.org", "8867-4", None, None)).valid  # doctest: +SKIP
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from adapter.types import FhirJson

if TYPE_CHECKING:
    import httpx

EXPANSION_LIMIT = 1000
"""Value sets larger than this are not expanded; their codes are asked about one by one."""


@dataclass(frozen=True, slots=True)
class CodeQuestion:
    """Is this code (and display, when given) valid in the code system, or in the value set when
    one is named?"""

    system: str | None
    code: str
    display: str | None
    value_set: str | None


@dataclass(frozen=True, slots=True)
class CodeAnswer:
    """``valid`` None: the service could not tell (``message`` says why)."""

    valid: bool | None
    message: str = ""


class CodeLookup(Protocol):
    """Answers code questions (a terminology service)."""

    def check(self, question: CodeQuestion) -> CodeAnswer: ...


class TerminologyServer:
    """A FHIR R4 terminology server over httpx: ``$expand`` and ``$validate-code``, cached per run.

    ``server`` is the base URL of the FHIR endpoint, or an ``httpx.Client`` whose ``base_url`` is.
    """

    def __init__(
        self, server: str | httpx.Client, *, timeout: float = 30.0, expansion_limit: int = EXPANSION_LIMIT
    ) -> None:
        import httpx  # only a run that names a server pays for the HTTP client's import

        self._http_error = httpx.HTTPError
        if isinstance(server, httpx.Client):
            self._client = server
        else:
            self._client = httpx.Client(base_url=server.rstrip("/") + "/", timeout=timeout)
        self._expansion_limit = expansion_limit
        self._answers: dict[CodeQuestion, CodeAnswer] = {}
        self._expansions: dict[str, frozenset[tuple[str, str]] | None] = {}

    def check(self, question: CodeQuestion) -> CodeAnswer:
        cached = self._answers.get(question)
        if cached is None:
            cached = self._answers[question] = self._ask(question)
        return cached

    def _ask(self, question: CodeQuestion) -> CodeAnswer:
        if question.value_set is not None and question.display is None:
            codes = self._expansion(question.value_set)
            if codes is not None:
                if question.system is None:
                    found = any(code == question.code for _, code in codes)
                else:
                    found = (question.system, question.code) in codes
                return CodeAnswer(found, "" if found else f"not in the expansion of {question.value_set}")
        if question.value_set is not None:
            params = {"url": question.value_set, "code": question.code}
            if question.system is not None:
                params["system"] = question.system
            return self._validate_code("ValueSet/$validate-code", params, question.display)
        if question.system is None:
            return CodeAnswer(None, "a code without a system cannot be looked up")
        params = {"url": question.system, "code": question.code}
        return self._validate_code("CodeSystem/$validate-code", params, question.display)

    def _expansion(self, value_set: str) -> frozenset[tuple[str, str]] | None:
        if value_set not in self._expansions:
            self._expansions[value_set] = self._expand(value_set)
        return self._expansions[value_set]

    def _expand(self, value_set: str) -> frozenset[tuple[str, str]] | None:
        answer = self._get("ValueSet/$expand", {"url": value_set, "count": str(self._expansion_limit)})
        if not isinstance(answer, dict) or answer.get("resourceType") != "ValueSet":
            return None
        expansion = answer.get("expansion")
        if not isinstance(expansion, dict) or expansion.get("offset"):
            return None
        listed = list(_contains(expansion.get("contains", [])))
        total = expansion.get("total")
        if isinstance(total, int) and total > len(listed):
            return None
        return frozenset((str(c.get("system")), str(c.get("code"))) for c in listed if "code" in c)

    def _validate_code(self, operation: str, params: dict[str, str], display: str | None) -> CodeAnswer:
        if display is not None:
            params["display"] = display
        answer = self._get(operation, params)
        if isinstance(answer, str):
            return CodeAnswer(None, answer)
        if answer.get("resourceType") != "Parameters":
            return CodeAnswer(
                None, f"{operation} answered with a {answer.get('resourceType')}, not Parameters"
            )
        values = {p.get("name"): p for p in answer.get("parameter", []) if isinstance(p, dict)}
        result = values.get("result", {}).get("valueBoolean")
        message = str(values.get("message", {}).get("valueString", ""))
        if not isinstance(result, bool):
            return CodeAnswer(None, f"{operation} gave no result")
        return CodeAnswer(result, message)

    def _get(self, operation: str, params: dict[str, str]) -> FhirJson | str:
        """The JSON resource the server answered, or why there is none."""
        try:
            response = self._client.get(operation, params=params, headers={"Accept": "application/fhir+json"})
        except self._http_error as problem:
            return f"the terminology server could not be reached ({type(problem).__name__}: {problem})"
        try:
            body: Any = response.json()
        except ValueError:
            return f"the terminology server answered {operation} with HTTP {response.status_code}, not JSON"
        if not isinstance(body, dict):
            return f"the terminology server answered {operation} with JSON that is not a resource"
        if response.is_error:
            issues = body.get("issue", []) if body.get("resourceType") == "OperationOutcome" else []
            said = "; ".join(str(i.get("diagnostics", "")) for i in issues if isinstance(i, dict))
            return f"the terminology server refused {operation} (HTTP {response.status_code}) {said}".strip()
        return body


def _contains(items: Any) -> Any:
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            yield item
            yield from _contains(item.get("contains", []))


def terminology_service(server: str | httpx.Client | CodeLookup | None) -> CodeLookup | None:
    """What a Validator's ``terminology_server`` argument names, as a lookup."""
    if server is None:
        return None
    if isinstance(server, str) or not hasattr(server, "check"):
        return TerminologyServer(server)
    return server
