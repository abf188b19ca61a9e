"""Our exports and UK Core's own examples against the UK Core profiles.

    python -m adapter.validation.ukcore ../shared/ukcore/json [--bundles fixtures/golden]

UK Core's profiles have differentials only; the validator generates their snapshots. Two checks:

- every resource of every bundle in ``--bundles`` whose type UK Core profiles (CarePlan, CareTeam,
  Consent, Patient, Practitioner, PractitionerRole, Organization, Provenance, EpisodeOfCare) is
  validated against ``UKCore-<type>``, with our IG loaded as well;
- every UK Core example is validated against the profile its resource type has in UK Core (a
  Patient example against UKCore-Patient; an example of an extension against the base type, with
  the extension definitions loaded).

Prints one line per resource with errors and a summary; exit 1 when an export has errors (UK Core's
own examples are reported, not judged: some use definitions the folder lacks).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from adapter.definitions import Definitions, FolderSource
from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.validator import Validator
from adapter.wire import read_json

UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
PROFILED_TYPES = frozenset(
    {
        "CarePlan",
        "CareTeam",
        "Consent",
        "EpisodeOfCare",
        "Organization",
        "Patient",
        "Practitioner",
        "PractitionerRole",
        "Provenance",
    }
)


@dataclass(frozen=True, slots=True)
class Checked:
    """One resource validated against one UK Core profile (or its base type)."""

    where: str
    profile: str | None
    errors: tuple[Issue, ...]


def profile_for(resource: FhirJson) -> str | None:
    """The UK Core profile of ``resource``'s type, if UK Core profiles that type."""
    resource_type = resource.get("resourceType")
    return UK_CORE + resource_type if resource_type in PROFILED_TYPES else None


def check_bundles(validator: Validator, folder: Path) -> Iterator[Checked]:
    """Each UK Core-profiled resource of each ``*.json`` Bundle in ``folder``."""
    for path in sorted(folder.glob("*.json")):
        bundle = read_json(path.read_bytes())
        for index, entry in enumerate(bundle.get("entry", [])):
            resource = entry.get("resource", {})
            profile = profile_for(resource)
            if profile is not None:
                outcome = validator.validate(resource, profiles=[profile])
                yield Checked(
                    f"{path.name} entry[{index}] {resource['resourceType']}", profile, outcome.errors
                )


def check_examples(validator: Validator, folder: Path) -> Iterator[Checked]:
    """Each example in ``folder`` against its type's UK Core profile (or the base type)."""
    for path in sorted(folder.glob("*.json")):
        resource = read_json(path.read_bytes())
        profile = profile_for(resource)
        outcome = validator.validate(resource, profiles=[profile] if profile else [])
        yield Checked(path.name, profile, outcome.errors)


def _report(title: str, results: list[Checked]) -> int:
    failing = [r for r in results if r.errors]
    for result in failing:
        for issue in result.errors:
            print(f"  {result.where}: {issue}")
    print(f"{title}: {len(results) - len(failing)} of {len(results)} resources without errors")
    return len(failing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "ukcore", type=Path, help="UK Core in JSON: structuredefinitions/, valuesets/, examples/"
    )
    parser.add_argument("--bundles", type=Path, default=Path("fixtures/golden"), help="our exported bundles")
    args = parser.parse_args(argv)
    if not (args.ukcore / "structuredefinitions").is_dir():
        print(f"error: {args.ukcore}: expected a folder with structuredefinitions/ (UK Core as JSON)")
        return 2
    validator = Validator(Definitions.default().with_source(FolderSource(args.ukcore)))
    exports_failing = _report("our exports", list(check_bundles(validator, args.bundles)))
    examples = args.ukcore / "examples"
    if examples.is_dir():
        _report("UK Core's examples", list(check_examples(validator, examples)))
    return 1 if exports_failing else 0


if __name__ == "__main__":
    sys.exit(main())
