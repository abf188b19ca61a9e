"""Type aliases shared across the adapter."""

from __future__ import annotations

from typing import Any

FhirJson = dict[str, Any]
"""A FHIR resource (or any JSON object) as parsed from JSON."""

CanonicalUrl = str
"""A canonical URL of a conformance resource, optionally with ``|version``."""

OdsCode = str
"""An NHS Organisation Data Service code."""

FhirPath = str
"""A FHIRPath expression with indices, e.g. ``CarePlan.activity[1].detail.status``."""
