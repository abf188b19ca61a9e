"""The compiled implementation guide (ig/fsh-generated/resources) as the IG tests read it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from adapter.model.codes import CANONICAL_BASE
from adapter.types import FhirJson

ROOT = Path(__file__).resolve().parents[2]
IG_FOLDER = ROOT / "ig"
RESOURCES = IG_FOLDER / "fsh-generated" / "resources"
SD_BASE = f"{CANONICAL_BASE}/StructureDefinition/"
VS_BASE = f"{CANONICAL_BASE}/ValueSet/"
CS_BASE = f"{CANONICAL_BASE}/CodeSystem/"
CM_BASE = f"{CANONICAL_BASE}/ConceptMap/"


@dataclass(frozen=True)
class CompiledGuide:
    """Every resource SUSHI wrote: conformance resources by canonical URL, everything by file name."""

    by_url: dict[str, FhirJson]
    files: dict[str, FhirJson]

    def get(self, url: str) -> FhirJson:
        assert url in self.by_url, f"the IG has no resource {url}"
        return self.by_url[url]

    def of_type(self, resource_type: str) -> list[FhirJson]:
        return [r for r in self.by_url.values() if r["resourceType"] == resource_type]

    def examples(self) -> list[FhirJson]:
        """The example instances (they carry no canonical URL), each claiming one of our profiles."""
        return [r for r in self.files.values() if "url" not in r]

    def element(self, profile: str, element_id: str) -> FhirJson:
        """One differential element of one of our StructureDefinitions, by profile name or id."""
        definition = self.get(SD_BASE + profile)
        for element in definition["differential"]["element"]:
            if element["id"] == element_id:
                return dict(element)
        raise AssertionError(f"{profile} constrains no element {element_id}")


def load_guide() -> CompiledGuide:
    """Read every compiled resource; fail loudly when the IG was never built."""
    files = {path.name: json.loads(path.read_text("utf-8")) for path in sorted(RESOURCES.glob("*.json"))}
    assert files, f"nothing compiled in {RESOURCES}: run scripts/build_ig.sh"
    by_url = {r["url"]: r for r in files.values() if "url" in r}
    return CompiledGuide(by_url=by_url, files=files)
