"""Post-process steps: named pure functions over a mapped canonical record (before validation).

A table lists the steps it needs under ``post``; each step takes canonical JSON and returns it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JsonObject = dict[str, Any]


def unique_organisations(record: JsonObject) -> JsonObject:
    """Keep the first of organisations repeated with the same ODS code and the same details.

    Exports that repeat an agency on every row that names it (a worker's agency, a consent's
    recipients) would otherwise hand the model duplicates; differing duplicates are kept so the
    model's uniqueness rule reports them.
    """
    kept: list[JsonObject] = []
    for organisation in record.get("organisations", []):
        if organisation not in kept:
            kept.append(organisation)
    if "organisations" in record:
        record = {**record, "organisations": kept}
    return record


POST_STEPS: dict[str, Callable[[JsonObject], JsonObject]] = {
    "unique_organisations": unique_organisations,
}
"""Every post-process step a table may name."""
