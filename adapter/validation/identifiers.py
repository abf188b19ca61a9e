"""Identifier rules beyond the StructureDefinition, as the HL7 reference validator applies them
(org.hl7.fhir.validation InstanceValidator.checkIdentifier, with isIdentifierSystemReferenceValid
and isAbsolute):

- ``Identifier.system`` is an absolute reference: it starts ``http:``, ``https:``, ``urn:`` or
  ``ldap:`` (R4 Identifier.system: "Establishes the namespace for the value - that is, a URL that
  describes a set values that are unique"); anything else is an error;
- with system ``urn:ietf:rfc:3986`` (R4 identifier-registry: "the value is a URI") the value is an
  absolute URI: a scheme (letters, digits, ``+``, ``-``, ``.``) then ``:``; a ``file:`` URI must
  also be an absolute path. Otherwise an error;
- with system ``https://tools.ietf.org/html/rfc4122`` the value is a bare UUID: one written as
  ``urn:uuid:...`` (which belongs under ``urn:ietf:rfc:3986``) is a warning, as is a bare UUID
  (the reference validator advises ``urn:ietf:rfc:3986`` with ``urn:uuid:``); anything that is not
  a UUID is an error.
"""

from __future__ import annotations

import re
from typing import Any

from adapter.outcome import Issue

URI_SYSTEM = "urn:ietf:rfc:3986"
UUID_SYSTEM = "https://tools.ietf.org/html/rfc4122"
_SCHEME = re.compile(r"^[A-Za-z0-9+.\-]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def check_identifier(value: Any, path: str) -> list[Issue]:
    """The system and (for the URI and UUID systems) value rules of one Identifier."""
    if not isinstance(value, dict):
        return []
    system, text = value.get("system"), value.get("value")
    issues: list[Issue] = []
    if isinstance(system, str) and not system.startswith(("http:", "https:", "urn:", "ldap:")):
        issues.append(
            Issue.error(
                "code-invalid",
                "identifier.system-relative",
                f"Identifier.system must be an absolute reference, not a local reference ('{system}')",
                f"{path}.system",
            )
        )
    if not isinstance(text, str):
        return issues
    if system == URI_SYSTEM and not is_absolute_uri(text):
        issues.append(
            Issue.error(
                "code-invalid",
                "identifier.uri-value",
                f"The value '{text}' is not an absolute URI, which the system {URI_SYSTEM} requires",
                f"{path}.value",
            )
        )
    if system == UUID_SYSTEM:
        issues += _uuid_value(text, path)
    return issues


def is_absolute_uri(text: str) -> bool:
    """A scheme then ``:``; a ``file:`` URI must name an absolute path."""
    scheme, colon, rest = text.partition(":")
    if not colon or not scheme or not _SCHEME.match(scheme):
        return False
    return scheme != "file" or rest.startswith("/") or ":" in rest


def _uuid_value(text: str, path: str) -> list[Issue]:
    where = f"{path}.value"
    if text.startswith("urn:uuid:"):
        advice = f"a urn:uuid: value belongs with the system {URI_SYSTEM}, not {UUID_SYSTEM}"
        return [Issue.warning("code-invalid", "identifier.uuid-urn", f"The value '{text}': {advice}", where)]
    if _UUID.match(text):
        advice = f"use the system {URI_SYSTEM} and the value urn:uuid:{text}"
        return [
            Issue.warning(
                "code-invalid", "identifier.uuid-bare", f"The value '{text}' is a UUID: {advice}", where
            )
        ]
    text_out = f"The value '{text}' is not a UUID, which the system {UUID_SYSTEM} requires"
    return [Issue.error("code-invalid", "identifier.uuid-value", text_out, where)]
