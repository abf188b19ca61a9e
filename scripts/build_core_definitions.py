"""Rebuild adapter/definitions/data/r4-core.zip from the official R4 definitions.

Source: the npm package hl7.fhir.r4.examples 4.0.1 (CC0-1.0; HL7 International), which holds every
R4 (4.0.1) conformance resource. Fetch it with the ordinary npm client, then run:

    npm pack hl7.fhir.r4.examples@4.0.1
    python scripts/build_core_definitions.py hl7.fhir.r4.examples-4.0.1.tgz

What is kept: every StructureDefinition (snapshot only; narrative, mappings and long prose
removed), every CodeSystem and ValueSet (narrative removed), and the package's own metadata.
Each resource is one zip entry, so the loader reads only what a validation needs; index.json
maps each canonical URL to its entry.
"""

from __future__ import annotations

import argparse
import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

KINDS = ("StructureDefinition", "CodeSystem", "ValueSet")
DROP_TOP = ("text", "mapping", "contact", "meta")
DROP_ELEMENT = ("definition", "comment", "requirements", "mapping", "alias", "meaningWhenMissing")
OUT = Path(__file__).resolve().parents[1] / "adapter" / "definitions" / "data" / "r4-core.zip"


def trim(resource: dict[str, Any]) -> dict[str, Any]:
    for key in DROP_TOP:
        resource.pop(key, None)
    if resource["resourceType"] == "StructureDefinition":
        resource.pop("differential", None)
        for element in resource.get("snapshot", {}).get("element", []):
            for key in DROP_ELEMENT:
                element.pop(key, None)
            for constraint in element.get("constraint", []):
                constraint.pop("xpath", None)
    return resource


def read_package(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and "/" not in name and name.endswith(".json"):
                extracted = archive.extractfile(member)
                if extracted is not None:
                    files[name] = extracted.read()
    return files


def build(tgz: Path, out: Path) -> int:
    count = 0
    index: dict[str, str] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, raw in sorted(read_package(tgz).items()):
            resource = json.loads(raw)
            if name == "package.json":
                body = json.dumps(resource, sort_keys=True)
            elif resource.get("resourceType") in KINDS and "url" in resource:
                body = json.dumps(trim(resource), separators=(",", ":"), ensure_ascii=False, sort_keys=True)
                index[resource["url"]] = name
                count += 1
            else:
                continue
            # zip entries carry a fixed timestamp so a rebuild is byte-identical.
            info = zipfile.ZipInfo(name, date_time=(2019, 11, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, body.encode())
        info = zipfile.ZipInfo("index.json", date_time=(2019, 11, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, json.dumps(index, sort_keys=True, indent=0).encode())
    out.write_bytes(buffer.getvalue())
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="hl7.fhir.r4.examples-4.0.1.tgz")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    count = build(args.package, args.out)
    print(f"{count} resources -> {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
