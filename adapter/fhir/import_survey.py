"""How plans that other systems made fare on import: counts over every CarePlan-bearing input.

    $ python -m adapter.fhir.import_survey ../shared/foreign-plans /tmp/fhirpkg/package ../shared/ukcore/json
    inputs 17: imported 0, imported for review 11, refused 6
      refused 3: fhir.meaning-not-carried at CarePlan.activity.detail.doNotPerform
      refused 2: fhir.which-plan at Bundle.entry
      refused 1: fhir.meaning-not-carried at CarePlan.intent

Each PATH is a FHIR JSON or XML file, or a folder searched for them. An input counts when it holds a
CarePlan (the resource itself, a Bundle entry, or a contained resource); every other file is passed
over. Each is read as the command line reads it (:func:`adapter.fhir.read_plan`), with no plan named,
so a bundle with several active plans is refused with its candidates (name one with ``--plan``);
``--each-plan`` then also imports each of its plans by id, as a user naming it would, and counts those.
``--verbose`` prints one line per input.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapter.errors import AdapterError
from adapter.fhir.importer import read_plan
from adapter.outcome import Issue
from adapter.wire import read_resource


@dataclass(frozen=True, slots=True)
class Outcome:
    """One input's fate: ``imported``, ``imported for review`` or ``refused`` (with the reason)."""

    path: Path
    fate: str
    reason: str = ""
    not_carried: int = 0


def _holds_care_plan(resource: Any) -> bool:
    if not isinstance(resource, dict):
        return False
    if resource.get("resourceType") == "CarePlan":
        return True
    contained = resource.get("contained")
    if isinstance(contained, list) and any(_holds_care_plan(c) for c in contained):
        return True
    entries = resource.get("entry") if resource.get("resourceType") == "Bundle" else None
    return isinstance(entries, list) and any(
        isinstance(e, dict) and _holds_care_plan(e.get("resource")) for e in entries
    )


def _files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in (".json", ".xml"))
        else:
            yield path


def _reason(issues: tuple[Issue, ...]) -> str:
    """The first error's kind and the element it names, without indices: what groups refusals."""
    first = next((i for i in issues if i.is_error), issues[0] if issues else None)
    if first is None:
        return "refused (no reason given)"
    where = re.sub(r"\[\d+\]", "", first.expression or "")
    where = re.sub(r"^Bundle\.entry\.resource\.", "", where)
    return f"{first.message_id} at {where}"


def _plan_ids(resource: Any) -> list[str]:
    entries = resource.get("entry") if isinstance(resource, dict) else None
    listed = entries if isinstance(entries, list) else []
    return [
        e["resource"]["id"]
        for e in listed
        if isinstance(e, dict)
        and isinstance(e.get("resource"), dict)
        and e["resource"].get("resourceType") == "CarePlan"
        and isinstance(e["resource"].get("id"), str)
    ]


def _each_plan(path: Path, resource: Any) -> list[Outcome]:
    """Each plan of a bundle that holds several, imported by its id."""
    outcomes = []
    for plan_id in _plan_ids(resource):
        named = Path(f"{path}#{plan_id}")
        try:
            result = read_plan(resource, plan_id=plan_id, source=path.name)
        except AdapterError as error:
            outcomes.append(Outcome(named, "refused", _reason(error.outcome.issues)))
            continue
        fate = "imported for review" if result.for_review else "imported"
        outcomes.append(Outcome(named, fate, not_carried=len(result.unmapped)))
    return outcomes


def survey(paths: list[Path], *, each_plan: bool = False) -> list[Outcome]:
    """The fate of every CarePlan-bearing input under ``paths`` (with ``each_plan``, also of each plan
    of a bundle refused for holding several)."""
    outcomes = []
    for path in _files(paths):
        data = path.read_bytes()
        try:
            resource = read_resource(data, "xml" if path.suffix.lower() == ".xml" else "json")
        except AdapterError:
            continue  # not FHIR: no input of this survey
        if not _holds_care_plan(resource):
            continue
        try:
            result = read_plan(resource, source=path.name)
        except AdapterError as error:
            outcomes.append(Outcome(path, "refused", _reason(error.outcome.issues)))
            if each_plan and any(i.message_id == "fhir.which-plan" for i in error.outcome.issues):
                outcomes += _each_plan(path, resource)
            continue
        fate = "imported for review" if result.for_review else "imported"
        outcomes.append(Outcome(path, fate, not_carried=len(result.unmapped)))
    return outcomes


def main(argv: list[str]) -> int:
    verbose, each_plan = "--verbose" in argv, "--each-plan" in argv
    paths = [Path(a) for a in argv if a not in ("--verbose", "--each-plan")]
    if not paths:
        usage = "usage: python -m adapter.fhir.import_survey [--verbose] [--each-plan] PATH..."
        print(usage, file=sys.stderr)
        return 2
    outcomes = survey(paths, each_plan=each_plan)
    inputs = [o for o in outcomes if "#" not in o.path.name]
    named = [o for o in outcomes if "#" in o.path.name]
    for label, group in (("inputs", inputs), ("plans named with --plan", named)):
        if not group:
            continue
        fates = Counter(o.fate for o in group)
        print(
            f"{label} {len(group)}: imported {fates['imported']}, imported for review "
            f"{fates['imported for review']}, refused {fates['refused']}"
        )
        for reason, count in Counter(o.reason for o in group if o.fate == "refused").most_common():
            print(f"  refused {count}: {reason}")
    if verbose:
        for o in outcomes:
            detail = o.reason if o.fate == "refused" else f"{o.not_carried} elements not carried"
            print(f"{o.path}: {o.fate} ({detail})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
